/**
 * Persistence: stop the engine, start a new one on the same data dir; definitions, instances, user tasks,
 * variables, jobs (a locked job stays locked), incidents and buffered messages are all still there, keys keep
 * increasing, and a timer that fell due while the engine was down fires after the restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEngine } from '../helpers/engine';
import {
  DAY, NOW, TestEngine, activateJobs, activateNow, deploy, eventually, formFile, pinClock, start, storeSnapshot, variablesOf,
  waitForElement, waitForInstanceState, waitForUserTask,
} from '../helpers/api';

const dataDir = mkdtempSync(join(tmpdir(), 'engine-persist-'));
let engine: TestEngine | undefined;

afterAll(async () => {
  await engine?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('everything survives a restart on the same data dir, and an overdue timer fires', async () => {
  engine = (await startTestEngine({ dataDir })) as TestEngine;
  let client = engine.client;
  await deploy(client, ['service-chain', 'user-task', 'timer-intermediate', 'message-catch'], [formFile('review-form')]);

  const review = (await start(client, 'user-task', { caseRef: 'VK-2026-000600', kommun: 'vaxjo', assignee: 'anna', dueDate: '2026-12-01T09:00:00Z', followUpDate: '2026-11-30T09:00:00Z', priority: 50 })).processInstanceKey;
  const task = await waitForUserTask(client, review, 'review');

  const chain = (await start(client, 'service-chain', { lastType: 'c', payload: { list: [1, 'två', null] } })).processInstanceKey;
  const [a] = await activateJobs(client, 'chain.a');
  await client.completeJob({ jobKey: a.jobKey, variables: { fromA: 'sparad' } });

  const failing = (await start(client, 'service-chain', { lastType: 'c' })).processInstanceKey;
  const [f] = await activateJobs(client, 'chain.a');
  await client.failJob({ jobKey: f.jobKey, retries: 0, errorMessage: 'före omstart' });
  await eventually(() => client.searchIncidents({ filter: { processInstanceKey: failing } as never }, NOW), (r) => (r.items?.length ?? 0) === 1, { what: 'incident' });

  // A timer due one day after a start two days ago: overdue once the clock is real again.
  await pinClock(client, Date.now() - 2 * DAY);
  const timer = (await start(client, 'timer-intermediate', { waitFor: 'P1D' })).processInstanceKey;
  await waitForElement(client, timer, 'wait', 'ACTIVE');

  // A buffered message and a locked job survive too.
  await client.resetClock();
  await client.publishMessage({ name: 'payment', correlationKey: 'VK-PERSIST', timeToLive: 10 * 60_000, variables: { paid: 99 } });
  const locked = (await start(client, 'service-chain', { lastType: 'c', locked: true })).processInstanceKey;
  const [lockedJob] = await activateJobs(client, 'chain.a', 1, { lockMs: 10 * 60_000 });
  expect(lockedJob.processInstanceKey).toBe(locked);

  const before = await storeSnapshot(client);
  await engine.stop();
  engine = undefined;

  engine = (await startTestEngine({ dataDir })) as TestEngine;
  client = engine.client;
  await client.resetClock();

  const after = await storeSnapshot(client);
  for (const k of ['processDefinitions', 'userTasks', 'incidents'] as const) expect(after[k]).toEqual(before[k]);
  const instances = (after.processInstances as Array<{ processInstanceKey: string; state: string }>).map((p) => p.processInstanceKey).sort();
  expect(instances).toEqual((before.processInstances as Array<{ processInstanceKey: string }>).map((p) => p.processInstanceKey).sort());

  expect((await client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).assignee).toBe('anna');
  expect(await variablesOf(client, chain)).toEqual({ lastType: 'c', payload: { list: [1, 'två', null] }, fromA: 'sparad' });

  const [b] = await activateJobs(client, 'chain.b');
  expect(b.processInstanceKey).toBe(chain);
  await client.completeJob({ jobKey: b.jobKey });
  const [c] = await activateJobs(client, 'chain.c');
  await client.completeJob({ jobKey: c.jobKey });
  await waitForInstanceState(client, chain, 'COMPLETED');

  await waitForInstanceState(client, timer, 'COMPLETED');

  const catcher = (await start(client, 'message-catch', { caseRef: 'VK-PERSIST' })).processInstanceKey;
  await waitForElement(client, catcher, 'ack', 'ACTIVE');
  expect(await variablesOf(client, catcher)).toEqual({ caseRef: 'VK-PERSIST', paid: 99 });

  expect(await activateNow(client, 'chain.a')).toHaveLength(0);
  await client.completeJob({ jobKey: lockedJob.jobKey });
  await waitForElement(client, locked, 'taskA', 'COMPLETED');

  await client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { decision: 'approve' } });
  await waitForInstanceState(client, review, 'COMPLETED');

  const fresh = await start(client, 'service-chain', { lastType: 'c' });
  expect(BigInt(fresh.processInstanceKey)).toBeGreaterThan(BigInt(instances[instances.length - 1]));
});
