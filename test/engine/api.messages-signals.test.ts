/**
 * Messages and signals through the official client: message start event, intermediate catch, receive task,
 * interrupting boundary, non-interrupting event subprocess, event-based gateway (message branch), FEEL
 * correlation keys, publish with TTL buffering (and TTL 0 not buffered), correlateMessage (200 / 404),
 * duplicate messageId, signal broadcast, bad bodies → 400.
 */
import {
  NOW, activateJobs, bpmnFile, deploy, fixtureXml, elementsOf, eventually, expectHttpError, expectProblem, raw, start, expectStoreUnchangedByEachTest, storeSnapshot, useEngine,
  variablesOf, waitForElement, waitForInstanceState, waitForUserTask,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['message-start', 'message-catch', 'event-subprocess', 'signal-catch', 'event-based-gateway']);
});

async function waitingAt(processInstanceKey: string, elementId: string) {
  await waitForElement(t.client, processInstanceKey, elementId, 'ACTIVE');
}

test('publishing to a message start event creates an instance with the message variables', async () => {
  const res = await t.client.publishMessage({ name: 'referral-received', correlationKey: '', variables: { caseRef: 'VK-2026-000301' } });
  expect(res.messageKey).toMatch(/^\d+$/);
  expect(res.tenantId).toBe('<default>');
  const { items } = await eventually(
    () => t.client.searchProcessInstances({ filter: { processDefinitionId: 'message-start' } as never }, NOW),
    (r) => r.items.length === 1,
    { what: 'one message-start instance' },
  );
  expect(await variablesOf(t.client, items[0].processInstanceKey)).toEqual({ caseRef: 'VK-2026-000301' });
  await waitForUserTask(t.client, items[0].processInstanceKey, 'handle');
});

test('correlateMessage to a message start event returns the new instance', async () => {
  const res = await t.client.correlateMessage({ name: 'referral-received', correlationKey: '', variables: { caseRef: 'VK-2026-000302' } });
  expect(res.processInstanceKey).toMatch(/^\d+$/);
  expect(await variablesOf(t.client, res.processInstanceKey!)).toEqual({ caseRef: 'VK-2026-000302' });
});

test('a message start with a correlation key starts no second instance while the first with that key is active', async () => {
  const count = async (caseRef: string) => {
    const { items } = await t.client.searchProcessInstances({ filter: { processDefinitionId: 'message-start', state: 'ACTIVE', variables: [{ name: 'caseRef', value: JSON.stringify(caseRef) }] } as never }, NOW);
    return items.length;
  };
  await t.client.publishMessage({ name: 'referral-received', correlationKey: 'VK-S1', variables: { caseRef: 'VK-S1' } });
  await eventually(() => count('VK-S1'), (n) => n === 1, { what: 'the first VK-S1 instance' });
  await t.client.publishMessage({ name: 'referral-received', correlationKey: 'VK-S1', variables: { caseRef: 'VK-S1' } });
  await t.client.publishMessage({ name: 'referral-received', correlationKey: 'VK-S2', variables: { caseRef: 'VK-S2' } });
  await eventually(() => count('VK-S2'), (n) => n === 1, { what: 'the VK-S2 instance' });
  expect(await count('VK-S1')).toBe(1);
});

test('a new version of a process with a message start takes over its subscription', async () => {
  const v1 = fixtureXml('message-start').replace(/"message-start"/g, '"message-start-versions"').replace('name="referral-received"', 'name="versioned-start"');
  const v2 = v1.replace('name="Message start"', 'name="Message start v2"');
  await t.client.createDeployment({ resources: [bpmnFile('message-start-versions', v1)] });
  await t.client.createDeployment({ resources: [bpmnFile('message-start-versions', v2)] });
  const res = await t.client.correlateMessage({ name: 'versioned-start', correlationKey: '' });
  const pi = await t.client.getProcessInstance({ processInstanceKey: res.processInstanceKey! }, NOW);
  expect(pi.processDefinitionVersion).toBe(2);
  const { items } = await t.client.searchProcessInstances({ filter: { processDefinitionId: 'message-start-versions' } as never }, NOW);
  expect(items).toHaveLength(1);
});

