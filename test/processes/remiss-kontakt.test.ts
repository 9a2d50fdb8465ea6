/**
 * vk-vardkedjeremiss and vk-kontaktbegaran on the embedded engine: every path, the configurable remissmöte SLA
 * with escalation, the multi-instance start per unit, the kontaktbegäran deadline, a later withdrawal, and the call
 * into vk-placeringsforfragan.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DAY, HOUR, NOW, activateJobs, cancelActiveInstances, elementsOf, eventually, pinClock, variablesOf, waitForInstanceState } from '../helpers/api';
import { ROOT, completeDeadline, completeJob, completeTask, noJobs, publish, startProcess, userTask, useDeployedEngine } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '2');

describe('vk-vardkedjeremiss', () => {
  // The configured units, as the worker hands them to the process (vk.psykiatri.enheter).
  const UNITS = JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'psykiatri-enheter.json'), 'utf8')) as { drogfrihetsenhet: string; enheter: Array<{ id: string; namn: string }> };
  const unitsJob = {
    psykiatriEnheter: UNITS.enheter.filter((e) => e.id !== UNITS.drogfrihetsenhet).map((e) => ({ label: e.namn, value: e.id })),
    psykiatriEnhetNamn: Object.fromEntries(UNITS.enheter.map((e) => [e.id, e.namn])),
    drogfrihetsenhet: UNITS.drogfrihetsenhet,
  };
  const name = (id: string) => UNITS.enheter.find((e) => e.id === id)!.namn;

  async function start(vars: Record<string, unknown> = {}) {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-vardkedjeremiss', { caseRef, kommun: 'alvesta', referralDate: '2026-11-02', ...vars });
    await completeJob(t.client, 'vk.psykiatri.enheter', unitsJob);
    return { caseRef, key: pi.processInstanceKey as string };
  }

  /** Assessment → kallelse → one notification per summoned unit; returns the notified groups. */
  async function summon(key: string, assessment: Record<string, unknown>) {
    const b = await completeTask(t.client, key, 'BedomRemiss', { arVardkedjeremiss: 'ja', ...assessment });
    expect(b.candidateGroups).toEqual(['psykiatri-remissport']);
    await completeTask(t.client, key, 'KallaRemissmote', { remissmoteTid: '2026-11-10T13:00:00+01:00' });
    const expected = (await variablesOf(t.client, key)).kalladeEnheter as string[];
    const jobs = expected.length ? await activateJobs(t.client, 'vk.notify.task', expected.length) : [];
    // The meeting task does not exist before every unit has been told of it.
    expect((await elementsOf(t.client, key, 'RemissMote')).length).toBe(0);
    for (const j of jobs) {
      expect(j.customHeaders).toEqual(expect.objectContaining({ template: 'kallelse-mote', meetingTimeVariable: 'remissmoteTid' }));
      await t.client.completeJob({ jobKey: j.jobKey });
    }
    return jobs.map((j) => (j.variables as { notifyGroup: string }).notifyGroup).sort();
  }

  async function startTasks(key: string, elementId: string, count: number) {
    await eventually(() => t.client.searchUserTasks({ filter: { processInstanceKey: key, elementId, state: 'CREATED' } as never }, NOW), (r) => r.items.length === count, { what: `${count} × ${elementId}` });
    const { items } = await t.client.searchUserTasks({ filter: { processInstanceKey: key, elementId, state: 'CREATED' } as never }, NOW);
    const out: Array<{ group: string; enhetNamn: string; userTaskKey: string }> = [];
    for (const task of items) {
      const local = (await t.client.searchUserTaskVariables({ userTaskKey: task.userTaskKey } as never, NOW as never)) as { items: Array<{ name: string; value: string }> };
      const enhetNamn = JSON.parse(local.items.find((v) => v.name === 'enhetNamn')!.value) as string;
      out.push({ group: task.candidateGroups![0], enhetNamn, userTaskKey: task.userTaskKey });
    }
    return out.sort((x, y) => x.group.localeCompare(y.group));
  }

  /** Summons the units and holds the meeting with its decision on the order. */
  async function decide(key: string, enheter: string[], decision: Record<string, unknown>) {
    await completeDeadline(t.client);
    await summon(key, { enheter, drogfri: 'nej', behandlingKraverDrogfrihet: 'ja' });
    await completeTask(t.client, key, 'RemissMote', { remissmoteDatum: '2026-11-10', allaEnheterDeltog: true, ...decision });
  }

  test('every summoned unit, the drug-freedom unit included, is notified before the joint remissmöte', async () => {
    const { key } = await start();
    await completeDeadline(t.client, { rule: 'remissmote', resultVariable: 'remissmoteDeadline', offset: 'P14D' });
    const groups = await summon(key, { enheter: ['beroende', 'psykos'], drogfri: 'nej', behandlingKraverDrogfrihet: 'ja' });
    expect(groups).toEqual(['psykiatri-beroende', 'psykiatri-drogfrihet', 'psykiatri-psykos']);
    const mote = await userTask(t.client, key, 'RemissMote');
    expect(mote.candidateGroups).toEqual(['psykiatri-remissport']);
    expect((await variablesOf(t.client, key)).kalladeEnhetNamn).toBe(`${name('beroende')}, ${name('psykos')}, ${name('drogfrihet')}`);
  });

  test('the two questions are separate: the drug-freedom unit is summoned only when not drug-free AND the treatment requires it', async () => {
    for (const [drogfri, kraver, summoned] of [['nej', 'ja', true], ['ja', 'ja', false], ['nej', 'nej', false]] as const) {
      const { key } = await start();
      await completeDeadline(t.client);
      const groups = await summon(key, { enheter: ['allmanpsykiatri'], drogfri, behandlingKraverDrogfrihet: kraver });
      expect(groups.includes('psykiatri-drogfrihet')).toBe(summoned);
      await cancelActiveInstances(t.client);
    }
  });

  test('drug-freedom first: interventions that need it wait; the others start in parallel, each in its own unit, named for it', async () => {
    const { key } = await start();
    await decide(key, ['beroende', 'psykos', 'neuropsykiatri'], { insatsordning: 'drogfrihet-forst', enheterKraverDrogfrihet: ['psykos'] });
    const direct = await startTasks(key, 'StartaInsats', 2);
    expect(direct.map((d) => [d.group, d.enhetNamn])).toEqual([['psykiatri-beroende', name('beroende')], ['psykiatri-neuropsykiatri', name('neuropsykiatri')]]);
    const drug = await userTask(t.client, key, 'Drogfrihetsinsats');
    expect(drug.candidateGroups).toEqual(['psykiatri-drogfrihet']);
    expect((await elementsOf(t.client, key, 'StartaInsatsEfterDrogfrihet')).length).toBe(0); // psykos waits
    for (const d of direct) await t.client.completeUserTask({ userTaskKey: d.userTaskKey as never, variables: { insatsStartdatum: '2026-11-12' } });
    await completeTask(t.client, key, 'Drogfrihetsinsats', { drogfrihetUppnadd: 'ja', drogfrihetDatum: '2026-12-20' });
    const held = await startTasks(key, 'StartaInsatsEfterDrogfrihet', 1);
    expect(held.map((d) => [d.group, d.enhetNamn])).toEqual([['psykiatri-psykos', name('psykos')]]);
    await t.client.completeUserTask({ userTaskKey: held[0].userTaskKey as never, variables: { insatsStartdatum: '2027-01-07' } });
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('drug-freedom not reached: the interventions that need it are not started; the others ran', async () => {
    const { key } = await start();
    await decide(key, ['beroende', 'psykos'], { insatsordning: 'drogfrihet-forst', enheterKraverDrogfrihet: ['psykos'] });
    for (const d of await startTasks(key, 'StartaInsats', 1)) await t.client.completeUserTask({ userTaskKey: d.userTaskKey as never, variables: { insatsStartdatum: '2026-11-12' } });
    await completeTask(t.client, key, 'Drogfrihetsinsats', { drogfrihetUppnadd: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'StartaInsatsEfterDrogfrihet')).length).toBe(0);
  });

  test('parallel: every summoned unit, the drug-freedom unit too, starts at once in its own group', async () => {
    const { key } = await start();
    await decide(key, ['beroende', 'psykos'], { insatsordning: 'parallellt' });
    const tasks = await startTasks(key, 'StartaInsats', 3);
    expect(tasks.map((d) => d.group)).toEqual(['psykiatri-beroende', 'psykiatri-drogfrihet', 'psykiatri-psykos']);
    for (const d of tasks) await t.client.completeUserTask({ userTaskKey: d.userTaskKey as never, variables: { insatsStartdatum: '2026-11-12' } });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'Drogfrihetsinsats')).length).toBe(0);
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
    await summon(key, { enheter: ['allmanpsykiatri'], drogfri: 'ja', behandlingKraverDrogfrihet: 'nej' });
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
  await completeJob(t.client, 'vk.psykiatri.enheter', { psykiatriEnheter: [], psykiatriEnhetNamn: {}, drogfrihetsenhet: 'drogfrihet' });
  const [a] = await activateJobs(t.client, 'vk.deadline.calculate');
  expect((a.variables as { referralDate: string }).referralDate).toBe('2026-11-02');
  await t.client.completeJob({ jobKey: a.jobKey, variables: { remissmoteDeadline: '2026-11-16T16:00:00+01:00', remissmoteDeadlineReminder: '2026-11-14T16:00:00+01:00' } });
  await startProcess(t.client, 'vk-kontaktbegaran', { caseRef: ref(), kommun: 'vaxjo' });
  const [b] = await activateJobs(t.client, 'vk.deadline.calculate');
  expect((b.variables as { requestDate: string }).requestDate).toBe('2026-11-02');
  await t.client.completeJob({ jobKey: b.jobKey, variables: { kontaktDeadline: '2026-11-09T16:00:00+01:00', kontaktDeadlineReminder: '2026-11-07T16:00:00+01:00' } });
});
