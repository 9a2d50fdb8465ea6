/**
 * Incidents through the official client: a job failed to 0 retries raises a JOB_NO_RETRIES incident
 * (searchable, gettable, flagged on the instance); resolving it after updating retries lets the job run again.
 * An uncaught BPMN error raises UNHANDLED_ERROR_EVENT. Unknown incident → 404.
 */
import {
  NOW, activateJobs, activateNow, bpmnFile, cancelActiveInstances, deploy, elementsOf, fixtureXml, eventually, expectHttpError, key, start, storeSnapshot, useEngine,
  waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['service-chain', 'call-child', 'timer-intermediate', 'message-catch', 'mi-parallel']);
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

async function incidentsOf(processInstanceKey: string, count = 1) {
  const { items } = await eventually(
    () => t.client.searchIncidents({ filter: { processInstanceKey } as never }, NOW),
    (r) => (r.items?.length ?? 0) >= count,
    { what: `${count} incident(s) on ${processInstanceKey}` },
  );
  return items!;
}

test('failing a job to 0 retries raises an incident; resolving after new retries lets the job run again', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'Kommunens system nere' });

  const [incident] = await incidentsOf(pi.processInstanceKey);
  expect(incident).toEqual(expect.objectContaining({
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'Kommunens system nere',
    elementId: 'taskA',
    state: 'ACTIVE',
    processInstanceKey: pi.processInstanceKey,
    processDefinitionId: 'service-chain',
    jobKey: job.jobKey,
    tenantId: '<default>',
  }));
  expect(Date.parse(incident.creationTime!)).not.toBeNaN();
  expect(await t.client.getIncident({ incidentKey: incident.incidentKey! }, NOW)).toEqual(incident);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW)).hasIncident).toBe(true);
  expect(await activateNow(t.client, 'chain.a')).toHaveLength(0);
  const [taskA] = (await t.client.searchElementInstances({ filter: { processInstanceKey: pi.processInstanceKey, elementId: 'taskA' } as never }, NOW)).items!;
  expect(taskA).toEqual(expect.objectContaining({ hasIncident: true, incidentKey: incident.incidentKey, state: 'ACTIVE' }));

  await t.client.updateJob({ jobKey: job.jobKey, changeset: { retries: 1 } });
  await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
  const resolved = await eventually(
    () => t.client.getIncident({ incidentKey: incident.incidentKey! }, NOW),
    (i) => i.state === 'RESOLVED',
    { what: 'incident resolved' },
  );
  expect(resolved.state).toBe('RESOLVED');
  const [again] = await activateJobs(t.client, 'chain.a');
  expect(again.jobKey).toBe(job.jobKey);
  expect(again.retries).toBe(1);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW)).hasIncident).toBe(false);
  await t.client.completeJob({ jobKey: again.jobKey });
  const [b] = await activateJobs(t.client, 'chain.b');
  expect(b.processInstanceKey).toBe(pi.processInstanceKey);
});

test('an SDK worker whose handler keeps throwing uses up the retries and raises an incident', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [a] = await activateJobs(t.client, 'chain.a');
  await t.client.completeJob({ jobKey: a.jobKey });
  let attempts = 0;
  const worker = t.client.createJobWorker({
    jobType: 'chain.b', jobTimeoutMs: 30_000, maxParallelJobs: 1, pollIntervalMs: 20,
    jobHandler: () => {
      attempts++;
      throw new Error(`Ekeliden svarar inte (${attempts})`);
    },
  });
  try {
    const [incident] = await incidentsOf(pi.processInstanceKey);
    expect(incident).toEqual(expect.objectContaining({ errorType: 'JOB_NO_RETRIES', elementId: 'taskB' }));
    expect(incident.errorMessage).toMatch(/Ekeliden svarar inte/);
  } finally {
    worker.stop();
  }
  expect(attempts).toBe(2); // taskB has retries="2"
});

