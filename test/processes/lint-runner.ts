/**
 * Lints bpmn files with bpmnlint (Linter + NodeResolver, config from /.bpmnlintrc) and prints JSON
 * { file: { parseWarnings: string[], problems: string[] } }. Run in a child process by lint.test.ts because
 * bpmnlint-plugin-camunda-compat pulls in ESM-only packages that Node 20 loads natively but Jest does not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';

type Reports = Record<string, Array<{ id?: string; message: string; category: string }>>;
// bpmnlint ships no type declarations
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Linter } = require('bpmnlint') as { Linter: new (opts: { config: unknown; resolver: unknown }) => { lint(root: unknown): Promise<Reports> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => unknown;

async function main() {
  const root = path.resolve(__dirname, '..', '..');
  const config = JSON.parse(fs.readFileSync(path.join(root, '.bpmnlintrc'), 'utf8'));
  const out: Record<string, { parseWarnings: string[]; problems: string[] }> = {};
  for (const file of process.argv.slice(2)) {
    const xml = fs.readFileSync(file, 'utf8');
    // The moddle extensions come from .bpmnlintrc, as the bpmnlint CLI and Modeler load them.
    const extensions = Object.fromEntries(Object.entries<string>(config.moddleExtensions ?? {}).map(([k, m]) => [k, require(require.resolve(m, { paths: [root] }))]));
    const moddle = new BpmnModdle(extensions);
    const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
    const linter = new Linter({ config, resolver: new NodeResolver() });
    const reports = await linter.lint(rootElement);
    out[path.basename(file)] = {
      parseWarnings: warnings.map((w: { message: string }) => w.message),
      problems: Object.entries(reports).flatMap(([rule, rs]) => rs.map((r) => `${r.category} ${rule} ${r.id ?? ''}: ${r.message}`)),
    };
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
