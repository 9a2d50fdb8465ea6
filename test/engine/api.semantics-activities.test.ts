/**
 * Activity semantics through the official client: call activity (child instance, input/output mappings,
 * propagateAllChildVariables=false, cancellation cascades), multi-instance parallel and sequential over a
 * collection with an output collection in input order (also for an empty collection).
 */
import {
  NOW, activateJobs, activateNow, cancelActiveInstances, deploy, elementsOf, eventually, start, useEngine, variablesOf,
  waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['call-parent', 'call-child', 'mi-parallel', 'mi-sequential']);
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

async function childOf(parentKey: string) {
  const { items } = await eventually(
    () => t.client.searchProcessInstances({ filter: { parentProcessInstanceKey: parentKey } as never }, NOW),
    (r) => r.items.length === 1,
    { what: `child instance of ${parentKey}` },
  );
  return items[0];
}

describe('call activity', () => {
  test('input mapping and parent variables reach the child; only the output mapping comes back', async () => {
    const parent = (await start(t.client, 'call-parent', { amount: 21, caseRef: 'VK-2026-000400' })).processInstanceKey;
    const child = await childOf(parent);
    expect(child.processDefinitionId).toBe('call-child');
    expect(child.state).toBe('ACTIVE');

    const [callElement] = await elementsOf(t.client, parent, 'callChild');
    expect(callElement.type).toBe('CALL_ACTIVITY');
    expect(child.parentElementInstanceKey).toBe(callElement.elementInstanceKey);
    expect(await variablesOf(t.client, child.processInstanceKey)).toEqual(expect.objectContaining({ childAmount: 42, amount: 21 }));

    const [work] = await activateJobs(t.client, 'call.child');
    expect(work.processInstanceKey).toBe(child.processInstanceKey);
    expect(work.variables).toEqual(expect.objectContaining({ childAmount: 42, caseRef: 'VK-2026-000400' }));
    await t.client.completeJob({ jobKey: work.jobKey, variables: { childResult: 'klar', leak: true } });

    const [after] = await activateJobs(t.client, 'call.after');
    expect(after.processInstanceKey).toBe(parent);
    expect(after.variables).toEqual(expect.objectContaining({ result: 'klar', amount: 21 }));
    expect(after.variables).not.toHaveProperty('leak');
    expect(after.variables).not.toHaveProperty('childResult');
    expect(after.variables).not.toHaveProperty('childAmount');
    await waitForInstanceState(t.client, child.processInstanceKey, 'COMPLETED');
    await t.client.completeJob({ jobKey: after.jobKey });
    await waitForInstanceState(t.client, parent, 'COMPLETED');
  });

  test('cancelling the parent terminates the child', async () => {
    const parent = (await start(t.client, 'call-parent', { amount: 1 })).processInstanceKey;
    const child = await childOf(parent);
    await t.client.cancelProcessInstance({ processInstanceKey: parent });
    await waitForInstanceState(t.client, child.processInstanceKey, 'TERMINATED');
    await waitForInstanceState(t.client, parent, 'TERMINATED');
  });
});

describe('multi-instance', () => {
  test('parallel: one job per item at once, output collection in input order', async () => {
    const pi = (await start(t.client, 'mi-parallel', { items: [1, 2, 3] })).processInstanceKey;
    const jobs = await activateJobs(t.client, 'mi.parallel', 3);
    expect(jobs.map((j) => j.variables.item).sort()).toEqual([1, 2, 3]);
    expect(jobs.map((j) => j.variables.loopCounter).sort()).toEqual([1, 2, 3]);
    for (const j of [...jobs].reverse()) {
      await t.client.completeJob({ jobKey: j.jobKey, variables: { res: (j.variables.item as number) * 10 } });
    }
    const [after] = await activateJobs(t.client, 'mi.after');
    expect(after.processInstanceKey).toBe(pi);
    expect(after.variables.results).toEqual([10, 20, 30]);
    expect(after.variables).not.toHaveProperty('item');
  });

  test('a multi-instance body element instance wraps one instance per item', async () => {
    const pi = (await start(t.client, 'mi-parallel', { items: ['x', 'y'] })).processInstanceKey;
    await activateJobs(t.client, 'mi.parallel', 2);
    const each = await elementsOf(t.client, pi, 'each');
    expect(each.map((e) => e.type).sort()).toEqual(['MULTI_INSTANCE_BODY', 'SERVICE_TASK', 'SERVICE_TASK']);
    expect(each.every((e) => e.state === 'ACTIVE')).toBe(true);
  });

  test('sequential: one item at a time, in order', async () => {
    const pi = (await start(t.client, 'mi-sequential', { items: ['a', 'b', 'c'] })).processInstanceKey;
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const [job] = await activateJobs(t.client, 'mi.sequential');
      expect(await activateNow(t.client, 'mi.sequential')).toHaveLength(0);
      seen.push(job.variables.item);
      await t.client.completeJob({ jobKey: job.jobKey, variables: { res: `${String(job.variables.item)}!` } });
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    const [after] = await activateJobs(t.client, 'mi.after');
    expect(after.processInstanceKey).toBe(pi);
    expect(after.variables.results).toEqual(['a!', 'b!', 'c!']);
  });

  test('an empty collection completes at once with an empty output collection', async () => {
    const pi = (await start(t.client, 'mi-parallel', { items: [] })).processInstanceKey;
    const [after] = await activateJobs(t.client, 'mi.after');
    expect(after.processInstanceKey).toBe(pi);
    expect(after.variables.results).toEqual([]);
  });
});
