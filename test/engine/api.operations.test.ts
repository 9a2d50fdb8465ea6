/**
 * Operator endpoints (what Operate and the SDK suites use), each answer checked against Camunda's 8.8 OpenAPI
 * spec: batch cancel and batch incident resolution, modification (terminate, activate, move with variables),
 * migration, resource deletion, message-subscription searches, element statistics, taken sequence flows, call
 * hierarchy, the incidents of one instance, and call-activity bindings (versionTag).
 */
import { SPEC_AVAILABLE, SpecValidator, loadSpec, operations } from '../contract/spec';
import { NOW, activateJobs, activateNow, bpmnFile, useEngine, waitForInstanceState } from '../helpers/api';
import { engineAuthHeaders } from '../helpers/engine';
import { around, definitions, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

const t = useEngine();
const ops = SPEC_AVAILABLE ? operations(loadSpec()) : undefined;
const validator = SPEC_AVAILABLE ? new SpecValidator(loadSpec()) : undefined;
const problems: string[] = [];

/**
 * Method and path of each operation used here, for a checkout without Camunda's spec beside it (a clean clone on
 * its own): the endpoints are still exercised, only the schema check of the answers needs the spec. When the spec is
 * there, its method and path must agree with this table.
 */
const ROUTES: Record<string, [string, string]> = {
  getProcessDefinition: ['GET', '/process-definitions/{processDefinitionKey}'],
  getProcessDefinitionStatistics: ['POST', '/process-definitions/{processDefinitionKey}/statistics/element-instances'],
  createProcessInstance: ['POST', '/process-instances'],
  getProcessInstanceSequenceFlows: ['GET', '/process-instances/{processInstanceKey}/sequence-flows'],
  getProcessInstanceStatistics: ['GET', '/process-instances/{processInstanceKey}/statistics/element-instances'],
  searchProcessInstanceIncidents: ['POST', '/process-instances/{processInstanceKey}/incidents/search'],
  cancelProcessInstancesBatchOperation: ['POST', '/process-instances/cancellation'],
  resolveIncidentsBatchOperation: ['POST', '/process-instances/incident-resolution'],
  migrateProcessInstance: ['POST', '/process-instances/{processInstanceKey}/migration'],
  modifyProcessInstance: ['POST', '/process-instances/{processInstanceKey}/modification'],
  getProcessInstanceCallHierarchy: ['GET', '/process-instances/{processInstanceKey}/call-hierarchy'],
  searchCorrelatedMessageSubscriptions: ['POST', '/correlated-message-subscriptions/search'],
  searchMessageSubscriptions: ['POST', '/message-subscriptions/search'],
  deleteResource: ['POST', '/resources/{resourceKey}/deletion'],
};

/** Calls an operation at its method + path; with the spec present, the answer is validated against its schema. */
async function call(operationId: string, params: Record<string, string>, body?: unknown) {
  const op = ops?.get(operationId.toLowerCase());
  if (ops && !op) throw new Error(`${operationId} is not in the spec`);
  const route = ROUTES[operationId];
  if (!route) throw new Error(`${operationId}: add its method and path to ROUTES`);
  if (op) expect([op.method, op.path]).toEqual(route);
  const [method, path] = route;
  const url = `${t.url}/v2${path.replace(/\{(\w+)\}/g, (_, p: string) => params[p])}`;
  const res = await fetch(url, { method, headers: { ...engineAuthHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text === '' ? undefined : JSON.parse(text);
  if (op && validator) {
    for (const e of validator.validateRequest(op, body)) if (body !== undefined) problems.push(`${operationId} request: ${e}`);
    for (const e of validator.validateResponse(op, res.status, parsed)) problems.push(`${operationId} ${res.status}: ${e}`);
  }
  return { status: res.status, body: parsed };
}

afterAll(() => expect(problems).toEqual([]));

const twoTasks = (id: string, a = 'op.a', b = 'op.b') =>
  processXml(`<bpmn:startEvent id="start" />${flow('f1', 'start', 'A')}${serviceTask('A', a)}${flow('f2', 'A', 'B')}${serviceTask('B', b)}${flow('f3', 'B', 'end')}<bpmn:endEvent id="end" />`, '', id);

async function deployXml(name: string, xml: string) {
  const res = await t.client.createDeployment({ resources: [bpmnFile(name, xml)] });
  return res.processes[0];
}
const startNew = async (id: string, variables: Record<string, unknown> = {}) =>
  (await t.client.createProcessInstance({ processDefinitionId: id as never, variables })).processInstanceKey as string;
const elements = async (pi: string) => (await t.client.searchElementInstances({ filter: { processInstanceKey: pi } } as never, NOW)).items!;
const state = async (pi: string) => (await t.client.getProcessInstance({ processInstanceKey: pi as never }, NOW)).state;

test('batch cancel ends the active root instances the filter selects, and only those', async () => {
  await deployXml('batch-a', twoTasks('batch-a', 'batch.a'));
  await deployXml('batch-b', twoTasks('batch-b', 'batch.b'));
  const a = [await startNew('batch-a'), await startNew('batch-a')];
  const b = await startNew('batch-b');
  const res = await call('cancelProcessInstancesBatchOperation', {}, { filter: { processDefinitionId: 'batch-a', state: 'COMPLETED' } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ batchOperationKey: expect.stringMatching(/^\d+$/), batchOperationType: 'CANCEL_PROCESS_INSTANCE' });
  for (const pi of a) expect(await state(pi)).toBe('TERMINATED');
  expect(await state(b)).toBe('ACTIVE');
  expect((await call('cancelProcessInstancesBatchOperation', {}, { filter: { noSuchField: 1 } })).status).toBe(400);
});

test('batch incident resolution retries the failed steps of the selected instances', async () => {
  const gateway = processXml(`<bpmn:startEvent id="start" />${flow('f1', 'start', 'gw')}<bpmn:exclusiveGateway id="gw" />
    ${flow('yes', 'gw', 'T', '=x > 1')}${serviceTask('T', 'inc.after')}${flow('f3', 'T', 'end')}<bpmn:endEvent id="end" />`, '', 'inc-batch');
  await deployXml('inc-batch', gateway);
  const pi = await startNew('inc-batch', { x: 0 });
  const [incident] = (await t.client.searchIncidents({ filter: { processInstanceKey: pi } } as never, NOW)).items!;
  expect(incident.errorType).toBe('CONDITION_ERROR');
  const own = await call('searchProcessInstanceIncidents', { processInstanceKey: pi }, {});
  expect(own.body.items.map((i: { incidentKey: string }) => i.incidentKey)).toEqual([incident.incidentKey]);
  await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { x: 5 } });
  const res = await call('resolveIncidentsBatchOperation', {}, { filter: { processDefinitionId: 'inc-batch' } });
  expect(res.body.batchOperationType).toBe('RESOLVE_INCIDENT');
  expect((await activateJobs(t.client, 'inc.after')).map((j) => j.processInstanceKey)).toEqual([pi]);
});

test('modification moves a token (terminate A, activate B with variables); terminating the last token ends the instance', async () => {
  await deployXml('modify', twoTasks('modify', 'mod.a', 'mod.b'));
  const pi = await startNew('modify');
  const a = (await elements(pi)).find((e) => e.elementId === 'A')!;
  const moved = await call('modifyProcessInstance', { processInstanceKey: pi }, {
    activateInstructions: [{ elementId: 'B', variableInstructions: [{ variables: { repairedBy: 'operator' } }] }],
    terminateInstructions: [{ elementInstanceKey: a.elementInstanceKey }],
  });
  expect(moved.status).toBe(204);
  expect(await activateNow(t.client, 'mod.a')).toEqual([]);
  const [job] = await activateJobs(t.client, 'mod.b');
  expect(job.variables).toEqual(expect.objectContaining({ repairedBy: 'operator' }));
  expect((await elements(pi)).find((e) => e.elementId === 'A')!.state).toBe('TERMINATED');

  const refused = await call('modifyProcessInstance', { processInstanceKey: pi }, { activateInstructions: [{ elementId: 'nowhere' }] });
  expect(refused.status).toBe(400);
  expect(refused.body.detail).toMatch(/could not be found: 'nowhere'/);

  const b = (await elements(pi)).find((e) => e.elementId === 'B' && e.state === 'ACTIVE')!;
  await call('modifyProcessInstance', { processInstanceKey: pi }, { terminateInstructions: [{ elementInstanceKey: b.elementInstanceKey }] });
  expect(await state(pi)).toBe('TERMINATED');
  expect((await call('modifyProcessInstance', { processInstanceKey: pi }, { terminateInstructions: [{ elementInstanceKey: b.elementInstanceKey }] })).status).toBe(404);
});

test('migration moves a waiting instance to another definition; an unmapped active element is refused and nothing changes', async () => {
  await deployXml('migrate', twoTasks('migrate', 'mig.a', 'mig.b'));
  const pi = await startNew('migrate');
  const target = await deployXml('migrate', twoTasks('migrate', 'mig.a', 'mig.b2'));
  const unmapped = await call('migrateProcessInstance', { processInstanceKey: pi }, { targetProcessDefinitionKey: target.processDefinitionKey, mappingInstructions: [] });
  expect(unmapped.status).toBe(409);
  expect(unmapped.body.detail).toMatch(/no mapping instruction defined for active element with id 'A'/);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi as never }, NOW)).processDefinitionVersion).toBe(1);

  const ok = await call('migrateProcessInstance', { processInstanceKey: pi }, {
    targetProcessDefinitionKey: target.processDefinitionKey, mappingInstructions: [{ sourceElementId: 'A', targetElementId: 'A' }],
  });
  expect(ok.status).toBe(204);
  const migrated = await t.client.getProcessInstance({ processInstanceKey: pi as never }, NOW);
  expect(migrated).toEqual(expect.objectContaining({ processDefinitionKey: target.processDefinitionKey, processDefinitionVersion: 2 }));
  const [jobA] = await activateJobs(t.client, 'mig.a');
  expect(jobA.processDefinitionVersion).toBe(2);
  await t.client.completeJob({ jobKey: jobA.jobKey });
  expect((await activateJobs(t.client, 'mig.b2')).map((j) => j.processInstanceKey)).toEqual([pi]);
});

