/**
 * vk-placeringsforfragan on the embedded engine through the official client: happy path (intresserad →
 * uppdragsblankett → remissgruppen → studiebesök → beslut → plats ledig → inskrivning), the unhappy paths (not
 * interested, no match, declines after studiebesök, avslag, no place → queue → plats-ledig / återkallad, ej
 * verkställt escalation), the configurable decision-before-remissgruppen order, the matching deadline escalation and
 * a non-interrupting orosanmälan.
 */
import { DAY, HOUR, elementsOf, pinClock, variablesOf, waitForElement, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeJob, completeStart, completeTask, noJobs, publish, startProcess, userTask, useDeployedEngine } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '1');

async function start(vars: Record<string, unknown> = {}) {
  const caseRef = ref();
  const pi = await startProcess(t.client, 'vk-placeringsforfragan', { caseRef, kommun: 'vaxjo', ...vars });
  return { caseRef, key: pi.processInstanceKey as string };
}

/** Runs to the remissgruppen task; returns the matching deadline. */
async function toMatchning(key: string, utredning: Record<string, unknown> = {}) {
  const task = await completeTask(t.client, key, 'Utredning', { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'lvm-utredning-frivillig', ...utredning });
  expect(task.candidateGroups).toEqual(['socialsekreterare-vaxjo']);
  expect(task.formKey).toBeDefined();
  await completeTask(t.client, key, 'Uppdragsblankett', { behovsomraden: ['boende', 'beroende'], foreslagenNiva: 'ekeliden', samtyckeRemissgrupp: true });
  const { deadline } = await completeDeadline(t.client, { rule: 'remissgrupp-matchning', resultVariable: 'matchningDeadline', offset: 'P7D' });
  return deadline;
}

async function toBeslut(key: string) {
  await toMatchning(key);
  const m = await completeTask(t.client, key, 'Matchning', { home: 'ekeliden', remissmoteDatum: '2026-11-05' });
  expect(m.candidateGroups).toEqual(['remissgruppen']);
  const s = await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  expect(s.candidateGroups).toEqual(['socialsekreterare-vaxjo', 'kontaktperson-ekeliden']);
  await completeTask(t.client, key, 'Beslut', { beslut: 'bifall', decisionDate: '2026-11-12' });
  await completeDeadline(t.client, { rule: 'ej-verkstallt', resultVariable: 'ejVerkstalltDeadline' });
}

test('happy path: interested → remissgruppen → studiebesök → bifall → place available → inskriven', async () => {
  const { key, caseRef } = await start();
  const deadline = await toMatchning(key);
  const matchning = await userTask(t.client, key, 'Matchning');
  expect(Date.parse(matchning.dueDate!)).toBe(Date.parse(deadline));
  await completeTask(t.client, key, 'Matchning', { home: 'ekeliden', remissmoteDatum: '2026-11-05' });
  await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await completeTask(t.client, key, 'Beslut', { beslut: 'bifall', decisionDate: '2026-11-12', akutPlacering: true });
  await completeDeadline(t.client, { rule: 'ej-verkstallt' });
  await completeJob(t.client, 'vk.queue.enqueue', { queuePosition: 1, placeAvailable: true }, (job) => {
    // The decision table vk-prioritet ranks the form answers (LVM-utredning with voluntary treatment and children): a before b.
    expect(job.variables).toEqual(expect.objectContaining({ queuePriority: 'a', home: 'ekeliden', decisionDate: '2026-11-12' }));
  });
  await completeJob(t.client, 'vk.queue.admit', { admittedAt: '2026-11-13T10:00:00+01:00' });
  const ins = await completeTask(t.client, key, 'Inskrivning', { admissionDate: '2026-11-13' });
  expect(ins.candidateGroups).toEqual(['kontaktperson-ekeliden']);
  const started = await completeStart(t.client, 'vk-under-placering');
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndPlacerad')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'BeslutTidigt')).length).toBe(0);
  // Under placering starts by itself, with the same caseRef and what is already known: nothing is asked again
  const plan = await userTask(t.client, undefined, 'PlaneraSamverkan');
  expect(plan.processDefinitionId).toBe('vk-under-placering');
  expect(String(plan.processInstanceKey)).toBe(started.processInstanceKey);
  expect(plan.candidateGroups).toEqual(['kontaktperson-ekeliden', 'socialsekreterare-vaxjo']);
  const up = await variablesOf(t.client, plan.processInstanceKey!);
  expect(up).toEqual(expect.objectContaining({ caseRef, kommun: 'vaxjo', home: 'ekeliden', admissionDate: '2026-11-13', barn: 'ja', lvmStatus: 'lvm-utredning-frivillig', decisionDate: '2026-11-12', queuePriority: 'a', akutPlacering: true }));
  expect((await elementsOf(t.client, plan.processInstanceKey!, 'AngeUppgifter')).length).toBe(0);
});

