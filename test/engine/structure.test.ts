import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The engine's shape: no import cycles (type-only imports included: a cycle of types is still two modules
 * that cannot be understood apart), and SQL text only in engine/store.
 */

const ENGINE = path.join(__dirname, '..', '..', 'engine');

function engineFiles(dir = ENGINE): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return engineFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function localImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => {
      const base = path.resolve(path.dirname(file), name);
      return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
    })
    .filter((resolved): resolved is string => resolved !== undefined && resolved.startsWith(ENGINE));
}

/** Every elementary cycle found by depth-first search (one per back edge), as module paths. */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, localImports(f)]));
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles.map((cycle) => cycle.map((f) => path.relative(ENGINE, f)));
}

test('engine/ has no import cycles', () => {
  expect(importCycles(engineFiles())).toEqual([]);
});

test('the cycle check finds a cycle', () => {
  const dir = fs.mkdtempSync(path.join(ENGINE, '.cycle-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = () => b;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a';\nexport const b = 1 as unknown as typeof a;\n");
    expect(importCycles(engineFiles(dir))).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A statement in a string: SELECT … / INSERT INTO / UPDATE t SET / DELETE FROM (uppercase, as the engine writes SQL). */
const SQL = /\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)/;

/** Files that still hold SQL outside engine/store (all of it has moved there; the list may only shrink). */
const NOT_YET_MOVED: string[] = [];

test('SQL text stands only in engine/store', () => {
  const withSql = engineFiles()
    .filter((file) => !file.startsWith(path.join(ENGINE, 'store') + path.sep))
    .filter((file) => SQL.test(fs.readFileSync(file, 'utf8')))
    .map((file) => path.relative(ENGINE, file))
    .sort();
  expect(withSql).toEqual([...NOT_YET_MOVED].sort());
});