test('deleting a definition: no new instances, running ones finish, versions are not reused', async () => {
  const xml = twoTasks('deletable', 'del.a', 'del.b');
  const v1 = await deployXml('deletable', xml);
  const running = await startNew('deletable');
  expect((await call('deleteResource', { resourceKey: v1.processDefinitionKey }, {})).status).toBe(200);
  expect((await call('createProcessInstance', {}, { processDefinitionId: 'deletable' })).status).toBe(404);
  expect((await call('getProcessDefinition', { processDefinitionKey: v1.processDefinitionKey })).status).toBe(404);
  expect((await call('deleteResource', { resourceKey: v1.processDefinitionKey }, {})).status).toBe(404);
  for (const type of ['del.a', 'del.b']) {
    const [job] = await activateJobs(t.client, type);
    await t.client.completeJob({ jobKey: job.jobKey });
  }
  await waitForInstanceState(t.client, running, 'COMPLETED');
  const v2 = await deployXml('deletable', xml);
  expect(v2.processDefinitionVersion).toBe(2);
});

test('a call activity with bindingType versionTag starts the tagged version, not the latest', async () => {
  const child = (tag: string, type: string) => definitions(`<bpmn:process id="tagged-child" isExecutable="true">
    <bpmn:extensionElements><zeebe:versionTag value="${tag}" /></bpmn:extensionElements>${around(serviceTask('t', type))}</bpmn:process>`);
  await deployXml('child1', child('v1', 'child.v1'));
  await deployXml('child2', child('v2', 'child.v2'));
  await deployXml('binding-parent', processXml(around(`<bpmn:callActivity id="t"><bpmn:extensionElements>
    <zeebe:calledElement processId="tagged-child" bindingType="versionTag" versionTag="v1" /></bpmn:extensionElements></bpmn:callActivity>`), '', 'binding-parent'));
  const parent = await startNew('binding-parent');
  const [job] = await activateJobs(t.client, 'child.v1');
  expect(job.processDefinitionVersion).toBe(1);
  expect(await activateNow(t.client, 'child.v2')).toEqual([]);
  const hierarchy = await call('getProcessInstanceCallHierarchy', { processInstanceKey: job.processInstanceKey });
  expect(hierarchy.body.map((h: { processInstanceKey: string }) => h.processInstanceKey)).toEqual([parent, job.processInstanceKey]);
});

