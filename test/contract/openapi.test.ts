/**
 * Contract test against Camunda's published OpenAPI spec for 8.8 (../shared/contract/rest-api.8.8.yaml, see contract/README.md):
 * (a) every client method the project calls is listed in deploy/used-operations.ts and exists in the spec
 *     (operationId, HTTP method, path);
 * (b) the embedded engine, driven at the spec's method+path with the request shapes our code sends, answers bodies
 *     (success and problem+json errors) that satisfy the spec's response schemas; request bodies satisfy the
 *     spec's request schemas.
 */
import { createCamundaClient } from '../../common/camunda';
import { deployAll } from '../../deploy/deploy';
import { EXPANSIONS, USED_OPERATIONS } from '../../deploy/used-operations';
import { engineAuthHeaders, startTestEngine, type TestEngine } from '../helpers/engine';
import { SPEC_AVAILABLE, SPEC_FILE, SpecValidator, loadSpec, operations, type SpecOperation } from './spec';
import { scanClientCalls } from './scan';

// Without the spec there is nothing to check against: say so instead of passing silently or failing obscurely.
if (!SPEC_AVAILABLE) {
  console.warn(`Contract test skipped: Camunda's 8.8 OpenAPI spec is not at ${SPEC_FILE} (set CAMUNDA_OPENAPI_SPEC or provide ../shared/contract/, see contract/README.md).`);
}
const specDescribe = SPEC_AVAILABLE ? describe : describe.skip;
const spec = SPEC_AVAILABLE ? loadSpec() : { paths: {} };
const ops = operations(spec);
const validator = new SpecValidator(spec);
const sdkMethods = new Set(Object.getOwnPropertyNames(Object.getPrototypeOf(createCamundaClient({ restAddress: 'http://127.0.0.1:9' }))));

specDescribe('(a) operations the project uses', () => {
  test('the source scan finds exactly the operations listed in deploy/used-operations.ts', () => {
    const calls = scanClientCalls(sdkMethods);
    const used = new Set<string>();
    for (const method of calls.keys()) for (const op of EXPANSIONS[method] ?? [method]) used.add(op);
    const listed = new Set<string>(USED_OPERATIONS);
    const unlisted = [...used].filter((m) => !listed.has(m)).map((m) => `${m} (called in ${calls.get(m)?.join(', ') ?? 'a createJobWorker'})`);
    const unused = [...listed].filter((m) => !used.has(m));
    expect({ unlisted, unused }).toEqual({ unlisted: [], unused: [] });
  });

  test.each([...USED_OPERATIONS])('%s exists in the 8.8 spec and is a method of the SDK client', (name) => {
    const op = ops.get(name.toLowerCase());
    expect(op).toBeDefined();
    expect(op!.path.startsWith('/')).toBe(true);
    expect(sdkMethods.has(name)).toBe(true);
  });
});

specDescribe('the spec validator can fail', () => {
  test('a topology without brokers, a key that is not a number string and an unknown search field are rejected', () => {
    expect(validator.validateResponse(ops.get('gettopology')!, 200, { clusterSize: 1 })).not.toEqual([]);
    expect(validator.validateResponse(ops.get('createprocessinstance')!, 200, { processInstanceKey: 'abc' })).not.toEqual([]);
    expect(validator.validateRequest(ops.get('searchusertasks')!, { filter: {}, nonsense: 1 })).not.toEqual([]);
    expect(validator.validateRequest(ops.get('searchusertasks')!, { filter: { state: 'CREATED' }, page: { limit: 5 } })).toEqual([]);
    expect(validator.validateRequest(ops.get('activatejobs')!, { type: 'x', timeout: 'soon', maxJobsToActivate: 1 })).not.toEqual([]);
    expect(validator.validateRequest(ops.get('activatejobs')!, { type: 'x', timeout: '60000', maxJobsToActivate: 1 })).toEqual([]);
    expect(validator.validateResponse(ops.get('getusertask')!, 404, { type: 'about:blank', title: 'NOT_FOUND', status: 404, detail: 'x', instance: '/v2/user-tasks/1' })).toEqual([]);
  });
});

