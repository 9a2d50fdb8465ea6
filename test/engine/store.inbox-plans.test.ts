/**
 * Query plans of the inbox searches on the migrated engine schema: every sort the inbox offers (due date, name,
 * priority, creation date; either way, creation date ascending as tiebreaker) reads its page off an index instead of
 * sorting every open task in a temporary B-tree, so a page costs the same with 10 000 open tasks as with 100.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Db } from '../../engine/store/db';
import { runSearch } from '../../engine/rest/search';
import { userTaskSearch } from '../../engine/rest/routes/userTasks';
import { statementsDuring } from '../helpers/sql-capture';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-plans-'));
const db: Db = openStore(path.join(dir, 'engine.sqlite'));
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The query-plan lines of the page query (not the count) a search request runs. */
function pagePlan(body: unknown): string[] {
  const statements = statementsDuring(db, () => runSearch(db, userTaskSearch, body)).sql;
  const page = statements.find((s) => s.includes('ORDER BY'));
  if (!page) throw new Error(`no page query among ${statements.join('\n')}`);
  const params = Array.from({ length: (page.match(/\?/g) ?? []).length }, () => 1);
  return (db.prepare(`EXPLAIN QUERY PLAN ${page}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}

const groupInbox = { state: 'CREATED', candidateGroup: { $in: ['socialsekreterare-vaxjo'] } };
const sorts: Array<[string, string, Record<string, unknown>]> = [
  ['name', 'ASC', groupInbox], ['name', 'DESC', groupInbox],
  ['priority', 'ASC', groupInbox], ['priority', 'DESC', groupInbox],
  ['dueDate', 'ASC', { ...groupInbox, dueDate: { $exists: true } }],
  ['creationDate', 'ASC', groupInbox],
];

test.each(sorts)('sort by %s %s: the page is read in index order, no full sort', (field, order, filter) => {
  const plan = pagePlan({ filter, sort: [{ field, order }, { field: 'creationDate', order: 'ASC' }], page: { from: 0, limit: 50 } });
  expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  expect(plan.some((line) => /^SEARCH ut USING INDEX ut_by_state/.test(line))).toBe(true);
});
