/**
 * The parts meet only through the engine's REST API and common/: the web app and the deploy tool never import the
 * workers or the engine, the workers never import the web app or the engine, common/ imports none of them. What
 * two sides share (audit log, places, consent registry, workers.sqlite) lives in common/.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const FORBIDDEN: Record<string, string[]> = {
  web: ['workers', 'engine'],
  deploy: ['workers', 'engine', 'web'],
  workers: ['web', 'engine', 'deploy'],
  common: ['web', 'workers', 'engine', 'deploy'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'public' ? [] : sources(p);
    return /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Top-level project folders a file's relative imports reach. */
function importedAreas(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)).split(path.sep)[0]);
}

test.each(Object.entries(FORBIDDEN))('%s/ imports nothing from %j', (area, forbidden) => {
  const offending = sources(path.join(ROOT, area)).flatMap((f) => importedAreas(f, fs.readFileSync(f, 'utf8'))
    .filter((a) => forbidden.includes(a)).map((a) => `${path.relative(ROOT, f)} → ${a}/`));
  expect(offending).toEqual([]);
});

test('the check sees a forbidden import', () => {
  const file = path.join(ROOT, 'web/server/cases/x.ts');
  expect(importedAreas(file, "import { a } from '../../../workers/consent/registry';\nconst b = require('../../../common/consent');")).toEqual(['workers', 'common']);
});
