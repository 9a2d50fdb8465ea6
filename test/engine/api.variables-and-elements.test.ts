/**
 * Variables and element instances through the official client, driven by io-mapping.bpmn:
 * zeebe:input/output mappings (FEEL and static, dotted targets), local scopes of a subprocess input,
 * propagation of job completion variables (existing variable updated in its scope, new ones at the root),
 * searchVariables/getVariable, searchElementInstances/getElementInstance.
 */
import {
  NOW, activateJobs, bpmnFile, deploy, fixtureXml, elementsOf, expectHttpError, key, start, useEngine, variablesOf, waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

let pi: { processInstanceKey: string };
const jobs: Record<string, Awaited<ReturnType<typeof activateJobs>>[number]> = {};

beforeAll(async () => {
  await deploy(t.client, ['io-mapping']);
  pi = await start(t.client, 'io-mapping', { order: { amount: 41 }, caseRef: 'VK-2026-000200', a: 'root' });
  [jobs.calc] = await activateJobs(t.client, 'io.calc');
  await t.client.completeJob({ jobKey: jobs.calc.jobKey as never, variables: { result: 5 } });
  [jobs.inner] = await activateJobs(t.client, 'io.inner');
  await t.client.completeJob({ jobKey: jobs.inner.jobKey as never, variables: { inner: 11, outerNew: 'ny' } });
  [jobs.after] = await activateJobs(t.client, 'io.after');
});

test('input mappings: FEEL, static value, and the surrounding variables are visible to the job', () => {
  expect(jobs.calc.variables).toEqual(expect.objectContaining({ x: 42, ref: 'VK-2026-000200', label: 'static-text', a: 'root' }));
});

test('a subprocess input creates a local variable visible inside', () => {
  expect(jobs.inner.variables).toEqual(expect.objectContaining({ inner: 10, doubled: 10, a: 'root' }));
});

test('output mappings replace propagation: only mapped targets reach the process scope (dotted target builds an object)', async () => {
  expect(jobs.after.variables).toEqual(expect.objectContaining({ doubled: 10, nested: { result: 5 }, outerNew: 'ny' }));
  for (const name of ['result', 'x', 'ref', 'label', 'inner']) expect(jobs.after.variables).not.toHaveProperty(name);
});

test('process-scope variables are searchable, with JSON values', async () => {
  const vars = await variablesOf(t.client, pi.processInstanceKey);
  expect(vars).toEqual({
    order: { amount: 41 }, caseRef: 'VK-2026-000200', a: 'root', doubled: 10, nested: { result: 5 }, outerNew: 'ny',
  });
});

test('search by name and get by key', async () => {
  const { items } = await t.client.searchVariables({ filter: { processInstanceKey: pi.processInstanceKey, name: 'doubled' } as never }, NOW);
  expect(items).toHaveLength(1);
  expect(items[0]).toEqual(expect.objectContaining({ name: 'doubled', value: '10', processInstanceKey: pi.processInstanceKey, scopeKey: pi.processInstanceKey, tenantId: '<default>' }));
  const got = await t.client.getVariable({ variableKey: items[0].variableKey }, NOW);
  expect(got).toEqual(expect.objectContaining({ name: 'doubled', value: '10', variableKey: items[0].variableKey }));
  await expectHttpError(t.client.getVariable({ variableKey: key('2251799813000555') }, NOW), 404);
});

test('the subprocess-local variable lived in the subprocess scope, with the updated value', async () => {
  const [sub] = await elementsOf(t.client, pi.processInstanceKey, 'sub');
  const { items } = await t.client.searchVariables({ filter: { processInstanceKey: pi.processInstanceKey, name: 'inner' } as never }, NOW);
  expect(items.map((v) => ({ scopeKey: v.scopeKey, value: v.value }))).toEqual([{ scopeKey: sub.elementInstanceKey, value: '11' }]);
});

test('element instances: types, states, keys and get by key', async () => {
  await t.client.completeJob({ jobKey: jobs.after.jobKey as never });
  await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
  const all = await elementsOf(t.client, pi.processInstanceKey);
  const byId = Object.fromEntries(all.filter((e) => e.elementId !== 'io-mapping').map((e) => [e.elementId, e]));
  expect(Object.keys(byId).sort()).toEqual(['after', 'calc', 'end', 'innerTask', 'start', 'sub', 'subEnd', 'subStart']);
  for (const e of Object.values(byId)) {
    expect(e.state).toBe('COMPLETED');
    expect(e.processInstanceKey).toBe(pi.processInstanceKey);
    expect(e.processDefinitionId).toBe('io-mapping');
    expect(Date.parse(e.endDate!)).toBeGreaterThanOrEqual(Date.parse(e.startDate));
  }
  expect(byId.calc.type).toBe('SERVICE_TASK');
  expect(byId.sub.type).toBe('SUB_PROCESS');
  expect(byId.start.type).toBe('START_EVENT');
  expect(byId.end.type).toBe('END_EVENT');
  expect(byId.calc.elementInstanceKey).toBe(jobs.calc.elementInstanceKey);

  const got = await t.client.getElementInstance({ elementInstanceKey: byId.innerTask.elementInstanceKey }, NOW);
  expect(got).toEqual(byId.innerTask);
  const services = await t.client.searchElementInstances({ filter: { processInstanceKey: pi.processInstanceKey, type: 'SERVICE_TASK' } as never }, NOW);
  expect(services.items!.map((e) => e.elementId).sort()).toEqual(['after', 'calc', 'innerTask']);
  await expectHttpError(t.client.getElementInstance({ elementInstanceKey: key('2251799813000556') }, NOW), 404);
});

test('without output mappings, a completed job updates its input-mapped (local) variables locally and propagates the rest', async () => {
  const xml = fixtureXml('io-mapping').replace(/"io-mapping"/g, '"io-no-output"').replace(/\s*<zeebe:output [^>]*\/>/g, '');
  expect(xml).not.toContain('zeebe:output');
  await t.client.createDeployment({ resources: [bpmnFile('io-no-output', xml)] });
  const other = (await start(t.client, 'io-no-output', { order: { amount: 1 }, caseRef: 'VK-2026-000201' })).processInstanceKey;
  const [calc] = await activateJobs(t.client, 'io.calc');
  expect(calc.processInstanceKey).toBe(other);
  expect(calc.variables.x).toBe(2);
  await t.client.completeJob({ jobKey: calc.jobKey, variables: { x: 100, result: 5 } });
  const [inner] = await activateJobs(t.client, 'io.inner');
  expect(inner.variables).toEqual(expect.objectContaining({ result: 5 }));
  expect(inner.variables).not.toHaveProperty('x');
  expect(await variablesOf(t.client, other)).toEqual({ order: { amount: 1 }, caseRef: 'VK-2026-000201', result: 5 });
});
