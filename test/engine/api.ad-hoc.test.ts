/**
 * Ad-hoc subprocesses through the official client, as Zeebe 8.8 runs them: activeElementsCollection on entry
 * (one AD_HOC_SUB_PROCESS_INNER_INSTANCE per activated element), inner sequence flows, completion without a
 * condition (when nothing inside is active), completionCondition with and without cancelRemainingInstances,
 * activation through POST /element-instances/ad-hoc-activities/{key}/activation (variables local to the
 * activation) and its 400/404/409 answers, incidents on a bad collection and their resolution.
 */
import { adHocSubProcess, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import {
  activateJobs, activateNow, bpmnFile, cancelActiveInstances, elementsOf, eventually, expectHttpError, start, useEngine, variablesOf,
  waitForElement, waitForInstanceState, NOW,
} from '../helpers/api';

const t = useEngine();

const INNER = `${serviceTask('a', 'ah.a')}${serviceTask('b', 'ah.b')}${flow('fb', 'b', 'b2')}${serviceTask('b2', 'ah.b2')}${serviceTask('c', 'ah.c')}`;

function adHocProcess(id: string, opts: Parameters<typeof adHocSubProcess>[2]): File {
  const body = `<bpmn:startEvent id="start" />${flow('f1', 'start', 'steg')}${adHocSubProcess('steg', INNER, opts)}${flow('f2', 'steg', 'after')}`
    + `${serviceTask('after', 'ah.after')}${flow('f3', 'after', 'end')}<bpmn:endEvent id="end" />`;
  return bpmnFile(id, processXml(body, '', id));
}

beforeAll(async () => {
  await t.client.createDeployment({
    resources: [
      adHocProcess('ah-plain', { active: '=valda' }),
      adHocProcess('ah-cancel', { active: '=valda', condition: '=klar = true' }),
      adHocProcess('ah-keep', { active: '=valda', condition: '=klar = true', attrs: 'cancelRemainingInstances="false"' }),
    ],
  });
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

async function adHocKey(pi: string): Promise<string> {
  const [adHoc] = await waitForElement(t.client, pi, 'steg', 'ACTIVE');
  expect(adHoc!.type).toBe('AD_HOC_SUB_PROCESS');
  return adHoc!.elementInstanceKey;
}

async function incidentsOf(pi: string) {
  const { items } = await eventually(() => t.client.searchIncidents({ filter: { processInstanceKey: pi } as never }, NOW), (r) => (r.items ?? []).length === 1);
  return items!;
}

async function complete(type: string, pi: string, variables: Record<string, unknown> = {}) {
  const jobs = (await activateJobs(t.client, type)).filter((j) => j.processInstanceKey === pi);
  expect(jobs).toHaveLength(1);
  await t.client.completeJob({ jobKey: jobs[0]!.jobKey, variables });
  return jobs[0]!;
}

describe('entering an ad-hoc subprocess', () => {
  test('activates the listed elements, each in its own inner instance; completes when nothing inside is active', async () => {
    const pi = (await start(t.client, 'ah-plain', { valda: ['a', 'b'] })).processInstanceKey;
    const key = await adHocKey(pi);
    const inner = await eventually(() => elementsOf(t.client, pi), (list) => list.filter((e) => e.type === 'AD_HOC_SUB_PROCESS_INNER_INSTANCE').length === 2);
    expect(inner.filter((e) => e.type === 'AD_HOC_SUB_PROCESS_INNER_INSTANCE').map((e) => e.elementId)).toEqual(['steg#innerInstance', 'steg#innerInstance']);
    expect(inner.filter((e) => e.type === 'SERVICE_TASK').map((e) => e.elementId).sort()).toEqual(['a', 'b']);

    await complete('ah.a', pi);
    await waitForElement(t.client, pi, 'a', 'COMPLETED');
    expect((await elementsOf(t.client, pi, 'steg'))[0]!.state).toBe('ACTIVE');
    await complete('ah.b', pi);
    await complete('ah.b2', pi, { resultat: 'klart' });
    const after = await complete('ah.after', pi);
    expect(after.variables.resultat).toBe('klart');
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    expect((await elementsOf(t.client, pi, 'steg'))[0]).toEqual(expect.objectContaining({ elementInstanceKey: key, state: 'COMPLETED' }));
    expect(await elementsOf(t.client, pi, 'c')).toEqual([]);
  });

  test('with an empty collection it stays active until elements are activated through the API, with local variables', async () => {
    const pi = (await start(t.client, 'ah-plain', { valda: [] })).processInstanceKey;
    const key = await adHocKey(pi);
    expect(await activateNow(t.client, 'ah.a')).toEqual([]);
    await t.client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: key as never, elements: [{ elementId: 'c' as never, variables: { uppgift: 'ring upp' } }] });
    const job = await complete('ah.c', pi, { svar: 'ja' });
    expect(job.variables).toEqual(expect.objectContaining({ uppgift: 'ring upp', valda: [] }));
    const after = await complete('ah.after', pi);
    expect(after.variables.svar).toBe('ja');
    // The activation's variables belong to its inner instance, not to the process.
    expect(await variablesOf(t.client, pi)).not.toHaveProperty('uppgift');
    await waitForInstanceState(t.client, pi, 'COMPLETED');
  });
});

describe('completion condition', () => {
  test('fulfilled with cancelRemainingInstances (default): the other inner instances are terminated', async () => {
    const pi = (await start(t.client, 'ah-cancel', { valda: ['a', 'c'], klar: false })).processInstanceKey;
    await adHocKey(pi);
    await complete('ah.a', pi, { klar: true });
    await complete('ah.after', pi);
    const [c] = await elementsOf(t.client, pi, 'c');
    expect(c!.state).toBe('TERMINATED');
    await waitForInstanceState(t.client, pi, 'COMPLETED');
  });

  test('not fulfilled: the subprocess stays active even when nothing inside is active', async () => {
    const pi = (await start(t.client, 'ah-cancel', { valda: ['a'], klar: false })).processInstanceKey;
    const key = await adHocKey(pi);
    await complete('ah.a', pi);
    await waitForElement(t.client, pi, 'a', 'COMPLETED');
    expect((await elementsOf(t.client, pi, 'steg'))[0]!.state).toBe('ACTIVE');
    await t.client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: key as never, elements: [{ elementId: 'a' as never }] });
    await complete('ah.a', pi, { klar: true });
    await complete('ah.after', pi);
    expect((await elementsOf(t.client, pi, 'a')).map((e) => e.state)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  test('fulfilled without cancelRemainingInstances: completes once the remaining inner instances are done', async () => {
    const pi = (await start(t.client, 'ah-keep', { valda: ['a', 'c'], klar: false })).processInstanceKey;
    await adHocKey(pi);
    await complete('ah.a', pi, { klar: true });
    await waitForElement(t.client, pi, 'a', 'COMPLETED');
    expect(await activateNow(t.client, 'ah.after')).toEqual([]);
    expect((await elementsOf(t.client, pi, 'c'))[0]!.state).toBe('ACTIVE');
    await complete('ah.c', pi);
    await complete('ah.after', pi);
    expect((await elementsOf(t.client, pi, 'c'))[0]!.state).toBe('COMPLETED');
  });

  test('a condition that is not a boolean raises an incident on the inner instance; resolving evaluates again', async () => {
    const pi = (await start(t.client, 'ah-cancel', { valda: ['a'], klar: 'kanske' })).processInstanceKey;
    await adHocKey(pi);
    await complete('ah.a', pi);
    const items = await incidentsOf(pi);
    expect(items[0]).toEqual(expect.objectContaining({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'steg#innerInstance' }));
    expect(items[0]!.errorMessage).toMatch(/completion condition '=klar = true' of 'steg' to be a boolean/);
    await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { klar: true } });
    await t.client.resolveIncident({ incidentKey: items[0]!.incidentKey! });
    await complete('ah.after', pi);
    await waitForInstanceState(t.client, pi, 'COMPLETED');
  });
});