test('message subscriptions: the open one is searchable, and after correlation the correlated one', async () => {
  await deployXml('wait-msg', definitions(`<bpmn:message id="m" name="ops.msg"><bpmn:extensionElements><zeebe:subscription correlationKey="=ref" /></bpmn:extensionElements></bpmn:message>
    <bpmn:process id="wait-msg" isExecutable="true">${around('<bpmn:intermediateCatchEvent id="t"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>')}</bpmn:process>`));
  const pi = await startNew('wait-msg', { ref: 'R-1' });
  const open = await call('searchMessageSubscriptions', {}, { filter: { processInstanceKey: pi } });
  expect(open.body.items).toEqual([expect.objectContaining({ messageName: 'ops.msg', correlationKey: 'R-1', elementId: 't', messageSubscriptionState: 'CREATED' })]);
  await t.client.publishMessage({ name: 'ops.msg', correlationKey: 'R-1', timeToLive: 0 } as never);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  const correlated = await call('searchCorrelatedMessageSubscriptions', {}, { filter: { processInstanceKey: pi } });
  expect(correlated.body.items).toEqual([expect.objectContaining({ messageName: 'ops.msg', correlationKey: 'R-1', elementId: 't', processInstanceKey: pi })]);
  expect((await call('searchMessageSubscriptions', {}, { filter: { processInstanceKey: pi } })).body.items).toEqual([]);
});

