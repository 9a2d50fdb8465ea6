/**
 * Control-flow semantics through the official client: exclusive gateway (FEEL conditions, first match wins,
 * default flow), parallel split/join (join waits for both), terminate end event (terminates sibling tokens; inside
 * a subprocess only the subprocess is terminated and the process continues after it).
 */
import {
  NOW, activateJobs, activateNow, deploy, elementsOf, start, useEngine, waitForInstanceState, waitForUserTask,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['exclusive-gateway', 'parallel', 'terminate-end', 'terminate-subprocess']);
});

describe('exclusive gateway', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['amount > 100 → high', { amount: 500 }, 'endHigh'],
    ['both conditions true: the first in document order wins', { amount: 150, flagged: false }, 'endHigh'],
    ['amount > 10 and not flagged → medium', { amount: 50 }, 'endMedium'],
    ['flagged excludes medium → default', { amount: 50, flagged: true }, 'endLow'],
    ['no condition true → default flow', { amount: 3 }, 'endLow'],
  ];
  test.each(cases)('%s', async (_name, variables, expectedEnd) => {
    const pi = (await start(t.client, 'exclusive-gateway', variables)).processInstanceKey;
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    const ends = (await elementsOf(t.client, pi)).filter((e) => e.type === 'END_EVENT').map((e) => e.elementId);
    expect(ends).toEqual([expectedEnd]);
  });
});

test('parallel join waits for both branches, then continues once', async () => {
  const pi = (await start(t.client, 'parallel', {})).processInstanceKey;
  const [a] = await activateJobs(t.client, 'par.a');
  const [b] = await activateJobs(t.client, 'par.b');
  expect([a.processInstanceKey, b.processInstanceKey]).toEqual([pi, pi]);
  await t.client.completeJob({ jobKey: a.jobKey, variables: { fromA: true } });
  expect(await activateNow(t.client, 'par.after')).toHaveLength(0);
  await t.client.completeJob({ jobKey: b.jobKey, variables: { fromB: true } });
  const [after] = await activateJobs(t.client, 'par.after');
  expect(after.variables).toEqual(expect.objectContaining({ fromA: true, fromB: true }));
  expect(await activateNow(t.client, 'par.after')).toHaveLength(0);
  await t.client.completeJob({ jobKey: after.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'join')).filter((e) => e.state === 'COMPLETED')).toHaveLength(1);
});

test('terminate end event ends the instance and terminates the open user task', async () => {
  const pi = (await start(t.client, 'terminate-end', {})).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'slow');
  const [fast] = await activateJobs(t.client, 'term.fast');
  await t.client.completeJob({ jobKey: fast.jobKey });
  const done = await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect(done.state).toBe('COMPLETED');
  expect((await elementsOf(t.client, pi, 'slow'))[0].state).toBe('TERMINATED');
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CANCELED');
  expect(await elementsOf(t.client, pi, 'endSlow')).toHaveLength(0);
});

test('a terminate end event inside a subprocess ends only the subprocess; the process continues', async () => {
  const pi = (await start(t.client, 'terminate-subprocess', {})).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'slowInner');
  const [inner] = await activateJobs(t.client, 'termsub.inner');
  await t.client.completeJob({ jobKey: inner.jobKey });
  const [after] = await activateJobs(t.client, 'termsub.after');
  expect(after.processInstanceKey).toBe(pi);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi }, NOW)).state).toBe('ACTIVE');
  expect((await elementsOf(t.client, pi, 'sub'))[0].state).toBe('COMPLETED');
  expect((await elementsOf(t.client, pi, 'slowInner'))[0].state).toBe('TERMINATED');
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CANCELED');
  await t.client.completeJob({ jobKey: after.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});