describe('active elements collection incidents', () => {
  test.each([
    [{ valda: 'a' }, /to be a list of element ids \(strings\), but it was "a"/],
    [{ valda: ['a', 'b2', 'okänd'] }, /but the given elements \[b2, okänd\] do not exist/],
  ])('%j raises EXTRACT_VALUE_ERROR on the subprocess, and activation answers 409 until it is resolved', async (variables, text) => {
    const pi = (await start(t.client, 'ah-plain', variables)).processInstanceKey;
    const key = await adHocKey(pi);
    const items = await incidentsOf(pi);
    expect(items[0]).toEqual(expect.objectContaining({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'steg', elementInstanceKey: key }));
    expect(items[0]!.errorMessage).toMatch(text);
    const problem = await expectHttpError(t.client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: key as never, elements: [{ elementId: 'a' as never }] }), 409);
    expect(problem.detail).toMatch(/but it is not active/);

    await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { valda: ['c'] } });
    await t.client.resolveIncident({ incidentKey: items[0]!.incidentKey! });
    await complete('ah.c', pi);
    await complete('ah.after', pi);
    await waitForInstanceState(t.client, pi, 'COMPLETED');
  });
});

describe('POST /element-instances/ad-hoc-activities/{key}/activation rejections', () => {
  test('404 for an unknown key, a key that is not an ad-hoc subprocess, a completed one, and elements it cannot activate; 400 for duplicates', async () => {
    const pi = (await start(t.client, 'ah-plain', { valda: ['a'] })).processInstanceKey;
    const key = await adHocKey(pi);
    const activate = (adHocSubProcessInstanceKey: string, elementIds: string[]) =>
      t.client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: adHocSubProcessInstanceKey as never, elements: elementIds.map((elementId) => ({ elementId: elementId as never })) });

    expect((await expectHttpError(activate('2251799813999999', ['a']), 404)).detail).toMatch(/no ad-hoc sub-process instance found with key '2251799813999999'/);
    const [task] = await waitForElement(t.client, pi, 'a', 'ACTIVE');
    await expectHttpError(activate(task!.elementInstanceKey, ['a']), 404);
    // b2 has an incoming flow, 'after' lies outside: neither can be activated.
    expect((await expectHttpError(activate(key, ['c', 'b2', 'after']), 404)).detail).toMatch(/the given elements \[b2, after\] do not exist/);
    expect((await expectHttpError(activate(key, ['c', 'c']), 400)).detail).toMatch(/duplicate activities were given/);
    // Nothing of the refused requests was applied.
    expect((await elementsOf(t.client, pi, 'c'))).toEqual([]);

    await complete('ah.a', pi);
    await complete('ah.after', pi);
    await expectHttpError(activate(key, ['a']), 404);
  });
});

test('process instance modification refuses to place a token inside an ad-hoc subprocess (no inner instance would hold it)', async () => {
  const pi = (await start(t.client, 'ah-plain', { valda: ['a'] })).processInstanceKey;
  await adHocKey(pi);
  const problem = await expectHttpError(t.client.modifyProcessInstance({ processInstanceKey: pi, activateInstructions: [{ elementId: 'c' as never }] }), 400);
  expect(problem.detail).toMatch(/inside ad-hoc sub-process 'steg'.*ad-hoc-activities/);
  expect(await elementsOf(t.client, pi, 'c')).toEqual([]);
});
