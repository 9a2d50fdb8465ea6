/**
 * The read model's copy of each instance's kommun on its tasks (rm_tasks.kommun) and the join-free indicator SQL:
 * same figures as the join over rm_instances on seeded history, migration of a read model written before the
 * column existed, and a kommun change reaching the instance's tasks on refresh (stub client).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import { seedReadModel } from '../../bench/seed-read-model';
import { computeDashboard, type DashboardFilter } from '../../web/server/dashboard/indicators';
import { ReadModel } from '../../web/server/dashboard/read-model';
import { ensureReadModelSchema } from '../../web/server/dashboard/schema';
import { openWebDb } from '../../web/server/db';

async function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-rm-sql-'));
  return { db: openWebDb(dir), audit: await AuditLog.open(path.join(dir, 'audit.sqlite')) };
}

/** The indicators over tasks as they were computed before the copy: joined to rm_instances. */
function joined(db: Database.Database, f: DashboardFilter) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.allowed !== 'all') { where.push(`i.kommun IN (${f.allowed.map(() => '?').join(',')})`); params.push(...f.allowed); }
  if (f.kommun) { where.push('i.kommun = ?'); params.push(f.kommun); }
  const period = [...(f.from ? [['t.completion_date >= ?', f.from]] : []), ...(f.to ? [['t.completion_date < ?', f.to]] : [])];
  const w = (extra: Array<unknown[]>) => [...where, ...extra.map((e) => e[0])].map((c) => ` AND ${c}`).join('');
  const p = (extra: Array<unknown[]>) => [...params, ...extra.map((e) => e[1])];
  const compliance = db.prepare(`SELECT t.process_definition_id AS process, COUNT(*) AS total, SUM(t.completion_date <= t.due_date) AS onTime FROM rm_tasks t JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
    WHERE t.state = 'COMPLETED' AND t.due_date IS NOT NULL AND t.completion_date IS NOT NULL${w(period)} GROUP BY t.process_definition_id ORDER BY process`).all(...p(period));
  const open = db.prepare(`SELECT t.process_definition_id AS process, COUNT(*) AS n FROM rm_tasks t JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
    WHERE t.state = 'CREATED' AND t.due_date IS NOT NULL${w([])} GROUP BY t.process_definition_id ORDER BY process`).all(...p([]));
  const remiss = db.prepare(`SELECT i.kommun AS kommun, COUNT(DISTINCT i.process_instance_key) AS cases FROM rm_tasks t JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
    WHERE t.state = 'COMPLETED' AND t.candidate_groups LIKE '%"remissgruppen"%'${w(period)} GROUP BY i.kommun ORDER BY i.kommun`).all(...p(period));
  return { compliance, open, remiss };
}

