/**
 * Compensation through the official client: a compensation throw runs the handlers of the completed activities of
 * its scope one after another in reverse order of completion and then goes on; activityRef compensates one activity;
 * inside a subprocess only that subprocess's activities are compensated; an activity is compensated once.
 */
import { compensable, compensationThrow, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import { activateJobs, activateNow, bpmnFile, cancelActiveInstances, elementsOf, start, useEngine, waitForElement, waitForInstanceState } from '../helpers/api';

const t = useEngine();
const chain = (...ids: string[]) => ids.slice(1).map((id, i) => flow(`f_${ids[i]}_${id}`, ids[i]!, id)).join('');

beforeAll(async () => {
  const all = processXml(`<bpmn:startEvent id="start" />${compensable('boka', 'c.boka', 'avboka', 'c.avboka')}${compensable('betala', 'c.betala', 'aterbetala', 'c.aterbetala')}`
    + `${serviceTask('logga', 'c.logga')}${compensationThrow('angra', 'intermediateThrowEvent')}${compensationThrow('igen', 'intermediateThrowEvent')}${serviceTask('efter', 'c.efter')}<bpmn:endEvent id="end" />`
    + chain('start', 'boka', 'betala', 'logga', 'angra', 'igen', 'efter', 'end'), '', 'comp-all');
  const scoped = processXml(`<bpmn:startEvent id="start" />${compensable('boka', 'c.boka', 'avboka', 'c.avboka')}`
    + `<bpmn:subProcess id="sub"><bpmn:startEvent id="ss" />${compensable('betala', 'c.betala', 'aterbetala', 'c.aterbetala')}${compensable('skicka', 'c.skicka', 'aterkalla', 'c.aterkalla')}`
    + `${compensationThrow('subEnd', 'endEvent', 'skicka')}${chain('ss', 'betala', 'skicka', 'subEnd')}</bpmn:subProcess>`
    + `${serviceTask('efter', 'c.efter')}<bpmn:endEvent id="end" />${chain('start', 'boka', 'sub', 'efter', 'end')}`, '', 'comp-scoped');
  await t.client.createDeployment({ resources: [bpmnFile('comp-all', all), bpmnFile('comp-scoped', scoped)] });
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

async function complete(type: string, pi: string, variables: Record<string, unknown> = {}) {
  const jobs = (await activateJobs(t.client, type)).filter((j) => j.processInstanceKey === pi);
  expect(jobs).toHaveLength(1);
  await t.client.completeJob({ jobKey: jobs[0]!.jobKey, variables });
  return jobs[0]!;
}

test('a throw without activityRef compensates the completed activities in reverse order, each once, then goes on', async () => {
  const pi = (await start(t.client, 'comp-all', { bokning: 'B-1' })).processInstanceKey;
  await complete('c.boka', pi);
  await complete('c.betala', pi, { betalning: 'P-7' });
  await complete('c.logga', pi);
  // Reverse order: the payment first; the booking's handler only once the payment's is done.
  expect(await activateNow(t.client, 'c.avboka')).toEqual([]);
  const refund = await complete('c.aterbetala', pi);
  expect(refund.variables).toEqual(expect.objectContaining({ betalning: 'P-7', bokning: 'B-1' }));
  expect((await elementsOf(t.client, pi, 'angra'))[0]!.state).toBe('ACTIVE');
  await complete('c.avboka', pi);
  // The second throw finds everything compensated already and passes straight through.
  await complete('c.efter', pi);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'avboka')).map((e) => e.state)).toEqual(['COMPLETED']);
  expect((await elementsOf(t.client, pi, 'aterbetala')).map((e) => e.state)).toEqual(['COMPLETED']);
  expect((await elementsOf(t.client, pi, 'igen'))[0]!.state).toBe('COMPLETED');
});

test('a compensation end event with activityRef inside a subprocess compensates only that activity of its scope', async () => {
  const pi = (await start(t.client, 'comp-scoped')).processInstanceKey;
  await complete('c.boka', pi);
  await complete('c.betala', pi);
  await complete('c.skicka', pi);
  const [recall] = await activateJobs(t.client, 'c.aterkalla');
  expect(recall!.processInstanceKey).toBe(pi);
  await waitForElement(t.client, pi, 'sub', 'ACTIVE');
  expect((await elementsOf(t.client, pi, 'subEnd'))[0]!.state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: recall!.jobKey });
  await complete('c.efter', pi);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect(await elementsOf(t.client, pi, 'aterbetala')).toEqual([]);
  expect(await elementsOf(t.client, pi, 'avboka')).toEqual([]);
});
