/**
 * Lints bpmn files with the deploy tool's linter (deploy/lint.ts: bpmnlint with the root /.bpmnlintrc, rules and
 * moddle extensions — the same code `npm run deploy` and the web modeler run) and prints JSON
 * { file: { parseWarnings: string[], problems: string[] } }. Kept as a child process so lint.test.ts also proves the
 * linter works outside Jest's module system, as it runs in the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lintDiagram, loadLintConfig } from '../../deploy/lint';

async function main() {
  const root = path.resolve(__dirname, '..', '..');
  const config = loadLintConfig(root);
  const out: Record<string, { parseWarnings: string[]; problems: string[] }> = {};
  for (const file of process.argv.slice(2)) {
    const name = path.basename(file);
    const { problems } = await lintDiagram({ kind: 'bpmn', name, path: file, content: fs.readFileSync(file, 'utf8') }, config, root);
    out[name] = {
      parseWarnings: problems.filter((p) => p.rule === 'xml').map((p) => p.message),
      problems: problems.filter((p) => p.rule !== 'xml').map((p) => `${p.category} ${p.rule} ${p.elementId ?? ''}: ${p.message}`),
    };
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