test('resolving a job incident without new retries is accepted (Zeebe): the job runs again, failing again raises a new incident', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'utan nya försök' });
  const [first] = await incidentsOf(pi.processInstanceKey);
  await t.client.resolveIncident({ incidentKey: first.incidentKey! });
  expect((await t.client.getIncident({ incidentKey: first.incidentKey! }, NOW)).state).toBe('RESOLVED');
  const [again] = await activateJobs(t.client, 'chain.a');
  expect(again.jobKey).toBe(job.jobKey);
  expect(again.retries).toBe(0);
  await t.client.failJob({ jobKey: again.jobKey, retries: 0, errorMessage: 'igen' });
  const all = await incidentsOf(pi.processInstanceKey, 2);
  const fresh = all.filter((i) => i.incidentKey !== first.incidentKey);
  expect(fresh).toEqual([expect.objectContaining({ state: 'ACTIVE', errorType: 'JOB_NO_RETRIES', jobKey: job.jobKey, errorMessage: 'igen' })]);
});

test('search incidents by state and error type', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'boom' });
  await incidentsOf(pi.processInstanceKey);
  const { items } = await t.client.searchIncidents({ filter: { state: 'ACTIVE', errorType: 'JOB_NO_RETRIES', processInstanceKey: pi.processInstanceKey } as never }, NOW);
  expect(items!.map((i) => i.jobKey)).toEqual([job.jobKey]);
});

test('process instances can be searched by hasIncident (managers\' dashboard)', async () => {
  const ok = await start(t.client, 'service-chain', { lastType: 'c' });
  const broken = await start(t.client, 'service-chain', { lastType: 'c' });
  const jobs = await activateJobs(t.client, 'chain.a', 2);
  await t.client.failJob({ jobKey: jobs.find((j) => j.processInstanceKey === broken.processInstanceKey)!.jobKey, retries: 0, errorMessage: 'x' });
  await incidentsOf(broken.processInstanceKey);
  const withIncident = await t.client.searchProcessInstances({ filter: { hasIncident: true, state: 'ACTIVE' } as never }, NOW);
  expect(withIncident.items.map((i) => i.processInstanceKey)).toEqual([broken.processInstanceKey]);
  const without = await t.client.searchProcessInstances({ filter: { hasIncident: false, state: 'ACTIVE' } as never }, NOW);
  expect(without.items.map((i) => i.processInstanceKey)).toContain(ok.processInstanceKey);
  expect(without.items.map((i) => i.processInstanceKey)).not.toContain(broken.processInstanceKey);
});

test('an uncaught BPMN error raises UNHANDLED_ERROR_EVENT', async () => {
  const pi = await start(t.client, 'call-child', {});
  const [job] = await activateJobs(t.client, 'call.child');
  await t.client.throwJobError({ jobKey: job.jobKey, errorCode: 'NOBODY_CATCHES_THIS', errorMessage: 'no boundary' });
  const [incident] = await incidentsOf(pi.processInstanceKey);
  expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
  expect(incident.elementId).toBe('work');
  expect(incident.errorMessage).toMatch(/NOBODY_CATCHES_THIS/);
});

test('an exclusive gateway with no true condition and no default flow raises CONDITION_ERROR', async () => {
  const xml = fixtureXml('exclusive-gateway')
    .replace(/"exclusive-gateway"/g, '"xor-no-default"')
    .replace(' default="toLow"', '')
    .replace('<bpmn:sequenceFlow id="toLow" sourceRef="decide" targetRef="endLow" />',
      '<bpmn:sequenceFlow id="toLow" sourceRef="decide" targetRef="endLow"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=amount &lt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>');
  await t.client.createDeployment({ resources: [bpmnFile('xor-no-default', xml)] });
  const pi = await start(t.client, 'xor-no-default', { amount: 5 });
  const [incident] = await incidentsOf(pi.processInstanceKey);
  expect(incident).toEqual(expect.objectContaining({ errorType: 'CONDITION_ERROR', elementId: 'decide', state: 'ACTIVE' }));
  expect((await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW)).state).toBe('ACTIVE');
});

