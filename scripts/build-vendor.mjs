// Part of `npm run build`: bundles runtime packages that are published for bundlers only (ESM with extensionless
// imports, which plain Node cannot load) into dist/vendor/*.cjs. From the sources (tsx, jest) the packages are
// imported directly; see deploy/form-linter.ts.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  stdin: { contents: "export { FormLinter } from '@camunda/form-linting';", resolveDir: root, loader: 'js' },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
  outfile: path.join(root, 'dist', 'vendor', 'form-linting.cjs'),
});