describe('catch events with FEEL correlation keys', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = (await start(t.client, 'message-catch', { caseRef: 'VK-A' })).processInstanceKey;
    b = (await start(t.client, 'message-catch', { caseRef: 'VK-B' })).processInstanceKey;
    await waitingAt(a, 'payment');
    await waitingAt(b, 'payment');
  });

  test('intermediate catch: only the instance with the matching key moves, with the message variables', async () => {
    await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-B', variables: { paid: 1200 } });
    await waitingAt(b, 'ack');
    expect((await elementsOf(t.client, a, 'payment'))[0].state).toBe('ACTIVE');
    expect(await variablesOf(t.client, b)).toEqual(expect.objectContaining({ paid: 1200 }));
  });

  test('receive task with key ="ack-" + caseRef, correlated synchronously', async () => {
    const res = await t.client.correlateMessage({ name: 'ack', correlationKey: 'ack-VK-B' });
    expect(res.processInstanceKey).toBe(b);
    await waitForUserTask(t.client, b, 'work');
  });

  test('interrupting message boundary cancels the user task and takes the boundary path', async () => {
    const task = await waitForUserTask(t.client, b, 'work');
    await t.client.publishMessage({ name: 'cancel-work', correlationKey: 'VK-B' });
    await waitForInstanceState(t.client, b, 'COMPLETED');
    expect((await elementsOf(t.client, b, 'endCancelled'))[0].state).toBe('COMPLETED');
    expect(await elementsOf(t.client, b, 'endDone')).toHaveLength(0);
    expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CANCELED');
  });

  test('a message for a key nobody waits for is not correlated: correlateMessage → 404', async () => {
    const before = await storeSnapshot(t.client);
    await expectHttpError(t.client.correlateMessage({ name: 'payment', correlationKey: 'VK-NOBODY' }), 404);
    expect(await storeSnapshot(t.client)).toEqual(before);
  });
});

test('one published message reaches only one of two instances of the same process waiting on the same key', async () => {
  const first = (await start(t.client, 'message-catch', { caseRef: 'VK-TWICE' })).processInstanceKey;
  const second = (await start(t.client, 'message-catch', { caseRef: 'VK-TWICE' })).processInstanceKey;
  await waitingAt(first, 'payment');
  await waitingAt(second, 'payment');
  const moved = async () => {
    const acks = await Promise.all([first, second].map((k) => elementsOf(t.client, k, 'ack')));
    return acks.filter((a) => a.length > 0).length;
  };
  await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-TWICE' });
  expect(await eventually(moved, (n) => n >= 1, { what: 'one instance past payment' })).toBe(1);
  await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-TWICE' });
  await eventually(moved, (n) => n === 2, { what: 'both instances past payment' });
});

test('a numeric correlation value is matched by its string form', async () => {
  const pi = (await start(t.client, 'message-catch', { caseRef: 4711 })).processInstanceKey;
  await waitingAt(pi, 'payment');
  const res = await t.client.correlateMessage({ name: 'payment', correlationKey: '4711' });
  expect(res.processInstanceKey).toBe(pi);
  await waitingAt(pi, 'ack');
});

test('completing a task while its interrupting message arrives: exactly one path is taken', async () => {
  for (let round = 0; round < 5; round++) {
    const caseRef = `VK-RACE-${round}`;
    const pi = (await start(t.client, 'message-catch', { caseRef })).processInstanceKey;
    await t.client.publishMessage({ name: 'payment', correlationKey: caseRef });
    await t.client.correlateMessage({ name: 'ack', correlationKey: `ack-${caseRef}` });
    const task = await waitForUserTask(t.client, pi, 'work');
    await Promise.allSettled([
      t.client.completeUserTask({ userTaskKey: task.userTaskKey }),
      t.client.publishMessage({ name: 'cancel-work', correlationKey: caseRef }),
    ]);
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    const ends = (await elementsOf(t.client, pi)).filter((e) => e.type === 'END_EVENT' && e.state === 'COMPLETED').map((e) => e.elementId);
    expect(ends).toHaveLength(1);
    expect(['endDone', 'endCancelled']).toContain(ends[0]);
  }
});

describe('buffering', () => {
  test('a message published with a TTL before the instance exists is correlated on arrival, once', async () => {
    await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-C', timeToLive: 60_000, variables: { paid: 1 } });
    const first = (await start(t.client, 'message-catch', { caseRef: 'VK-C' })).processInstanceKey;
    await waitingAt(first, 'ack');
    const second = (await start(t.client, 'message-catch', { caseRef: 'VK-C' })).processInstanceKey;
    await waitingAt(second, 'payment');
    expect((await elementsOf(t.client, second, 'payment'))[0].state).toBe('ACTIVE');
  });

  test('a buffered message expires with its TTL on the engine clock', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000;
    await t.client.pinClock({ timestamp: base });
    try {
      await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-TTL', timeToLive: 60 * 60_000 });
      await t.client.pinClock({ timestamp: base + 2 * 60 * 60_000 });
      const pi = (await start(t.client, 'message-catch', { caseRef: 'VK-TTL' })).processInstanceKey;
      await waitingAt(pi, 'payment');
      expect(await elementsOf(t.client, pi, 'ack')).toHaveLength(0);
    } finally {
      await t.client.resetClock();
    }
  });

  test('a message with TTL 0 is not buffered', async () => {
    await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-D', timeToLive: 0 });
    const pi = (await start(t.client, 'message-catch', { caseRef: 'VK-D' })).processInstanceKey;
    await waitingAt(pi, 'payment');
    expect(await elementsOf(t.client, pi, 'ack')).toHaveLength(0);
  });

  test('the same messageId while the first is buffered → 409', async () => {
    await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-E', timeToLive: 60_000, messageId: 'pay-VK-E-1' });
    await expectHttpError(t.client.publishMessage({ name: 'payment', correlationKey: 'VK-E', timeToLive: 60_000, messageId: 'pay-VK-E-1' }), 409);
  });
});