test('a user task whose linked form was never deployed raises FORM_NOT_FOUND', async () => {
  await deploy(t.client, ['user-task']);
  const pi = await start(t.client, 'user-task', { kommun: 'vaxjo', assignee: 'anna', dueDate: '2026-12-01T09:00:00Z', followUpDate: '2026-11-28T09:00:00Z', priority: 50 });
  const [incident] = await incidentsOf(pi.processInstanceKey);
  expect(incident).toEqual(expect.objectContaining({ errorType: 'FORM_NOT_FOUND', elementId: 'review', state: 'ACTIVE' }));
});

test('cancelling an instance with an incident resolves nothing but ends the instance', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'x' });
  await incidentsOf(pi.processInstanceKey);
  await t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
  await waitForInstanceState(t.client, pi.processInstanceKey, 'TERMINATED');
});

test('unknown incident → 404, store unchanged', async () => {
  const before = await storeSnapshot(t.client);
  await expectHttpError(t.client.getIncident({ incidentKey: key('2251799813000999') }, NOW), 404);
  await expectHttpError(t.client.resolveIncident({ incidentKey: key('2251799813000999') }), 404);
  expect(await storeSnapshot(t.client)).toEqual(before);
});

describe('expression failures raise incidents on the element (Zeebe EXTRACT_VALUE_ERROR / CALLED_ELEMENT_ERROR)', () => {
  async function expectIncident(processInstanceKey: string, errorType: string, elementId: string) {
    const [incident] = await incidentsOf(processInstanceKey);
    expect(incident).toEqual(expect.objectContaining({ errorType, elementId, state: 'ACTIVE' }));
    expect(incident.errorMessage).toEqual(expect.any(String));
    expect((await t.client.getProcessInstance({ processInstanceKey: processInstanceKey as never }, NOW)).state).toBe('ACTIVE');
  }

  test('a timer duration that is not a duration', async () => {
    const pi = await start(t.client, 'timer-intermediate', { waitFor: 'banan' });
    await expectIncident(pi.processInstanceKey, 'EXTRACT_VALUE_ERROR', 'wait');
  });

  test('a message correlation key that evaluates to null (caseRef missing)', async () => {
    const pi = await start(t.client, 'message-catch', {});
    await expectIncident(pi.processInstanceKey, 'EXTRACT_VALUE_ERROR', 'payment');
  });

  test('set the missing variable on the instance (PUT /element-instances/{key}/variables), resolve, and it continues', async () => {
    const pi = (await start(t.client, 'message-catch', {})).processInstanceKey;
    const [incident] = await incidentsOf(pi);
    await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { caseRef: 'VK-2026-000700' } });
    await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
    await eventually(() => t.client.getIncident({ incidentKey: incident.incidentKey! }, NOW), (i) => i.state === 'RESOLVED', { what: 'incident resolved' });
    await t.client.publishMessage({ name: 'payment', correlationKey: 'VK-2026-000700', timeToLive: 60_000 });
    await eventually(() => elementsOf(t.client, pi, 'ack'), (e) => e.length === 1, { what: 'instance past payment' });
    expect((await t.client.getProcessInstance({ processInstanceKey: pi as never }, NOW)).hasIncident).toBe(false);
  });

  test('a job type expression that evaluates to null', async () => {
    const pi = await start(t.client, 'service-chain', {});
    for (const type of ['chain.a', 'chain.b']) {
      const [job] = await activateJobs(t.client, type);
      await t.client.completeJob({ jobKey: job.jobKey });
    }
    await expectIncident(pi.processInstanceKey, 'EXTRACT_VALUE_ERROR', 'taskC');
  });

  test('a multi-instance input collection that is not a list', async () => {
    const pi = await start(t.client, 'mi-parallel', { items: 'inte en lista' });
    await expectIncident(pi.processInstanceKey, 'EXTRACT_VALUE_ERROR', 'each');
  });

  test('a call activity whose called process is not deployed', async () => {
    const xml = fixtureXml('call-parent').replace(/"call-parent"/g, '"call-missing"').replace('processId="call-child"', 'processId="no-such-child"');
    await t.client.createDeployment({ resources: [bpmnFile('call-missing', xml)] });
    const pi = await start(t.client, 'call-missing', { amount: 1 });
    await expectIncident(pi.processInstanceKey, 'CALLED_ELEMENT_ERROR', 'callChild');
  });
});
