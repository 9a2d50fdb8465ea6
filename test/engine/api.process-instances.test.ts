/**
 * Process instances through the official client: create (by id, by key, by version, awaitCompletion),
 * get, search with filters, cancel; unknown keys and bad bodies → 404/400 problem+json with the store unchanged.
 */
import { NOW, activateNow, bpmnFile, deploy, fixtureXml, expectHttpError, expectProblem, key, raw, start, expectStoreUnchangedByEachTest, storeSnapshot, useEngine, waitForInstanceState } from '../helpers/api';

const t = useEngine();
let chainKey: string;

beforeAll(async () => {
  const d = await deploy(t.client, ['service-chain', 'exclusive-gateway', 'user-task']);
  chainKey = d.processes.find((p) => p.processDefinitionId === 'service-chain')!.processDefinitionKey;
});

test('create by process id returns keys, version and echoes nothing unexpected', async () => {
  const pi = await start(t.client, 'service-chain', { caseRef: 'VK-2026-000001', lastType: 'c' });
  expect(pi.processInstanceKey).toMatch(/^\d+$/);
  expect(pi).toEqual(expect.objectContaining({
    processDefinitionId: 'service-chain',
    processDefinitionKey: chainKey,
    processDefinitionVersion: 1,
    tenantId: '<default>',
  }));
  const got = await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW);
  expect(got).toEqual(expect.objectContaining({
    processInstanceKey: pi.processInstanceKey,
    processDefinitionId: 'service-chain',
    processDefinitionKey: chainKey,
    processDefinitionVersion: 1,
    state: 'ACTIVE',
    hasIncident: false,
    tenantId: '<default>',
  }));
  expect(Date.parse(got.startDate)).not.toBeNaN();
});

test('create by process definition key', async () => {
  const pi = await t.client.createProcessInstance({ processDefinitionKey: chainKey as never, variables: { lastType: 'c' } });
  expect(pi.processDefinitionId).toBe('service-chain');
  expect(pi.processDefinitionKey).toBe(chainKey);
});

test('create a specific version picks that version, not the latest', async () => {
  const pi = await t.client.createProcessInstance({ processDefinitionId: 'service-chain' as never, processDefinitionVersion: 1 });
  expect(pi.processDefinitionVersion).toBe(1);
});

test('awaitCompletion returns the final variables of a straight-through instance', async () => {
  const pi = await t.client.createProcessInstance({
    processDefinitionId: 'exclusive-gateway' as never,
    variables: { amount: 500 },
    awaitCompletion: true,
  } as never);
  expect((pi as { variables?: Record<string, unknown> }).variables).toEqual(expect.objectContaining({ amount: 500 }));
  await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
});

test('search filters by process definition id and state, and pages', async () => {
  const a = await start(t.client, 'user-task', { kommun: 'vaxjo' });
  const b = await start(t.client, 'user-task', { kommun: 'alvesta' });
  const { items, page } = await t.client.searchProcessInstances({ filter: { processDefinitionId: 'user-task', state: 'ACTIVE' } as never }, NOW);
  expect(items.map((i) => i.processInstanceKey).sort()).toEqual([a.processInstanceKey, b.processInstanceKey].sort());
  expect(Number(page.totalItems)).toBe(2);
  const one = await t.client.searchProcessInstances({ filter: { processDefinitionId: 'user-task' } as never, page: { limit: 1 } }, NOW);
  expect(one.items).toHaveLength(1);
  expect(Number(one.page.totalItems)).toBe(2);
});

test('advanced filters: $in on keys, $neq on state', async () => {
  const a = await start(t.client, 'user-task', { kommun: 'lessebo' });
  const b = await start(t.client, 'user-task', { kommun: 'lessebo' });
  await start(t.client, 'user-task', { kommun: 'lessebo' });
  const byKeys = await t.client.searchProcessInstances({ filter: { processInstanceKey: { $in: [a.processInstanceKey, b.processInstanceKey] } } as never }, NOW);
  expect(byKeys.items.map((i) => i.processInstanceKey).sort()).toEqual([a.processInstanceKey, b.processInstanceKey].sort());
  await t.client.cancelProcessInstance({ processInstanceKey: a.processInstanceKey });
  await waitForInstanceState(t.client, a.processInstanceKey, 'TERMINATED');
  const notActive = await t.client.searchProcessInstances({ filter: { processDefinitionId: 'user-task', state: { $neq: 'ACTIVE' } } as never }, NOW);
  expect(notActive.items.map((i) => i.processInstanceKey)).toContain(a.processInstanceKey);
  expect(notActive.items.every((i) => i.state !== 'ACTIVE')).toBe(true);
});

