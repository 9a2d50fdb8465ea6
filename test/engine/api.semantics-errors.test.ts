/**
 * Error and escalation semantics through the official client: a BPMN error thrown by a job worker
 * (throwJobError) is caught by the matching error boundary (task interrupted, error variables passed on);
 * an escalation thrown inside an embedded subprocess is caught by a non-interrupting boundary on it;
 * errors propagate outwards: to a boundary on the enclosing subprocess, and from a called child process to the
 * boundary on the call activity (child terminated).
 */
import {
  NOW, activateJobs, bpmnFile, deploy, fixtureXml, elementsOf, start, useEngine, variablesOf, waitForElement, waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['error-boundary', 'escalation-boundary', 'error-propagation', 'call-child']);
});

test('throwJobError with a caught code takes the error boundary and passes its variables', async () => {
  const pi = (await start(t.client, 'error-boundary', { caseRef: 'VK-2026-000500' })).processInstanceKey;
  const [check] = await activateJobs(t.client, 'err.check');
  await t.client.throwJobError({ jobKey: check.jobKey, errorCode: 'NOT_ELIGIBLE', errorMessage: 'Inte folkbokförd i kommunen', variables: { reason: 'folkbokföring' } });
  const [handle] = await activateJobs(t.client, 'err.handle');
  expect(handle.processInstanceKey).toBe(pi);
  expect(handle.variables).toEqual(expect.objectContaining({ reason: 'folkbokföring', caseRef: 'VK-2026-000500' }));
  await t.client.completeJob({ jobKey: handle.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'check'))[0].state).toBe('TERMINATED');
  expect((await elementsOf(t.client, pi, 'notEligible'))[0].state).toBe('COMPLETED');
  expect(await elementsOf(t.client, pi, 'endOk')).toHaveLength(0);
  expect(await variablesOf(t.client, pi)).toEqual(expect.objectContaining({ reason: 'folkbokföring' }));
});

test('the SDK worker job.error() reaches the same boundary', async () => {
  const pi = (await start(t.client, 'error-boundary', { caseRef: 'VK-2026-000501' })).processInstanceKey;
  const workers = [
    t.client.createJobWorker({
      jobType: 'err.check', jobTimeoutMs: 30_000, maxParallelJobs: 1, pollIntervalMs: 20,
      jobHandler: (job) => job.error({ errorCode: 'NOT_ELIGIBLE', errorMessage: 'via worker', variables: { via: 'worker' } }),
    }),
    t.client.createJobWorker({
      jobType: 'err.handle', jobTimeoutMs: 30_000, maxParallelJobs: 1, pollIntervalMs: 20,
      jobHandler: (job) => job.complete({ handledBy: job.type }),
    }),
  ];
  try {
    await waitForInstanceState(t.client, pi, 'COMPLETED', 20_000);
  } finally {
    workers.forEach((w) => w.stop());
  }
  expect(await variablesOf(t.client, pi)).toEqual(expect.objectContaining({ via: 'worker', handledBy: 'err.handle' }));
  expect((await elementsOf(t.client, pi, 'endRejected'))[0].state).toBe('COMPLETED');
});

test('an error boundary without errorRef catches any error code', async () => {
  const xml = fixtureXml('error-boundary').replace(/"error-boundary"/g, '"error-catch-all"').replace('<bpmn:errorEventDefinition errorRef="Err_notEligible" />', '<bpmn:errorEventDefinition />');
  expect(xml).toContain('<bpmn:errorEventDefinition />');
  await t.client.createDeployment({ resources: [bpmnFile('error-catch-all', xml)] });
  const pi = (await start(t.client, 'error-catch-all', {})).processInstanceKey;
  const [check] = await activateJobs(t.client, 'err.check');
  expect(check.processInstanceKey).toBe(pi);
  await t.client.throwJobError({ jobKey: check.jobKey, errorCode: 'SOMETHING_ELSE' });
  const [handle] = await activateJobs(t.client, 'err.handle');
  expect(handle.processInstanceKey).toBe(pi);
});

test('completing the job normally does not trigger the boundary', async () => {
  const pi = (await start(t.client, 'error-boundary', {})).processInstanceKey;
  const [check] = await activateJobs(t.client, 'err.check');
  await t.client.completeJob({ jobKey: check.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'endOk'))[0].state).toBe('COMPLETED');
  expect(await elementsOf(t.client, pi, 'notEligible')).toHaveLength(0);
});

test('escalation thrown inside a subprocess triggers the non-interrupting boundary; the subprocess continues', async () => {
  const pi = (await start(t.client, 'escalation-boundary', {})).processInstanceKey;
  const [notify] = await activateJobs(t.client, 'esc.notify');
  const [inside] = await activateJobs(t.client, 'esc.inside');
  expect([notify.processInstanceKey, inside.processInstanceKey]).toEqual([pi, pi]);
  await t.client.completeJob({ jobKey: notify.jobKey });
  await waitForElement(t.client, pi, 'endNotified', 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'sub'))[0].state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: inside.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'sub'))[0].state).toBe('COMPLETED');
  expect((await elementsOf(t.client, pi, 'end'))[0].state).toBe('COMPLETED');
});

describe('error propagation to enclosing scopes', () => {
  test('a job error inside a subprocess is caught by the boundary on the subprocess', async () => {
    const pi = (await start(t.client, 'error-propagation', {})).processInstanceKey;
    const [inner] = await activateJobs(t.client, 'prop.inner');
    await t.client.throwJobError({ jobKey: inner.jobKey, errorCode: 'INNER_FAIL' });
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    expect((await elementsOf(t.client, pi, 'sub'))[0].state).toBe('TERMINATED');
    expect((await elementsOf(t.client, pi, 'endSubFailed'))[0].state).toBe('COMPLETED');
    expect(await elementsOf(t.client, pi, 'callChild')).toHaveLength(0);
  });

  test('a job error in a called child is caught by the boundary on the call activity', async () => {
    const pi = (await start(t.client, 'error-propagation', {})).processInstanceKey;
    const [inner] = await activateJobs(t.client, 'prop.inner');
    await t.client.completeJob({ jobKey: inner.jobKey });
    const [work] = await activateJobs(t.client, 'call.child');
    expect(work.processInstanceKey).not.toBe(pi);
    await t.client.throwJobError({ jobKey: work.jobKey, errorCode: 'CHILD_FAIL' });
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    expect((await elementsOf(t.client, pi, 'endChildFailed'))[0].state).toBe('COMPLETED');
    expect((await t.client.getProcessInstance({ processInstanceKey: work.processInstanceKey }, NOW)).state).toBe('TERMINATED');
  });
});
