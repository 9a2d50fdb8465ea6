/** Regenerates bpmn/*.bpmn from bpmn/tools/processes.ts and forms/*.form from bpmn/tools/forms.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { build } from './dsl';
import { ALL } from './processes';
import { FORMS, formJson } from './forms';

const root = path.resolve(__dirname, '..', '..');
for (const make of ALL) {
  const spec = make();
  fs.writeFileSync(path.join(root, 'bpmn', `${spec.id}.bpmn`), build(spec));
}
for (const f of FORMS) fs.writeFileSync(path.join(root, 'forms', `${f.id}.form`), formJson(f));
console.log(`wrote ${ALL.length} diagrams and ${FORMS.length} forms`);