test('search by a variable value (caseRef) and sort by start date', async () => {
  const first = await start(t.client, 'user-task', { kommun: 'uppvidinge', caseRef: 'VK-2026-000777' });
  const second = await start(t.client, 'user-task', { kommun: 'uppvidinge', caseRef: 'VK-2026-000778' });
  const byCase = await t.client.searchProcessInstances({ filter: { variables: [{ name: 'caseRef', value: JSON.stringify('VK-2026-000777') }] } as never }, NOW);
  expect(byCase.items.map((i) => i.processInstanceKey)).toEqual([first.processInstanceKey]);
  const sorted = await t.client.searchProcessInstances({
    filter: { processInstanceKey: { $in: [first.processInstanceKey, second.processInstanceKey] } } as never,
    sort: [{ field: 'startDate', order: 'DESC' }, { field: 'processInstanceKey', order: 'DESC' }] as never,
  }, NOW);
  expect(sorted.items.map((i) => i.processInstanceKey)).toEqual([second.processInstanceKey, first.processInstanceKey]);
});

test('default page size is 100; limit above 100 and offset paging reach the rest', async () => {
  const keys = new Set<string>();
  for (let i = 0; i < 120; i++) keys.add((await start(t.client, 'exclusive-gateway', { amount: 1, i })).processInstanceKey);
  const filter = { processDefinitionId: 'exclusive-gateway', processInstanceKey: { $in: [...keys] } } as never;
  const first = await t.client.searchProcessInstances({ filter }, NOW);
  expect(first.items).toHaveLength(100);
  expect(Number(first.page.totalItems)).toBe(120);
  const second = await t.client.searchProcessInstances({ filter, page: { from: 100, limit: 100 } }, NOW);
  expect(second.items).toHaveLength(20);
  expect(new Set([...first.items, ...second.items].map((i) => i.processInstanceKey))).toEqual(keys);
  const all = await t.client.searchProcessInstances({ filter, page: { limit: 500 } }, NOW);
  expect(all.items).toHaveLength(120);
});

test('cancel terminates the instance and its jobs; cancelling again → 404', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c', caseRef: 'cancel-me' });
  await t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
  const got = await waitForInstanceState(t.client, pi.processInstanceKey, 'TERMINATED');
  expect(Date.parse(got.endDate!)).not.toBeNaN();
  const jobs = await activateNow(t.client, 'chain.a');
  expect(jobs.filter((j) => j.processInstanceKey === pi.processInstanceKey)).toHaveLength(0);
  await expectHttpError(t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey }), 404);
});

test('cancelling a completed instance → 404', async () => {
  const pi = await start(t.client, 'exclusive-gateway', { amount: 1 });
  await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
  await expectHttpError(t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey }), 404);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW)).state).toBe('COMPLETED');
});

test('unknown keys and ids → 404', async () => {
  await expectHttpError(t.client.getProcessInstance({ processInstanceKey: key('2251799813000001') }, NOW), 404);
  await expectHttpError(t.client.cancelProcessInstance({ processInstanceKey: key('2251799813000001') }), 404);
  await expectHttpError(start(t.client, 'no-such-process'), 404);
});

describe('bad input leaves the store unchanged', () => {
  expectStoreUnchangedByEachTest(t);

  test('malformed JSON → 400 problem+json', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', '{"processDefinitionId": "service-chain",'), 400);
  });

  test('variables as an array → 400', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variables: [1, 2] }), 400);
  });

  test('an empty body → 400', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', ''), 400);
  });

  test('neither id nor key → 400', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', { variables: {} }), 400);
  });

  test('a key that is not a number → 400', async () => {
    expectProblem(await raw(t.url, 'GET', '/process-instances/not-a-key'), 400);
  });

  test('an unknown property in the body → 400', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variabels: { lastType: 'c' } }), 400);
  });

  test('unknown process id over raw HTTP → 404 problem+json', async () => {
    expectProblem(await raw(t.url, 'POST', '/process-instances', { processDefinitionId: 'no-such-process' }), 404);
  });
});

test('definition search by isLatestVersion, instance search by the element a token waits at', async () => {
  const v1 = fixtureXml('user-task').replaceAll('"user-task"', '"versioned-task"');
  const v2 = v1.replace('name="User task"', 'name="User task, second version"');
  await t.client.createDeployment({ resources: [bpmnFile('versioned-task', v1)] });
  await t.client.createDeployment({ resources: [bpmnFile('versioned-task', v2)] });
  const versions = async (isLatestVersion: boolean) =>
    (await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'versioned-task', isLatestVersion } } as never, NOW)).items?.map((d) => d.version);
  expect(await versions(true)).toEqual([2]);
  expect(await versions(false)).toEqual([1]);

  const waiting = await start(t.client, 'versioned-task');
  const at = async (elementId: string) =>
    (await t.client.searchProcessInstances({ filter: { processDefinitionId: 'versioned-task', elementId } } as never, NOW)).items.map((i) => i.processInstanceKey);
  expect(await at('review')).toEqual([waiting.processInstanceKey]);
  expect(await at('start')).toEqual([]);
});
