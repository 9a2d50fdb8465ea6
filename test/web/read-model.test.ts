/**
 * The dashboard read model against the real engine: the first refresh loads everything, later refreshes pick up
 * new and finished work and never re-read the variables of instances that were already finished; an incremental
 * refresh re-reads only instances in which an element ended, the periodic full sweep catches the rest; the period
 * filter.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import { computeDashboard } from '../../web/server/dashboard/indicators';
import { ReadModel } from '../../web/server/dashboard/read-model';
import { openWebDb } from '../../web/server/db';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ROOT, resourceFiles, until } from './helpers';

const NOW = { consistency: { waitUpToMs: 0 } } as never;
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
}, 60_000);
afterAll(async () => { await engine?.stop(); });

/** The engine client, recording which instance keys each variables search asked for. */
function spying(client: CamundaClient, asked: string[][]): CamundaClient {
  return new Proxy(client, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (prop !== 'searchVariables') return typeof v === 'function' ? v.bind(target) : v;
      return (input: { filter: { processInstanceKey?: { $in?: string[] } } }, c: unknown) => {
        asked.push(input.filter.processInstanceKey?.$in ?? []);
        return (target.searchVariables as (...a: unknown[]) => unknown)(input, c);
      };
    },
  });
}

async function start(kommun: string) {
  const caseRef = `VK-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const pi = await engine.client.createProcessInstance({ processDefinitionId: 'vk-placeringsforfragan' as never, variables: { caseRef, kommun } });
  const key = String(pi.processInstanceKey);
  const task = await until(async () => (await engine.client.searchUserTasks({ filter: { processInstanceKey: key, state: 'CREATED' } as never }, NOW)).items[0], 'task');
  return { key, caseRef, task };
}

test('incremental refresh: new and finished work is picked up, finished instances are not re-read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-rm-'));
  const db = openWebDb(dir);
  const audit = await AuditLog.open(path.join(dir, 'audit.sqlite'));
  const asked: string[][] = [];
  const rm = new ReadModel(db, spying(engine.client, asked), () => new Date(), 0); // the embedded engine is consistent at once
  const a = await start('vaxjo');
  const b = await start('alvesta');
  await engine.client.completeUserTask({ userTaskKey: a.task.userTaskKey, variables: { klientIntresserad: 'nej' } });
  await until(async () => (await engine.client.getProcessInstance({ processInstanceKey: a.key as never }, NOW)).state === 'COMPLETED', 'a completed');

  await rm.refresh();
  const row = (k: string) => db.prepare('SELECT state, kommun, case_ref AS caseRef FROM rm_instances WHERE process_instance_key = ?').get(k) as { state: string; kommun: string; caseRef: string } | undefined;
  expect(row(a.key)).toEqual({ state: 'COMPLETED', kommun: 'vaxjo', caseRef: a.caseRef });
  expect(row(b.key)).toEqual({ state: 'ACTIVE', kommun: 'alvesta', caseRef: b.caseRef });

  asked.length = 0;
  const c = await start('vaxjo');
  await engine.client.completeUserTask({ userTaskKey: b.task.userTaskKey, variables: { klientIntresserad: 'nej' } });
  await until(async () => (await engine.client.getProcessInstance({ processInstanceKey: b.key as never }, NOW)).state === 'COMPLETED', 'b completed');
  await rm.refresh();
  expect(row(b.key)?.state).toBe('COMPLETED');
  expect(row(c.key)?.state).toBe('ACTIVE');
  const reread = asked.flat();
  expect(reread).toEqual(expect.arrayContaining([b.key, c.key]));
  expect(reread).not.toContain(a.key); // finished before the previous refresh (no overlap configured)
  const t = db.prepare('SELECT state FROM rm_tasks WHERE user_task_key = ?').get(String(b.task.userTaskKey)) as { state: string };
  expect(t.state).toBe('COMPLETED');

  // Period filter: nothing admitted / completed with a due date in a period far in the past.
  const past = await computeDashboard(db, audit, { allowed: 'all', from: '2000-01-01T00:00:00.000Z', to: '2000-02-01T00:00:00.000Z' }, new Date(), 3);
  expect(past.compliance).toEqual([]);
  expect(past.executed.admitted).toBe(0);
  const alvesta = await computeDashboard(db, audit, { allowed: ['alvesta'] }, new Date(), 3);
  expect(alvesta.risk).toEqual([]);
  db.close();
  await audit.close();
}, 60_000);

/**
 * The client, recording the instance keys of each variables search and the user tasks read one by one, and hiding
 * canceled tasks from the completion-date search (as a cluster that gives canceled tasks no completion date would).
 */
function watching(client: CamundaClient, rec: { vars: string[][]; taskReads: string[] }): CamundaClient {
  return new Proxy(client, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function') return v;
      const call = (...a: unknown[]) => (v as (...x: unknown[]) => Promise<any>).apply(target, a);
      if (prop === 'searchVariables') return (input: { filter: { processInstanceKey?: { $in?: string[] } } }, c: unknown) => { rec.vars.push(input.filter.processInstanceKey?.$in ?? []); return call(input, c); };
      if (prop === 'getUserTask') return (input: { userTaskKey: string }, c: unknown) => { rec.taskReads.push(String(input.userTaskKey)); return call(input, c); };
      if (prop === 'searchUserTasks') {
        return async (input: { filter: { completionDate?: unknown } }, c: unknown) => {
          const res = await call(input, c);
          return input.filter.completionDate ? { ...res, items: res.items.filter((t: { state: string }) => t.state !== 'CANCELED') } : res;
        };
      }
      return v.bind(target);
    },
  });
}

test('incremental refresh re-reads only instances in which an element ended; the full sweep catches variables set through the API', async () => {
  await engine.client.createDeployment({ resources: [new File([fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'bpmn', 'service-chain.bpmn'), 'utf8')], 'service-chain.bpmn')] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-rm-'));
  const db = openWebDb(dir);
  const rec = { vars: [] as string[][], taskReads: [] as string[] };
  let shiftMs = 0;
  const rm = new ReadModel(db, watching(engine.client, rec), () => new Date(Date.now() + shiftMs), 0, 3_600_000);
  const chain = async (caseRef: string) => String((await engine.client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { caseRef, kommun: 'vaxjo', lastType: 'c' } })).processInstanceKey);
  const x = await chain('VK-2026-900001');
  const y = await chain('VK-2026-900002');
  const z = await chain('VK-2026-900003');
  const d = await start('vaxjo');
  expect((await rm.refresh()).full).toBe(true);
  const row = (k: string) => db.prepare('SELECT state, kommun, home FROM rm_instances WHERE process_instance_key = ?').get(k) as { state: string; kommun: string; home: string | null };
  expect(row(y)).toEqual({ state: 'ACTIVE', kommun: 'vaxjo', home: null });

  // Only y moves on (its first service task completes with new variables); d is canceled with its task open.
  const jobs = await until(async () => {
    const r = await engine.client.activateJobs({ type: 'chain.a', maxJobsToActivate: 10, timeout: 60_000, worker: 'rm-test' });
    return r.jobs.find((j) => String(j.processInstanceKey) === y) ?? false;
  }, 'job of y');
  await engine.client.completeJob({ jobKey: jobs.jobKey, variables: { kommun: 'alvesta', home: 'novus' } });
  await engine.client.cancelProcessInstance({ processInstanceKey: d.key as never });
  rec.vars.length = 0;
  const inc = await rm.refresh();
  expect(inc.full).toBe(false);
  expect(rec.vars.flat().sort()).toEqual([d.key, y].sort()); // not x, z nor any other active instance
  expect(row(y)).toEqual({ state: 'ACTIVE', kommun: 'alvesta', home: 'novus' });
  expect(row(d.key).state).toBe('TERMINATED');
  expect(rec.taskReads).toEqual([String(d.task.userTaskKey)]); // the canceled task, hidden from the windows, is re-read alone
  expect((db.prepare('SELECT state FROM rm_tasks WHERE user_task_key = ?').get(String(d.task.userTaskKey)) as { state: string }).state).toBe('CANCELED');

  // A variable set through the API ends no element: the incremental refresh misses it, the full sweep does not.
  await engine.client.createElementInstanceVariables({ elementInstanceKey: x as never, variables: { kommun: 'lessebo' } });
  rec.vars.length = 0;
  await rm.refresh();
  expect(rec.vars.flat()).toEqual([]);
  expect(row(x).kommun).toBe('vaxjo');
  shiftMs = 3_600_000;
  const sweep = await rm.refresh();
  expect(sweep.full).toBe(true);
  expect(rec.vars.flat()).toEqual(expect.arrayContaining([x, y, z]));
  expect(row(x).kommun).toBe('lessebo');
  db.close();
}, 60_000);