specDescribe('(b) the embedded engine answers with the spec\'s shapes', () => {
  let t: TestEngine;
  const problems: string[] = [];
  const exercised = new Set<string>();
  const notes: string[] = [];
  beforeAll(async () => { t = await startTestEngine(); });
  afterAll(async () => { if (t) await t.stop(); });

  const op = (name: string): SpecOperation => {
    const o = ops.get(name.toLowerCase());
    if (!o) throw new Error(`${name} not in spec`);
    return o;
  };

  /** Calls `name` at the spec's method+path; validates the request body and the answer against the spec. */
  async function call(name: string, params: Record<string, string> = {}, body?: unknown, init: { form?: FormData; expect?: number } = {}) {
    const o = op(name);
    exercised.add(name);
    const url = `${t.url}/v2${o.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(params[p] ?? `missing-${p}`))}`;
    if (body !== undefined) for (const e of validator.validateRequest(o, body)) problems.push(`${name} request: ${e}`);
    const res = await fetch(url, {
      method: o.method,
      headers: { ...engineAuthHeaders(), ...(init.form ? {} : body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.form ?? (body !== undefined ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown = text === '' ? undefined : text;
    if (/json/.test(contentType) && text !== '') parsed = JSON.parse(text);
    const rs = validator.responseSchema(o, res.status);
    if (rs === 'undocumented') notes.push(`${name} answered ${res.status}, which the spec does not list for it (validated as ProblemDetail)`);
    if (rs && rs !== 'undocumented' && !contentType.startsWith(rs.contentType.split(';')[0]) && !(rs.contentType.includes('xml') && contentType.includes('xml'))) {
      problems.push(`${name} ${res.status}: content-type ${contentType}, spec: ${rs.contentType}`);
    }
    if (!(rs && rs !== 'undocumented' && /xml/.test(rs.contentType))) {
      for (const e of validator.validateResponse(o, res.status, parsed)) problems.push(`${name} ${res.status}: ${e}`);
    }
    if (init.expect !== undefined && res.status !== init.expect) problems.push(`${name}: status ${res.status}, expected ${init.expect}: ${text.slice(0, 300)}`);
    return { status: res.status, body: parsed as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  const poll = async <T>(fn: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 100; i++) { const v = await fn(); if (v !== undefined) return v; await new Promise((r) => setTimeout(r, 100)); }
    throw new Error('timed out');
  };

  test('every used operation, success and error answers', async () => {
    const form = new FormData();
    form.append('resources', new Blob([FORM], { type: 'application/json' }), 'contract-form.form');
    form.append('resources', new Blob([DIAGRAM], { type: 'application/xml' }), 'contract.bpmn');
    const dep = await call('createDeployment', {}, undefined, { form, expect: 200 });
    const broken = new FormData();
    broken.append('resources', new Blob(['<bpmn:definitions'], { type: 'application/xml' }), 'broken.bpmn');
    await call('createDeployment', {}, undefined, { form: broken, expect: 400 });
    const processDefinitionKey = String(dep.body.deployments.find((d: any) => d.processDefinition).processDefinition.processDefinitionKey); // eslint-disable-line @typescript-eslint/no-explicit-any

    await call('getTopology', {}, undefined, { expect: 200 });
    await call('pinClock', {}, { timestamp: Date.parse('2026-12-01T09:00:00Z') }, { expect: 204 });

    const a = await call('createProcessInstance', {}, { processDefinitionId: 'contract-probe', variables: { caseRef: 'VK-2026-000001', kommun: 'vaxjo' } }, { expect: 200 });
    await call('createProcessInstance', {}, { processDefinitionId: 'contract-probe', variables: { caseRef: 'VK-2026-000002', kommun: 'vaxjo' } }, { expect: 200 });
    await call('createProcessInstance', {}, { processDefinitionId: 'no-such-process' }, { expect: 404 });
    const processInstanceKey = String(a.body.processInstanceKey);

    const jobs = await poll(async () => {
      const r = await call('activateJobs', {}, { type: 'vk.contract', maxJobsToActivate: 2, timeout: 60000, worker: 'contract', requestTimeout: 1000 }, { expect: 200 });
      return r.body.jobs?.length === 2 ? r.body.jobs : undefined;
    });
    await call('completeJob', { jobKey: String(jobs[0].jobKey) }, { variables: { done: true } }, { expect: 204 });
    await call('failJob', { jobKey: String(jobs[1].jobKey) }, { retries: 1, errorMessage: 'tillfälligt fel', retryBackOff: 0 }, { expect: 204 });
    const again = await poll(async () => {
      const r = await call('activateJobs', {}, { type: 'vk.contract', maxJobsToActivate: 1, timeout: 60000, worker: 'contract', requestTimeout: 1000 }, { expect: 200 });
      return r.body.jobs?.[0];
    });
    await call('throwJobError', { jobKey: String(again.jobKey) }, { errorCode: 'NO_PLACE', errorMessage: 'ingen plats' }, { expect: 204 });
    await call('completeJob', { jobKey: '2251799813999999' }, { variables: {} }, { expect: 404 });

    await call('publishMessage', {}, { name: 'contract-msg', correlationKey: 'VK-2026-000009', timeToLive: 0 }, { expect: 200 });

    const task = await poll(async () => {
      const r = await call('searchUserTasks', {}, { filter: { processInstanceKey } }, { expect: 200 });
      return r.body.items?.[0];
    });
    const userTaskKey = String(task.userTaskKey);
    await call('getUserTask', { userTaskKey }, undefined, { expect: 200 });
    await call('getUserTask', { userTaskKey: '2251799813999999' }, undefined, { expect: 404 });
    await call('getUserTaskForm', { userTaskKey }, undefined, { expect: 200 });
    await call('assignUserTask', { userTaskKey }, { assignee: 'anna.socialsekreterare', allowOverride: true }, { expect: 204 });
    await call('unassignUserTask', { userTaskKey }, undefined, { expect: 204 });
    await call('searchVariables', {}, { filter: { processInstanceKey } }, { expect: 200 });
    await call('searchUserTaskVariables', { userTaskKey }, {}, { expect: 200 });
    await call('searchUserTaskVariables', { userTaskKey: '2251799813999999' }, {}, { expect: 404 });
    await call('completeUserTask', { userTaskKey }, { variables: { kommentar: 'klart' } }, { expect: 204 });
    await call('completeUserTask', { userTaskKey }, { variables: {} }, { expect: 404 });

    // The instance now waits at the message catch: variables into its scope (as the queue worker writes positions),
    // then the message the case page correlates; both with their error answers.
    await call('createElementInstanceVariables', { elementInstanceKey: processInstanceKey }, { variables: { queuePosition: 2 } }, { expect: 204 });
    await call('createElementInstanceVariables', { elementInstanceKey: '2251799813999999' }, { variables: { queuePosition: 2 } }, { expect: 404 });
    await poll(async () => {
      const r = await call('correlateMessage', {}, { name: 'contract-msg', correlationKey: 'VK-2026-000001', variables: { svar: 'ja' } });
      return r.status === 200 ? r : undefined;
    });
    await call('correlateMessage', {}, { name: 'contract-msg', correlationKey: 'VK-2026-000404' }, { expect: 404 });

    await call('getProcessInstance', { processInstanceKey }, undefined, { expect: 200 });
    await call('getProcessInstance', { processInstanceKey: '2251799813999999' }, undefined, { expect: 404 });
    await call('searchProcessInstances', {}, { filter: { processDefinitionId: 'contract-probe' }, page: { limit: 10 } }, { expect: 200 });
    await call('searchElementInstances', {}, { filter: { processInstanceKey } }, { expect: 200 });
    await call('getProcessDefinitionXml', { processDefinitionKey }, undefined, { expect: 200 });
    await call('getProcessDefinition', { processDefinitionKey }, undefined, { expect: 200 });
    await call('getProcessDefinition', { processDefinitionKey: '2251799813999999' }, undefined, { expect: 404 });
    await call('searchProcessDefinitions', {}, { filter: { processDefinitionId: 'contract-probe' }, page: { limit: 500 } }, { expect: 200 });
    // The start page: the latest deployed version of the configured processes, then the start form (none here).
    await call('searchProcessDefinitions', {}, { filter: { processDefinitionId: { $in: ['contract-probe', 'vk-not-deployed'] }, isLatestVersion: true }, page: { limit: 10 } }, { expect: 200 });
    await call('getStartProcessForm', { processDefinitionKey }, undefined, { expect: 204 });
    await call('getStartProcessForm', { processDefinitionKey: '2251799813999999' }, undefined, { expect: 404 });

    if (notes.length) console.log(`contract notes (spec gaps, not failures):\n  ${notes.join('\n  ')}`);
    expect([...USED_OPERATIONS].filter((n) => !exercised.has(n))).toEqual([]);
    expect(problems).toEqual([]);
  });
});

specDescribe('(c) the JSON requests the SDK sends for our calls satisfy the spec\'s request schemas', () => {
  let t: TestEngine;
  const sent: Array<{ method: string; path: string; body: unknown }> = [];
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    t = await startTestEngine();
    globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const req = input instanceof Request ? input : undefined;
      const url = new URL(req ? req.url : String(input));
      const method = (init?.method ?? req?.method ?? 'GET').toUpperCase();
      const raw = init?.body ?? (req && req.headers.get('content-type')?.includes('json') ? await req.clone().text() : undefined);
      if (typeof raw === 'string' && raw !== '') sent.push({ method, path: url.pathname.replace(/^\/v2/, ''), body: JSON.parse(raw) });
      return realFetch(input, init);
    };
  });
  afterAll(async () => { globalThis.fetch = realFetch; if (t) await t.stop(); });

  const match = (method: string, p: string): SpecOperation | undefined => [...ops.values()].find((o) =>
    o.method === method && new RegExp(`^${o.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(p));

  test('deployAll, a case through its user task, jobs and a message: every JSON body validates', async () => {
    await deployAll(t.client, [
      { kind: 'form', name: 'contract-form.form', path: 'contract-form.form', content: FORM },
      { kind: 'bpmn', name: 'contract.bpmn', path: 'contract.bpmn', content: DIAGRAM },
    ]);
    const NOW = { consistency: { waitUpToMs: 5000 } } as const;
    const inst = await t.client.createProcessInstance({ processDefinitionId: 'contract-probe', variables: { caseRef: 'VK-2026-000003', kommun: 'vaxjo' } } as never);
    const { jobs } = await t.client.activateJobs({ type: 'vk.contract', maxJobsToActivate: 1, timeout: 60000, worker: 'contract', requestTimeout: 1000 } as never);
    await t.client.completeJob({ jobKey: jobs[0].jobKey, variables: { done: true } } as never);
    let task;
    for (let i = 0; i < 50 && !task; i++) {
      task = (await t.client.searchUserTasks({ filter: { processInstanceKey: inst.processInstanceKey, state: 'CREATED' } } as never, NOW)).items?.[0];
      if (!task) await new Promise((r) => setTimeout(r, 100));
    }
    await t.client.assignUserTask({ userTaskKey: task!.userTaskKey, assignee: 'anna', allowOverride: true } as never);
    await t.client.searchVariables({ filter: { processInstanceKey: inst.processInstanceKey } } as never, NOW);
    await t.client.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { kommentar: 'ok' } } as never);
    await t.client.publishMessage({ name: 'contract-msg', correlationKey: 'VK-2026-000003', timeToLive: 0 } as never);
    await t.client.searchProcessInstances({ filter: { processDefinitionId: 'contract-probe' }, page: { limit: 10 } } as never, NOW);

    expect(sent.length).toBeGreaterThanOrEqual(8);
    const failures = sent.flatMap((r) => {
      const o = match(r.method, r.path);
      if (!o) return [`${r.method} ${r.path}: no such operation in the spec`];
      return validator.validateRequest(o, r.body).map((e) => `${o.operationId}: ${e} — sent ${JSON.stringify(r.body).slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
  });
});

const FORM = JSON.stringify({
  id: 'contract-form', type: 'default', schemaVersion: 16, executionPlatform: 'Camunda Cloud', executionPlatformVersion: '8.8.0',
  components: [{ type: 'textfield', key: 'kommentar', label: 'Kommentar', id: 'Field_1' }],
});

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="Msg" name="contract-msg"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="contract-probe" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Job"><bpmn:extensionElements><zeebe:taskDefinition type="vk.contract" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:userTask id="Task" name="Granska"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="contract-form" /><zeebe:assignmentDefinition candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" /></bpmn:extensionElements><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>
    <bpmn:intermediateCatchEvent id="Wait"><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Job" />
    <bpmn:sequenceFlow id="F2" sourceRef="Job" targetRef="Task" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task" targetRef="Wait" />
    <bpmn:sequenceFlow id="F4" sourceRef="Wait" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
