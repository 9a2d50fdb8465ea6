/**
 * Regenerates bpmn/*.bpmn from bpmn/tools/processes.ts and forms/*.form from bpmn/tools/forms.ts.
 * `--check`: writes nothing, lists files that differ from what the generator produces, exits 1 if any.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from './dsl';
import { FORMS, formJson } from './forms';
import { ALL } from './processes';

const root = path.resolve(__dirname, '..', '..');
const check = process.argv.includes('--check');
const outputs: Array<[file: string, content: string]> = [
  ...ALL.map((make) => { const spec = make(); return [path.join('bpmn', `${spec.id}.bpmn`), build(spec)] as [string, string]; }),
  ...FORMS.map((f) => [path.join('forms', `${f.id}.form`), formJson(f)] as [string, string]),
];
const differing: string[] = [];
for (const [file, content] of outputs) {
  const abs = path.join(root, file);
  if (check) {
    if (!fs.existsSync(abs) || fs.readFileSync(abs, 'utf8') !== content) differing.push(file);
  } else fs.writeFileSync(abs, content);
}
if (check) {
  if (differing.length) { console.error(`not generated from bpmn/tools (edited by hand or not regenerated): ${differing.join(', ')}`); process.exit(1); }
  console.log(`all ${outputs.length} files match bpmn/tools`);
} else console.log(`wrote ${ALL.length} diagrams and ${FORMS.length} forms`);