test('element statistics per definition and per instance, and the taken sequence flows', async () => {
  const def = await deployXml('stats', twoTasks('stats', 'stats.a', 'stats.b'));
  const moved = await startNew('stats');
  const [job] = await activateJobs(t.client, 'stats.a');
  await t.client.completeJob({ jobKey: job.jobKey });
  await startNew('stats');
  const perDefinition = await call('getProcessDefinitionStatistics', { processDefinitionKey: def.processDefinitionKey }, {});
  const byId = Object.fromEntries(perDefinition.body.items.map((i: { elementId: string }) => [i.elementId, i]));
  expect(byId.A).toEqual({ elementId: 'A', active: 1, canceled: 0, incidents: 0, completed: 1 });
  expect(byId.B).toEqual({ elementId: 'B', active: 1, canceled: 0, incidents: 0, completed: 0 });
  expect(byId.stats).toBeUndefined();
  const perInstance = await call('getProcessInstanceStatistics', { processInstanceKey: moved });
  expect(perInstance.body.items.map((i: { elementId: string }) => i.elementId)).toEqual(['A', 'B', 'start']);
  const flows = await call('getProcessInstanceSequenceFlows', { processInstanceKey: moved });
  expect(flows.body.items.map((f: { sequenceFlowId: string }) => f.sequenceFlowId)).toEqual(['f1', 'f2']);
});
