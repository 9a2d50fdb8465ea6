/**
 * vk-vardkedjeremiss and vk-kontaktbegaran on the embedded engine: every path, the configurable remissmöte SLA
 * with escalation, the multi-instance start per unit, the kontaktbegäran deadline, a later withdrawal, and the call
 * into vk-placeringsforfragan.
 */
import { DAY, HOUR, NOW, activateJobs, cancelActiveInstances, elementsOf, pinClock, useEngine, waitForElement, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeJob, completeTask, deployAll, noJobs, publish, startProcess, userTask } from './helpers';

const t = useEngine();
const T0 = Date.parse('2026-11-02T08:00:00+01:00');
let n = 0;
const ref = () => `VK-2026-2${String(++n).padStart(5, '0')}`;

beforeAll(async () => {
  await pinClock(t.client, T0);
  await deployAll(t.client);
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
  await pinClock(t.client, T0);
});

describe('vk-vardkedjeremiss', () => {
  async function start(vars: Record<string, unknown> = {}) {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-vardkedjeremiss', { caseRef, kommun: 'alvesta', referralDate: '2026-11-02', ...vars });
    return { caseRef, key: pi.processInstanceKey as string };
  }

  test('joint remissmöte, then one parallel start task per unit incl. the drug-freedom unit', async () => {
    const { key } = await start();
    const { deadline } = await completeDeadline(t.client, { rule: 'remissmote', resultVariable: 'remissmoteDeadline', offset: 'P14D' });
    const b = await completeTask(t.client, key, 'BedomRemiss', { arVardkedjeremiss: 'ja', enheter: ['beroende', 'psykos'], drogfrihetKravs: 'ja' });
    expect(b.candidateGroups).toEqual(['psykiatri-remissport']);
    const mote = await userTask(t.client, key, 'RemissMote');
    expect(Date.parse(mote.dueDate!)).toBe(Date.parse(deadline));
    await completeTask(t.client, key, 'RemissMote', { remissmoteDatum: '2026-11-10', insatsordning: 'drogfrihet-forst', allaEnheterDeltog: true });
    const tasks = await waitForElement(t.client, key, 'StartaInsats', 'ACTIVE');
    expect(tasks.length).toBeGreaterThanOrEqual(1);
    const { items } = await t.client.searchUserTasks({ filter: { processInstanceKey: key, elementId: 'StartaInsats', state: 'CREATED' } as never }, NOW);
    expect(items.length).toBe(3);
    for (const task of items) {
      expect(task.candidateGroups).toEqual(['psykiatri']);
      await t.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { insatsStartdatum: '2026-11-12', kraverDrogfrihet: 'nej' } });
    }
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('not a vårdkedjeremiss → handled as an ordinary referral', async () => {
    const { key } = await start();
    await completeDeadline(t.client);
    await completeTask(t.client, key, 'BedomRemiss', { arVardkedjeremiss: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndVanligRemiss')).length).toBe(1);
  });

  test('configurable SLA; remissmöte missed → reminder then daily breach escalation to chef-region', async () => {
    const { key } = await start({ remissmoteSlaDagar: 'P10D' });
    const { deadline } = await completeDeadline(t.client, { offset: 'P10D' });
    await completeTask(t.client, key, 'BedomRemiss', { arVardkedjeremiss: 'ja', enheter: ['allmanpsykiatri'], drogfrihetKravs: 'nej' });
    await userTask(t.client, key, 'RemissMote');
    await pinClock(t.client, Date.parse(deadline) - 2 * DAY + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'remissmote' }));
    await pinClock(t.client, Date.parse(deadline) + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'breach', escalateTo: 'chef-region' }));
    await pinClock(t.client, Date.parse(deadline) + DAY + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'breach' }));
    await completeTask(t.client, key, 'RemissMote', { remissmoteDatum: '2026-11-14', insatsordning: 'parallellt', allaEnheterDeltog: true });
    await pinClock(t.client, Date.parse(deadline) + 3 * DAY);
    expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  });
});