test('client not interested → ends without a request to remissgruppen', async () => {
  const { key } = await start();
  await completeTask(t.client, key, 'Utredning', { klientIntresserad: 'nej' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndEjIntresserad')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'Uppdragsblankett')).length).toBe(0);
});

test('remissgruppen finds no home that meets the needs → ends', async () => {
  const { key } = await start();
  await toMatchning(key);
  await completeTask(t.client, key, 'Matchning', { home: 'ingen', remissmoteDatum: '2026-11-05' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndEjMatchat')).length).toBe(1);
});

test.each([
  ['declines', { behovKanMotas: 'ja', klientPositiv: 'nej' }],
  ['needs cannot be met', { behovKanMotas: 'nej', klientPositiv: 'ja' }],
])('after studiebesök: %s → ends without a decision', async (_label, answers) => {
  const { key } = await start();
  await toMatchning(key);
  await completeTask(t.client, key, 'Matchning', { home: 'novus', remissmoteDatum: '2026-11-05' });
  const s = await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', ...answers });
  expect(s.candidateGroups).toEqual(['socialsekreterare-vaxjo', 'kontaktperson-novus']);
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndAvbojer')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'Beslut')).length).toBe(0);
});

test('avslag → ends without queueing', async () => {
  const { key } = await start();
  await toMatchning(key);
  await completeTask(t.client, key, 'Matchning', { home: 'ekeliden', remissmoteDatum: '2026-11-05' });
  await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await completeTask(t.client, key, 'Beslut', { beslut: 'avslag', decisionDate: '2026-11-12' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndAvslag')).length).toBe(1);
  expect(await noJobs(t.client, 'vk.queue.enqueue')).toBe(true);
});

test('no place → waits in the queue until plats-ledig, then admits', async () => {
  const { key, caseRef } = await start();
  await toBeslut(key);
  await completeJob(t.client, 'vk.queue.enqueue', { queuePosition: 3, placeAvailable: false });
  await waitForElement(t.client, key, 'VantaPlats', 'ACTIVE');
  expect(await noJobs(t.client, 'vk.queue.admit')).toBe(true);
  await publish(t.client, 'plats-ledig', caseRef);
  await completeJob(t.client, 'vk.queue.admit', { admittedAt: '2026-12-01T10:00:00+01:00' });
  await completeTask(t.client, key, 'Inskrivning', { admissionDate: '2026-12-01' });
  await completeStart(t.client, 'vk-under-placering');
  await waitForInstanceState(t.client, key, 'COMPLETED');
});

test('in the queue: decision not executed within the deadline → reminder, then daily escalation; placering-aterkallad removes from queue', async () => {
  const { key, caseRef } = await start();
  await toMatchning(key);
  await completeTask(t.client, key, 'Matchning', { home: 'ekeliden', remissmoteDatum: '2026-11-05' });
  await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await completeTask(t.client, key, 'Beslut', { beslut: 'bifall', decisionDate: '2026-11-12' });
  const { deadline } = await completeDeadline(t.client, { rule: 'ej-verkstallt', offset: undefined });
  await completeJob(t.client, 'vk.queue.enqueue', { queuePosition: 2, placeAvailable: false });
  await waitForElement(t.client, key, 'VantaPlats', 'ACTIVE');
  expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  // A reminder to remissgruppen before the decision becomes an ej verkställt beslut, like every other deadline.
  await pinClock(t.client, Date.parse(deadline) - 2 * DAY + HOUR);
  const reminder = await completeJob(t.client, 'vk.escalate');
  expect(reminder.customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'ej-verkstallt', dueDateVariable: 'ejVerkstalltDeadline', group: 'remissgruppen' }));
  expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  await pinClock(t.client, Date.parse(deadline) + HOUR);
  const esc = await completeJob(t.client, 'vk.escalate');
  expect(esc.customHeaders).toEqual(expect.objectContaining({ level: 'breach', deadline: 'ej-verkstallt', dueDateVariable: 'ejVerkstalltDeadline' }));
  await pinClock(t.client, Date.parse(deadline) + DAY + HOUR);
  await completeJob(t.client, 'vk.escalate');
  await publish(t.client, 'placering-aterkallad', caseRef);
  await completeJob(t.client, 'vk.queue.remove');
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndAterkallad')).length).toBe(1);
});

test('remissgruppen misses its deadline → reminder before, breach escalation after, stops when done', async () => {
  const { key } = await start();
  const deadline = await toMatchning(key);
  expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  await pinClock(t.client, Date.parse(deadline) - 2 * DAY + HOUR);
  const reminder = await completeJob(t.client, 'vk.escalate');
  expect(reminder.customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'remissgrupp-matchning', group: 'remissgruppen' }));
  await pinClock(t.client, Date.parse(deadline) + HOUR);
  const breach = await completeJob(t.client, 'vk.escalate');
  expect(breach.customHeaders).toEqual(expect.objectContaining({ level: 'breach', escalateTo: 'chef-region' }));
  await completeTask(t.client, key, 'Matchning', { home: 'ingen', remissmoteDatum: '2026-11-12' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  await pinClock(t.client, Date.parse(deadline) + 3 * DAY);
  expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
});

test('beslutForeRemissgrupp = true: decision before remissgruppen, no second decision after studiebesök', async () => {
  const { key } = await start({ beslutForeRemissgrupp: true, remissgruppSvarstid: 'P3D' });
  await completeTask(t.client, key, 'Utredning', { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'lvm27' });
  await completeTask(t.client, key, 'Uppdragsblankett', { behovsomraden: ['boende'], foreslagenNiva: 'novus', samtyckeRemissgrupp: true });
  await completeDeadline(t.client, { rule: 'remissgrupp-matchning', offset: 'P3D' });
  await completeTask(t.client, key, 'BeslutTidigt', { beslut: 'bifall', decisionDate: '2026-11-03' });
  await completeTask(t.client, key, 'Matchning', { home: 'novus', remissmoteDatum: '2026-11-05' });
  await completeTask(t.client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await completeDeadline(t.client, { rule: 'ej-verkstallt' });
  await completeJob(t.client, 'vk.queue.enqueue', { queuePosition: 1, placeAvailable: true }, (job) => {
    expect(job.variables).toEqual(expect.objectContaining({ queuePriority: 'c' }));
  });
  await completeJob(t.client, 'vk.queue.admit');
  await completeTask(t.client, key, 'Inskrivning', { admissionDate: '2026-11-20' });
  await completeStart(t.client, 'vk-under-placering');
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'Beslut')).length).toBe(0);
});

test('beslutForeRemissgrupp = true and avslag → ends before remissgruppen', async () => {
  const { key } = await start({ beslutForeRemissgrupp: true });
  await completeTask(t.client, key, 'Utredning', { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' });
  await completeTask(t.client, key, 'Uppdragsblankett', { behovsomraden: ['boende'], foreslagenNiva: 'novus', samtyckeRemissgrupp: true });
  await completeDeadline(t.client);
  await completeTask(t.client, key, 'BeslutTidigt', { beslut: 'avslag', decisionDate: '2026-11-03' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndAvslagTidigt')).length).toBe(1);
});

test('orosanmälan at any step opens a task for socialsekreteraren without interrupting', async () => {
  const { key, caseRef } = await start();
  await userTask(t.client, key, 'Utredning');
  await publish(t.client, 'orosanmalan', caseRef);
  const task = await userTask(t.client, key, 'Orosanmalan_hantera');
  expect(task.candidateGroups).toEqual(['socialsekreterare-vaxjo']);
  expect(Date.parse(task.dueDate!)).toBe(T0 + 24 * HOUR);
  await completeTask(t.client, key, 'Orosanmalan_hantera', { skyddsbedomningDatum: '2026-11-02', omedelbartSkydd: 'nej', orosanmalanAtgard: 'inled-utredning' });
  await waitForElement(t.client, key, 'Orosanmalan_klar');
  expect((await userTask(t.client, key, 'Utredning')).state).toBe('CREATED');
  expect((await variablesOf(t.client, key)).caseRef).toBe(caseRef);
});
