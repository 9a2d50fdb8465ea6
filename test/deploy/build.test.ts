/**
 * The production build runs from dist/ (npm start, the image), so runtime code must not find the project's files by
 * counting `..` from __dirname — that lands inside dist/. common/paths.ts' PROJECT_ROOT is the one place that knows.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME_DIRS = ['common', 'engine', 'workers', 'web/server', 'deploy'];
const RUNTIME_FILES = ['scripts/start.ts', 'scripts/children.ts'];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

test('runtime code finds project files through PROJECT_ROOT, not __dirname + ".."', () => {
  const offenders = [...RUNTIME_DIRS.flatMap(sources), ...RUNTIME_FILES]
    .filter((f) => f !== path.join('common', 'paths.ts'))
    .filter((f) => /__dirname\s*,\s*['"]\.\.['"]/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(offenders).toEqual([]);
});

test('the check sees an offender', () => {
  expect(/__dirname\s*,\s*['"]\.\.['"]/.test("path.resolve(__dirname, '..', 'forms')")).toBe(true);
});