describe('vk-kontaktbegaran', () => {
  async function start() {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-kontaktbegaran', { caseRef, kommun: 'ljungby', requestDate: '2026-11-02' });
    await completeDeadline(t.client, { rule: 'kontaktbegaran-kontakt', offset: 'P7D' });
    return { caseRef, key: pi.processInstanceKey as string };
  }

  test('treated as an application; no need of heldygnsvård → insatser på hemmaplan', async () => {
    const { key } = await start();
    const task = await completeTask(t.client, key, 'TaKontakt', { kontaktDatum: '2026-11-03', villHaKontakt: 'ja' });
    expect(task.candidateGroups).toEqual(['socialsekreterare-ljungby']);
    await completeTask(t.client, key, 'Utred', { behovsomraden: ['boende'], behovHeldygnsvard: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndHemmaplan')).length).toBe(1);
  });

  test('person declines at first contact', async () => {
    const { key } = await start();
    await completeTask(t.client, key, 'TaKontakt', { kontaktDatum: '2026-11-03', villHaKontakt: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndAvbojer')).length).toBe(1);
  });

  test('person declines later (kontaktbegaran-aterkallad) → investigation interrupted', async () => {
    const { key, caseRef } = await start();
    await completeTask(t.client, key, 'TaKontakt', { kontaktDatum: '2026-11-03', villHaKontakt: 'ja' });
    await userTask(t.client, key, 'Utred');
    await publish(t.client, 'kontaktbegaran-aterkallad', caseRef);
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndAterkallad')).length).toBe(1);
  });

  test('need of heldygnsvård → calls vk-placeringsforfragan with caseRef and kommun', async () => {
    const { key, caseRef } = await start();
    await completeTask(t.client, key, 'TaKontakt', { kontaktDatum: '2026-11-03', villHaKontakt: 'ja' });
    await completeTask(t.client, key, 'Utred', { behovsomraden: ['beroende'], behovHeldygnsvard: 'ja' });
    const child = await userTask(t.client, undefined, 'Utredning');
    expect(child.processDefinitionId).toBe('vk-placeringsforfragan');
    expect(child.candidateGroups).toEqual(['socialsekreterare-ljungby']);
    await t.client.completeUserTask({ userTaskKey: child.userTaskKey, variables: { klientIntresserad: 'nej' } });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndPlacering')).length).toBe(1);
    expect(caseRef).toMatch(/^VK-/);
  });

  test('no contact within the deadline → escalation to chef-<kommun>', async () => {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-kontaktbegaran', { caseRef, kommun: 'ljungby', requestDate: '2026-11-02' });
    const { deadline } = await completeDeadline(t.client);
    await userTask(t.client, pi.processInstanceKey, 'TaKontakt');
    await pinClock(t.client, Date.parse(deadline) + HOUR);
    const jobs = await activateJobs(t.client, 'vk.escalate', 2);
    for (const j of jobs) await t.client.completeJob({ jobKey: j.jobKey });
    expect(jobs.map((j) => (j.customHeaders as Record<string, string>).level).sort()).toEqual(['breach', 'reminder']);
    expect(jobs[0].customHeaders).toEqual(expect.objectContaining({ escalateTo: 'chef-{kommun}', group: 'socialsekreterare-{kommun}' }));
  });
});

test('without referralDate / requestDate the deadlines count from today (engine clock)', async () => {
  await startProcess(t.client, 'vk-vardkedjeremiss', { caseRef: ref(), kommun: 'vaxjo' });
  const [a] = await activateJobs(t.client, 'vk.deadline.calculate');
  expect((a.variables as { referralDate: string }).referralDate).toBe('2026-11-02');
  await t.client.completeJob({ jobKey: a.jobKey, variables: { remissmoteDeadline: '2026-11-16T16:00:00+01:00', remissmoteDeadlineReminder: '2026-11-14T16:00:00+01:00' } });
  await startProcess(t.client, 'vk-kontaktbegaran', { caseRef: ref(), kommun: 'vaxjo' });
  const [b] = await activateJobs(t.client, 'vk.deadline.calculate');
  expect((b.variables as { requestDate: string }).requestDate).toBe('2026-11-02');
  await t.client.completeJob({ jobKey: b.jobKey, variables: { kontaktDeadline: '2026-11-09T16:00:00+01:00', kontaktDeadlineReminder: '2026-11-07T16:00:00+01:00' } });
});
