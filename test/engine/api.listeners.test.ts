/**
 * Execution listeners through the official client, as Camunda 8.8 runs them: blocking jobs of kind
 * EXECUTION_LISTENER (listenerEventType START/END) around an element and around the process. Start listeners see
 * the input mappings and their variables are local to the element; end listeners see the output mappings and their
 * variables go to the scope above. A listener without retries raises EXECUTION_LISTENER_NO_RETRIES and, once
 * resolved, only that listener runs again; a listener job cannot throw a BPMN error.
 */
import { around, executionListeners, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import {
  NOW, activateJobs, activateOne, waitForIncidents, activateNow, bpmnFile, cancelActiveInstances, eventually, expectHttpError, start, useEngine, variablesOf, waitForElement,
  waitForInstanceState,
} from '../helpers/api';

const t = useEngine();
const ext = (xml: string) => `<bpmn:extensionElements>${xml}</bpmn:extensionElements>`;

const TASK = serviceTask('t', 'el.task', executionListeners(['start', 'el.before'], ['end', 'el.after'], ['end', 'el.after2', '1'])
  + '<zeebe:ioMapping><zeebe:input source="=belopp * 2" target="dubbelt" /><zeebe:output source="=resultat" target="utfall" /></zeebe:ioMapping>');

beforeAll(async () => {
  const task = processXml(around(TASK), '', 'el-task');
  const proc = processXml(ext(executionListeners(['start', 'el.p.start'], ['end', 'el.p.end'])) + around('<bpmn:manualTask id="t" />'), '', 'el-process');
  const gateway = processXml(
    `<bpmn:startEvent id="start" /><bpmn:exclusiveGateway id="gw" default="f_nej">${ext(executionListeners(['start', 'el.gw']))}</bpmn:exclusiveGateway>`
    + `${serviceTask('ja', 'el.ja')}${serviceTask('nej', 'el.nej')}<bpmn:endEvent id="end" />`
    + `${flow('f0', 'start', 'gw')}${flow('f_ja', 'gw', 'ja', '=beslut = "ja"')}${flow('f_nej', 'gw', 'nej')}${flow('f1', 'ja', 'end')}${flow('f2', 'nej', 'end')}`,
    '', 'el-gateway');
  const multi = processXml(around(serviceTask('t', 'el.mi', executionListeners(['start', 'el.mi.start']))
    .replace('</bpmn:serviceTask>', '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1, 2]" inputElement="nr" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>')), '', 'el-multi');
  const computed = processXml(around(serviceTask('t', 'el.c', executionListeners(['start', 'el.first'], ['start', '="el." + art']))), '', 'el-computed');
  await t.client.createDeployment({
    resources: [bpmnFile('el-task', task), bpmnFile('el-process', proc), bpmnFile('el-gateway', gateway), bpmnFile('el-multi', multi), bpmnFile('el-computed', computed)],
  });
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

const one = (type: string, pi: string) => activateOne(t.client, type, pi);

test('start and end listeners run one after the other around a service task, with their variables where Zeebe puts them', async () => {
  const pi = (await start(t.client, 'el-task', { belopp: 21 })).processInstanceKey;
  const before = await one('el.before', pi);
  expect(before).toEqual(expect.objectContaining({ kind: 'EXECUTION_LISTENER', listenerEventType: 'START', elementId: 't', retries: 3, customHeaders: {} }));
  // The start listener sees the input mapping; the task's job does not exist yet.
  expect(before.variables).toEqual(expect.objectContaining({ belopp: 21, dubbelt: 42 }));
  expect(await activateNow(t.client, 'el.task')).toEqual([]);
  await t.client.completeJob({ jobKey: before.jobKey, variables: { lokal: 'från lyssnaren' } });

  const task = await one('el.task', pi);
  expect(task).toEqual(expect.objectContaining({ kind: 'BPMN_ELEMENT', listenerEventType: 'UNSPECIFIED' }));
  expect(task.variables).toEqual(expect.objectContaining({ lokal: 'från lyssnaren', dubbelt: 42 }));
  // A start listener's variables are local to the element.
  expect(await variablesOf(t.client, pi)).not.toHaveProperty('lokal');
  expect(await variablesOf(t.client, pi, task.elementInstanceKey)).toEqual(expect.objectContaining({ lokal: 'från lyssnaren' }));
  await t.client.completeJob({ jobKey: task.jobKey, variables: { resultat: 'klart' } });

  const after = await one('el.after', pi);
  expect(after).toEqual(expect.objectContaining({ kind: 'EXECUTION_LISTENER', listenerEventType: 'END' }));
  expect(after.variables).toEqual(expect.objectContaining({ utfall: 'klart' }));
  expect(await activateNow(t.client, 'el.after2')).toEqual([]);
  await t.client.completeJob({ jobKey: after.jobKey, variables: { loggat: true } });
  const after2 = await one('el.after2', pi);
  expect(after2.retries).toBe(1);
  expect(after2.variables).toEqual(expect.objectContaining({ loggat: true }));
  expect((await t.client.searchElementInstances({ filter: { processInstanceKey: pi, elementId: 't' } as never }, NOW)).items?.[0]?.state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: after2.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  // End listener variables are propagated like output mappings.
  expect(await variablesOf(t.client, pi)).toEqual(expect.objectContaining({ utfall: 'klart', loggat: true }));

  const { items } = await t.client.searchJobs({ filter: { processInstanceKey: pi, kind: 'EXECUTION_LISTENER' } as never }, NOW);
  expect((items ?? []).map((j) => [j.type, j.listenerEventType, j.state])).toEqual([
    ['el.before', 'START', 'COMPLETED'], ['el.after', 'END', 'COMPLETED'], ['el.after2', 'END', 'COMPLETED'],
  ]);
});

test('process listeners run before the start event and after the last element', async () => {
  const pi = (await start(t.client, 'el-process')).processInstanceKey;
  const startJob = await one('el.p.start', pi);
  expect(startJob.elementId).toBe('el-process');
  expect(startJob.listenerEventType).toBe('START');
  expect(await t.client.searchElementInstances({ filter: { processInstanceKey: pi, elementId: 'start' } as never }, NOW)).toEqual(expect.objectContaining({ items: [] }));
  await t.client.completeJob({ jobKey: startJob.jobKey, variables: { fran: 'start' } });
  const endJob = await one('el.p.end', pi);
  expect(endJob.variables).toEqual(expect.objectContaining({ fran: 'start' }));
  await waitForElement(t.client, pi, 'end');
  expect((await t.client.getProcessInstance({ processInstanceKey: pi }, NOW)).state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: endJob.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('a gateway start listener sets the variable its conditions decide on', async () => {
  const pi = (await start(t.client, 'el-gateway')).processInstanceKey;
  const listener = await one('el.gw', pi);
  await t.client.completeJob({ jobKey: listener.jobKey, variables: { beslut: 'ja' } });
  await one('el.ja', pi);
  expect(await activateNow(t.client, 'el.nej')).toEqual([]);
});

test('a listener out of retries raises EXECUTION_LISTENER_NO_RETRIES; resolved, only that listener runs again', async () => {
  const pi = (await start(t.client, 'el-task', { belopp: 1 })).processInstanceKey;
  await t.client.completeJob({ jobKey: (await one('el.before', pi)).jobKey });
  await t.client.completeJob({ jobKey: (await one('el.task', pi)).jobKey, variables: { resultat: 1 } });
  await t.client.completeJob({ jobKey: (await one('el.after', pi)).jobKey });
  const failing = await one('el.after2', pi);
  await t.client.failJob({ jobKey: failing.jobKey, retries: 0, errorMessage: 'loggtjänsten svarar inte' });
  const items = await waitForIncidents(t.client, pi);
  const incident = items[0]!;
  expect(incident).toEqual(expect.objectContaining({ errorType: 'EXECUTION_LISTENER_NO_RETRIES', errorMessage: 'loggtjänsten svarar inte', elementId: 't' }));
  expect(await activateNow(t.client, 'el.after2')).toEqual([]);
  await t.client.updateJob({ jobKey: failing.jobKey, changeset: { retries: 1 } });
  await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
  const again = await one('el.after2', pi);
  expect(again.jobKey).toBe(failing.jobKey);
  expect(await activateNow(t.client, 'el.after')).toEqual([]);
  await t.client.completeJob({ jobKey: again.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('a listener job cannot throw a BPMN error (409), and canceling the instance cancels the listener job', async () => {
  const pi = (await start(t.client, 'el-task', { belopp: 1 })).processInstanceKey;
  const listener = await one('el.before', pi);
  const error = await expectHttpError(t.client.throwJobError({ jobKey: listener.jobKey, errorCode: 'E1' }), 409);
  expect(error.detail).toBe(`Cannot throw BPMN error from EXECUTION_LISTENER job with key '${listener.jobKey}', type 'el.before' and processInstanceKey '${pi}'`);
  await t.client.cancelProcessInstance({ processInstanceKey: pi });
  await waitForInstanceState(t.client, pi, 'TERMINATED');
  const { items } = await t.client.searchJobs({ filter: { jobKey: listener.jobKey } as never }, NOW);
  expect(items[0]!.state).toBe('CANCELED');
  await expectHttpError(t.client.completeJob({ jobKey: listener.jobKey }), 404);
});

test('on a multi-instance activity the listeners run around each inner instance', async () => {
  const pi = (await start(t.client, 'el-multi')).processInstanceKey;
  const listeners = (await activateJobs(t.client, 'el.mi.start', 2)).filter((j) => j.processInstanceKey === pi);
  expect(listeners.map((j) => j.variables.nr).sort()).toEqual([1, 2]);
  const inner = await t.client.searchElementInstances({ filter: { processInstanceKey: pi, elementId: 't', type: 'SERVICE_TASK' } as never }, NOW);
  expect(listeners.map((j) => j.elementInstanceKey).sort()).toEqual((inner.items ?? []).map((e) => e.elementInstanceKey).sort());
});

test('a listener type that fails to evaluate raises an incident; resolved, all start listeners run again', async () => {
  const pi = (await start(t.client, 'el-computed')).processInstanceKey;
  const first = await one('el.first', pi);
  await t.client.completeJob({ jobKey: first.jobKey });
  const items = await waitForIncidents(t.client, pi);
  const incident = items[0]!;
  expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
  await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { art: 'andra' } });
  await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
  const again = await one('el.first', pi);
  expect(again.jobKey).not.toBe(first.jobKey);
  await t.client.completeJob({ jobKey: again.jobKey });
  await t.client.completeJob({ jobKey: (await one('el.andra', pi)).jobKey });
  await one('el.c', pi);
});