test('join-free indicators give the same figures as the join, tasks outside the read model count nowhere', async () => {
  const { db, audit } = await open();
  new ReadModel(db, {} as CamundaClient, () => new Date());
  await seedReadModel(db, { instances: 3000, now: new Date('2026-11-22T12:00:00Z'), seed: 7 });
  // A task of a called child instance (not in rm_instances) and an instance without kommun.
  db.prepare(`INSERT INTO rm_tasks (user_task_key, process_instance_key, process_definition_id, element_id, state, creation_date, completion_date, due_date, candidate_groups, kommun)
    VALUES ('c1', 'child-1', 'vk-sip', 'SipMote', 'COMPLETED', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '["remissgruppen"]', NULL)`).run();
  db.prepare("UPDATE rm_instances SET kommun = NULL WHERE process_instance_key IN (SELECT process_instance_key FROM rm_instances WHERE process_definition_id = 'vk-vardkedjeremiss' LIMIT 20)").run();
  db.prepare("UPDATE rm_tasks SET kommun = '' WHERE process_instance_key IN (SELECT process_instance_key FROM rm_instances WHERE kommun IS NULL)").run();
  const filters: DashboardFilter[] = [
    { allowed: 'all' }, { allowed: 'all', kommun: 'vaxjo' }, { allowed: ['alvesta', 'ljungby'] },
    { allowed: 'all', from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' }, { allowed: ['vaxjo'], kommun: 'vaxjo', from: '2024-06-01T00:00:00.000Z' },
  ];
  const now = new Date('2026-11-22T12:00:00Z');
  for (const f of filters) {
    const d = await computeDashboard(db, audit, f, now, 3);
    const ref = joined(db, f);
    expect(d.compliance.map(({ process, total, onTime }) => ({ process, total, onTime }))).toEqual(ref.compliance);
    expect(d.risk.map((r) => r.process)).toEqual((ref.open as Array<{ process: string }>).map((r) => r.process));
    expect(d.remissgruppen).toEqual(ref.remiss);
    expect(d.compliance.reduce((s, c) => s + c.total, 0)).toBeGreaterThan(0);
  }
  expect((await computeDashboard(db, audit, { allowed: 'all' }, now, 3)).remissgruppen.some((r) => r.kommun === null)).toBe(true);
  db.close();
  await audit.close();
});

test('a read model written before rm_tasks.kommun existed is migrated on start', async () => {
  const { db, audit } = await open();
  db.exec(`CREATE TABLE rm_tasks (user_task_key TEXT PRIMARY KEY, process_instance_key TEXT NOT NULL, process_definition_id TEXT NOT NULL,
      element_id TEXT NOT NULL, name TEXT, state TEXT NOT NULL, creation_date TEXT, completion_date TEXT, due_date TEXT, candidate_groups TEXT NOT NULL, assignee TEXT);
    CREATE INDEX rm_tasks_open ON rm_tasks(state, due_date);
    CREATE TABLE rm_instances (process_instance_key TEXT PRIMARY KEY, process_definition_id TEXT NOT NULL, state TEXT NOT NULL,
      start_date TEXT NOT NULL, end_date TEXT, case_ref TEXT, kommun TEXT, home TEXT, decision_date TEXT, admitted_at TEXT, beslut TEXT, ej_verkstallt_deadline TEXT);
    INSERT INTO rm_instances (process_instance_key, process_definition_id, state, start_date, kommun) VALUES ('1', 'vk-sip', 'COMPLETED', '2026-01-01T00:00:00.000Z', 'tingsryd'), ('2', 'vk-sip', 'COMPLETED', '2026-01-01T00:00:00.000Z', NULL);
    INSERT INTO rm_tasks VALUES ('t1', '1', 'vk-sip', 'SipMote', NULL, 'COMPLETED', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '[]', NULL),
      ('t2', '2', 'vk-sip', 'SipMote', NULL, 'COMPLETED', '2026-01-01T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '[]', NULL),
      ('t3', '3', 'vk-sip', 'SipMote', NULL, 'COMPLETED', '2026-01-01T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '[]', NULL);`);
  ensureReadModelSchema(db);
  expect(db.prepare('SELECT user_task_key AS k, kommun FROM rm_tasks ORDER BY k').all()).toEqual([{ k: 't1', kommun: 'tingsryd' }, { k: 't2', kommun: '' }, { k: 't3', kommun: null }]);
  expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'rm_tasks_open'").get()).toBeUndefined();
  expect((await computeDashboard(db, audit, { allowed: 'all' }, new Date(), 3)).compliance).toEqual([{ process: 'vk-sip', omrade: 'SIP', total: 2, onTime: 1, share: 50 }]);
  ensureReadModelSchema(db); // idempotent
  db.close();
  await audit.close();
});

test('a changed kommun reaches the tasks of the instance on refresh', async () => {
  const { db, audit } = await open();
  const state = { kommun: 'vaxjo', ended: [] as string[] };
  const page = (items: unknown[]) => ({ items, page: { totalItems: items.length } });
  const instance = { processInstanceKey: '11', processDefinitionId: 'vk-sip', state: 'ACTIVE', startDate: '2026-11-01T00:00:00.000Z' };
  const task = { userTaskKey: '21', processInstanceKey: '11', processDefinitionId: 'vk-sip', elementId: 'SipMote', state: 'CREATED', creationDate: '2026-11-01T00:00:00.000Z', dueDate: '2026-11-02T00:00:00.000Z', candidateGroups: ['socialsekreterare-vaxjo'] };
  const client = {
    searchProcessInstances: async (q: { filter: Record<string, unknown> }) => page(Object.keys(q.filter).length === 0 ? [instance] : []),
    searchUserTasks: async (q: { filter: Record<string, unknown> }) => page(Object.keys(q.filter).length === 0 || q.filter.state === 'CREATED' ? [task] : []),
    searchElementInstances: async () => page(state.ended.map((k) => ({ processInstanceKey: k }))),
    getUserTask: async () => task,
    searchVariables: async () => page([{ name: 'kommun', value: JSON.stringify(state.kommun), scopeKey: '11', processInstanceKey: '11' }]),
  } as unknown as CamundaClient;
  const rm = new ReadModel(db, client, () => new Date(), 0, 3_600_000);
  await rm.refresh();
  const kommunOfTask = () => (db.prepare("SELECT kommun FROM rm_tasks WHERE user_task_key = '21'").get() as { kommun: string }).kommun;
  expect(kommunOfTask()).toBe('vaxjo');
  state.kommun = 'alvesta';
  await rm.refresh(); // no element ended: not re-read
  expect(kommunOfTask()).toBe('vaxjo');
  state.ended = ['11'];
  await rm.refresh();
  expect(kommunOfTask()).toBe('alvesta');
  expect((await computeDashboard(db, audit, { allowed: ['alvesta'] }, new Date('2026-11-05T00:00:00Z'), 3)).risk).toEqual([{ process: 'vk-sip', omrade: 'SIP', breached: 1, atRisk: 0 }]);
  db.close();
  await audit.close();
});

test('an element end a refresh processed after it settled is not processed again while the overlap still returns it', async () => {
  const { db, audit } = await open();
  const now = Date.parse('2026-11-22T12:00:00Z');
  const page = (items: unknown[]) => ({ items, page: { totalItems: items.length } });
  const instance = (k: string) => ({ processInstanceKey: k, processDefinitionId: 'vk-sip', state: 'ACTIVE', startDate: '2026-11-01T00:00:00.000Z' });
  const ended = [
    { elementInstanceKey: 'e-old', processInstanceKey: '31', endDate: new Date(now - 30_000).toISOString() }, // settled
    { elementInstanceKey: 'e-young', processInstanceKey: '32', endDate: new Date(now - 2_000).toISOString() }, // may precede its variables
  ];
  const asked: string[][] = [];
  const client = {
    searchProcessInstances: async (q: { filter: Record<string, unknown> }) => page(Object.keys(q.filter).length === 0 ? [instance('31'), instance('32')] : []),
    searchUserTasks: async () => page([]),
    searchElementInstances: async () => page(ended),
    searchVariables: async (q: { filter: { processInstanceKey: { $in: string[] } } }) => { asked.push(q.filter.processInstanceKey.$in); return page([]); },
  } as unknown as CamundaClient;
  const rm = new ReadModel(db, client, () => new Date(now), 600_000, 3_600_000);
  await rm.refresh(); // first load: everything, no element windows yet
  asked.length = 0;
  await rm.refresh();
  expect(asked.flat().sort()).toEqual(['31', '32']);
  asked.length = 0;
  await rm.refresh(); // both ends are still inside the 10-minute overlap
  expect(asked.flat()).toEqual(['32']);
  db.close();
  await audit.close();
});