test('non-interrupting event subprocess runs per message while the main flow keeps waiting', async () => {
  const pi = (await start(t.client, 'event-subprocess', { caseRef: 'VK-F' })).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'work');
  await t.client.publishMessage({ name: 'case-updated', correlationKey: 'VK-F', variables: { change: 1 } });
  await t.client.publishMessage({ name: 'case-updated', correlationKey: 'VK-F', variables: { change: 2 } });
  const jobs = await activateJobs(t.client, 'evt.update', 2);
  expect(jobs.every((j) => j.processInstanceKey === pi)).toBe(true);
  for (const j of jobs) await t.client.completeJob({ jobKey: j.jobKey });
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CREATED');
  await waitForElement(t.client, pi, 'updateEnd', 'COMPLETED');
  await t.client.completeUserTask({ userTaskKey: task.userTaskKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('event-based gateway: the message wins, the timer branch is withdrawn', async () => {
  const pi = (await start(t.client, 'event-based-gateway', { caseRef: 'VK-G' })).processInstanceKey;
  await waitingAt(pi, 'race');
  await t.client.publishMessage({ name: 'answer', correlationKey: 'VK-G' });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'endAnswered'))[0].state).toBe('COMPLETED');
  const timeout = await elementsOf(t.client, pi, 'timeout');
  expect(timeout.every((e) => e.state !== 'COMPLETED')).toBe(true);
});

test('broadcastSignal completes every waiting instance and passes variables', async () => {
  const keys = [];
  for (let i = 0; i < 3; i++) keys.push((await start(t.client, 'signal-catch', { i })).processInstanceKey);
  for (const k of keys) await waitingAt(k, 'alarm');
  const res = await t.client.broadcastSignal({ signalName: 'alarm', variables: { level: 2 } });
  expect(res.signalKey).toMatch(/^\d+$/);
  expect(res.tenantId).toBe('<default>');
  for (const k of keys) {
    await waitForInstanceState(t.client, k, 'COMPLETED');
    expect(await variablesOf(t.client, k)).toEqual(expect.objectContaining({ level: 2 }));
  }
  const none = await t.client.broadcastSignal({ signalName: 'nobody-listens' });
  expect(none.signalKey).toMatch(/^\d+$/);
});

test('signals are not buffered: an instance arriving after the broadcast keeps waiting', async () => {
  await t.client.broadcastSignal({ signalName: 'alarm' });
  const pi = (await start(t.client, 'signal-catch', {})).processInstanceKey;
  await waitingAt(pi, 'alarm');
  expect((await t.client.getProcessInstance({ processInstanceKey: pi }, NOW)).state).toBe('ACTIVE');
  await t.client.broadcastSignal({ signalName: 'alarm' });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

describe('bad bodies → 400 problem+json, store unchanged', () => {
  expectStoreUnchangedByEachTest(t);
  test('publication without a name', async () => {
    expectProblem(await raw(t.url, 'POST', '/messages/publication', { correlationKey: 'x' }), 400);
  });
  test('publication with variables as an array', async () => {
    expectProblem(await raw(t.url, 'POST', '/messages/publication', { name: 'payment', correlationKey: 'VK-A', variables: [1] }), 400);
  });
  test('publication with an unknown property', async () => {
    expectProblem(await raw(t.url, 'POST', '/messages/publication', { name: 'payment', correlationKey: 'VK-A', ttl: 1000 }), 400);
  });
  test('correlation with malformed JSON', async () => {
    expectProblem(await raw(t.url, 'POST', '/messages/correlation', '{"name":'), 400);
  });
  test('signal without signalName', async () => {
    expectProblem(await raw(t.url, 'POST', '/signals/broadcast', { variables: {} }), 400);
  });
});
