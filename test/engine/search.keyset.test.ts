import Database from 'better-sqlite3';
import { runSearch, type SearchDefinition } from '../../engine/rest/search';
import { statementsDuring } from '../helpers/sql-capture';

/**
 * Search paging on a large result: the cursors of every sort are keyset boundaries, so a walk over all
 * pages returns each row once, in order, and a cursor page never skips rows with OFFSET.
 */

interface Row { key: number; name: string | null; score: number | null }

const N = 20_000;
const db = new Database(':memory:');
db.exec('CREATE TABLE items (key INTEGER PRIMARY KEY, name TEXT, score INTEGER)');
const insert = db.prepare('INSERT INTO items (key, name, score) VALUES (?, ?, ?)');
db.transaction(() => {
  // Few distinct values and NULLs in both sort columns: ties and NULLs are where keyset paging goes wrong.
  for (let i = 1; i <= N; i++) insert.run(1000 + i, i % 13 === 0 ? null : `n${i % 37}`, i % 11 === 0 ? null : i % 50);
})();

const def: SearchDefinition<Row, Row> = {
  from: 'items i',
  fields: { score: { column: 'i.score', kind: 'int' } },
  sort: { name: 'i.name', score: 'i.score' },
  defaultOrder: 'i.key ASC',
  toItem: (row) => ({ key: row.key, name: row.name, score: row.score }),
};

const sorts = [
  [{ field: 'score', order: 'DESC' }, { field: 'name', order: 'ASC' }],
  [{ field: 'name', order: 'ASC' }],
  [{ field: 'name', order: 'DESC' }, { field: 'score', order: 'DESC' }],
  [],
];

test.each(sorts.map((sort) => [JSON.stringify(sort), sort]))('sort %s: forward pages cover the ordered result once, backward pages repeat them', (_label, sort) => {
  const everything = runSearch(db, def, { sort, page: { limit: 10_000 } }).items.concat(runSearch(db, def, { sort, page: { from: 10_000, limit: 10_000 } }).items);
  expect(everything).toHaveLength(N);
  const pages: Row[][] = [];
  const starts: string[] = [];
  let after: string | undefined;
  for (;;) {
    const { result, sql } = statementsDuring(db, () => runSearch(db, def, { sort, page: after ? { after, limit: 700 } : { limit: 700 } }));
    if (after) expect(sql.some((s) => /OFFSET/i.test(s))).toBe(false);
    if (result.items.length === 0) break;
    expect(result.page.totalItems).toBe(N);
    pages.push(result.items);
    starts.push(result.page.startCursor!);
    after = result.page.endCursor;
  }
  expect(pages.flat()).toEqual(everything);
  for (const i of [1, Math.floor(pages.length / 2), pages.length - 1]) {
    expect(runSearch(db, def, { sort, page: { before: starts[i], limit: 700 } }).items).toEqual(pages[i - 1]);
  }
});

test('a cursor of another sort order is refused', () => {
  const first = runSearch(db, def, { sort: [{ field: 'name' }], page: { limit: 5 } });
  expect(() => runSearch(db, def, { page: { after: first.page.endCursor!, limit: 5 } })).toThrow(/sort/);
});
