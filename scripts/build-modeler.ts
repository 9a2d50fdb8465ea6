/**
 * Builds the modeler's browser bundles from npm packages (camunda-bpmn-js, @bpmn-io/form-js-editor,
 * bpmn-js-differ) and web/modeler/*.js into web/public/modeler/ (gitignored: third-party code is never committed).
 * Runs in `npm run build` (so in `npm start`, before the compiled system starts: esbuild is a build-time tool) and
 * `npm test`; `tsx scripts/build-modeler.ts` alone rebuilds. Skips work when the bundles
 * are newer than their sources and package-lock.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'web', 'modeler');
export const MODELER_OUT = path.join(ROOT, 'web', 'public', 'modeler');
const ENTRIES = ['bpmn-editor', 'form-editor', 'diff'];

function upToDate(): boolean {
  const outputs = [...ENTRIES.flatMap((e) => [`${e}.js`, `${e}.css`]), 'modeler.css'].map((f) => path.join(MODELER_OUT, f));
  if (!outputs.every((f) => fs.existsSync(f))) return false;
  const oldestOut = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
  const inputs = [...fs.readdirSync(SRC).map((f) => path.join(SRC, f)), path.join(ROOT, 'package-lock.json'), __filename];
  return inputs.every((f) => fs.statSync(f).mtimeMs < oldestOut);
}

export async function buildModeler(opts: { force?: boolean } = {}): Promise<{ built: boolean; ms: number }> {
  const t0 = Date.now();
  if (!opts.force && upToDate()) return { built: false, ms: Date.now() - t0 };
  fs.mkdirSync(MODELER_OUT, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, path.join(SRC, `${e}.js`)])),
    outdir: MODELER_OUT,
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    legalComments: 'linked',
    logLevel: 'warning',
    // the bpmn font and icons: inlined, so the CSP (font-src 'self' data:) needs nothing more
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  fs.copyFileSync(path.join(SRC, 'modeler.css'), path.join(MODELER_OUT, 'modeler.css'));
  return { built: true, ms: Date.now() - t0 };
}

if (require.main === module) {
  buildModeler({ force: process.argv.includes('--force') }).then(
    (r) => console.log(r.built ? `modeler bundles built in ${r.ms} ms → ${path.relative(ROOT, MODELER_OUT)}/` : 'modeler bundles up to date'),
    (e) => { console.error('build-modeler:', e.message ?? e); process.exit(1); },
  );
}
