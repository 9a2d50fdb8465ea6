/**
 * vk-placeringsfrister on the embedded engine (pinned clock): the placement deadlines no diagram scheduled before —
 * omprövning of SoL/LVU placements every 6 months (repeating), LVM at most 6 months, akutplacering 2 weeks with a
 * decision and a 1–2 week extension, cost split for acute placements within 2 months — each a task with its due
 * date, a reminder and a daily breach escalation to chef-<kommun>, computed by vk.deadline.calculate rules.
 */
import { DAY, HOUR, NOW, activateJobs, elementsOf, pinClock, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeDeadlines, completeJob, completeTask, noJobs, startProcess, useDeployedEngine, userTask } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '8');

async function start(vars: Record<string, unknown>) {
  const pi = await startProcess(t.client, 'vk-placeringsfrister', { caseRef: ref(), kommun: 'ljungby', placeringStart: '2026-11-02', ...vars });
  return pi.processInstanceKey as string;
}

/** Reminder, then breach, escalate to chef-<kommun> for `deadline`; both stop when the task is done. */
async function expectEscalation(due: string, name: string) {
  await pinClock(t.client, Date.parse(due) - 2 * DAY + HOUR);
  expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: name, group: 'socialsekreterare-{kommun}' }));
  await pinClock(t.client, Date.parse(due) + HOUR);
  expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'breach', deadline: name, escalateTo: 'chef-{kommun}' }));
}

test('SoL placement: omprövning every 6 months, repeated while the placement continues, with reminder and escalation', async () => {
  const key = await start({ placeringsgrund: 'sol' });
  const first = await completeDeadline(t.client, { rule: 'omprovning', resultVariable: 'omprovningDeadline', offset: 'P6M' });
  expect(first.deadline.slice(0, 10)).toBe('2027-05-02');
  const task = await userTask(t.client, key, 'Omprovning');
  expect(task.candidateGroups).toEqual(['socialsekreterare-ljungby']);
  expect(Date.parse(task.dueDate!)).toBe(Date.parse(first.deadline));
  await expectEscalation(first.deadline, 'omprovning');
  await completeTask(t.client, key, 'Omprovning', { omprovningDatum: '2027-05-03', placeringFortsatter: 'ja' });
  // The next omprövning counts from the one just held.
  const second = await completeDeadline(t.client, { rule: 'omprovning', offset: 'P6M' });
  expect(second.job.variables).toEqual(expect.objectContaining({ omprovningBas: '2027-05-03' }));
  expect(second.deadline.slice(0, 10)).toBe('2027-11-03');
  await completeTask(t.client, key, 'Omprovning', { omprovningDatum: '2027-10-20', placeringFortsatter: 'nej' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'LvmSlut')).length).toBe(0);
});

test('LVM: care ends at most 6 months after the start — no omprövning loop, escalation before and after', async () => {
  const key = await start({ placeringsgrund: 'lvm' });
  const { deadline } = await completeDeadline(t.client, { rule: 'lvm-max', resultVariable: 'lvmDeadline', offset: 'P6M' });
  const task = await userTask(t.client, key, 'LvmSlut');
  expect(Date.parse(task.dueDate!)).toBe(Date.parse(deadline));
  await expectEscalation(deadline, 'lvm-max');
  await completeTask(t.client, key, 'LvmSlut', { lvmFortsattVard: 'frivillig-vard', lvmPlanerad: true });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'Omprovning')).length).toBe(0);
});

test('acute placement: 2 weeks, decision to extend by 1–2 weeks, the extension has its own deadline; cost split within 2 months', async () => {
  const key = await start({ placeringsgrund: 'sol', akutPlacering: true });
  const jobs = Object.fromEntries(Object.entries(await completeDeadlines(t.client, 3)).map(([rule, r]) => [rule, r.deadline]));
  expect(Object.keys(jobs).sort()).toEqual(['akut-placering', 'kostnadsfordelning-akut', 'omprovning']);
  expect(jobs['akut-placering'].slice(0, 10)).toBe('2026-11-16');
  expect(jobs['kostnadsfordelning-akut'].slice(0, 10)).toBe('2027-01-02');
  const beslut = await userTask(t.client, key, 'AkutBeslut');
  expect(Date.parse(beslut.dueDate!)).toBe(Date.parse(jobs['akut-placering']));
  await pinClock(t.client, Date.parse(jobs['akut-placering']) + HOUR);
  const esc = await activateJobs(t.client, 'vk.escalate', 2);
  expect(esc.map((j) => `${(j.customHeaders as { level: string }).level}:${(j.customHeaders as { deadline: string }).deadline}`).sort()).toEqual(['breach:akut-placering', 'reminder:akut-placering']);
  for (const j of esc) await t.client.completeJob({ jobKey: j.jobKey });
  await completeTask(t.client, key, 'AkutBeslut', { akutBeslut: 'forlang', akutForlangning: 'P14D' });
  const ext = await completeDeadline(t.client, { rule: 'akut-placering', resultVariable: 'akutForlangdDeadline', offset: 'P14D' });
  expect(ext.deadline.slice(0, 10)).toBe('2026-11-30');
  expect(Date.parse((await userTask(t.client, key, 'AkutForlangd')).dueDate!)).toBe(Date.parse(ext.deadline));
  await completeTask(t.client, key, 'AkutForlangd', { akutUtfall: 'nytt-beslut' });
  const kostnad = await userTask(t.client, key, 'KostnadAkut');
  expect(Date.parse(kostnad.dueDate!)).toBe(Date.parse(jobs['kostnadsfordelning-akut']));
  await completeTask(t.client, key, 'KostnadAkut', { kostnadsfordelningAkut: 'halften', kostnadOverenskommenDatum: '2026-12-01' });
  expect((await elementsOf(t.client, key, 'EndAkut')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'EndKostnad')).length).toBe(1);
  expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE'); // omprövning goes on
});

test('acute placement ended at the decision: no extension deadline', async () => {
  const key = await start({ placeringsgrund: 'lvu', akutPlacering: true });
  await completeDeadlines(t.client, 3);
  await completeTask(t.client, key, 'AkutBeslut', { akutBeslut: 'avsluta' });
  expect((await elementsOf(t.client, key, 'EndAkut')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'AkutForlangd')).length).toBe(0);
  expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
});

test('cost split for an acute placement not agreed in time → reminder and breach escalation', async () => {
  const key = await start({ placeringsgrund: 'lvm', akutPlacering: true });
  const due = Object.fromEntries(Object.entries(await completeDeadlines(t.client, 3)).map(([rule, r]) => [rule, r.deadline]));
  await completeTask(t.client, key, 'AkutBeslut', { akutBeslut: 'avsluta' });
  await expectEscalation(due['kostnadsfordelning-akut'], 'kostnadsfordelning-akut');
  await completeTask(t.client, key, 'KostnadAkut', { kostnadsfordelningAkut: 'overenskommelse', kostnadOverenskommenDatum: '2027-01-05' });
  await pinClock(t.client, Date.parse(due['kostnadsfordelning-akut']) + 2 * DAY);
  const open = (await t.client.searchUserTasks({ filter: { processInstanceKey: key, state: 'CREATED' } as never }, NOW)).items.map((i) => i.elementId);
  expect(open).toEqual(['LvmSlut']);
});
