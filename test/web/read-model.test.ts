/**
 * The dashboard read model against the real engine: the first refresh loads everything, later refreshes pick up
 * new and finished work and never re-read the variables of instances that were already finished; the period filter.
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
import { resourceFiles, until } from './helpers';

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
  const audit = AuditLog.open(path.join(dir, 'audit.sqlite'));
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
  const past = computeDashboard(db, audit, { allowed: 'all', from: '2000-01-01T00:00:00.000Z', to: '2000-02-01T00:00:00.000Z' }, new Date(), 3);
  expect(past.compliance).toEqual([]);
  expect(past.executed.admitted).toBe(0);
  const alvesta = computeDashboard(db, audit, { allowed: ['alvesta'] }, new Date(), 3);
  expect(alvesta.risk).toEqual([]);
  db.close();
  audit.close();
}, 60_000);
