/**
 * vk-sip on the embedded engine: consent → both principals prepare (cost split without the individual) →
 * kallelse with a consent check per invited party (at the process's time) and each party's answer → meeting and
 * plan with a responsible per goal → follow-ups that evaluate every goal → closing; consent refused (interventions
 * continue without SIP), consent withdrawn (message), consent expiry after 12 months (timer, new consent asked),
 * a consent already registered in the case, a blocked sharing step with its reason, meeting deadline escalation.
 */
import { DAY, HOUR, NOW, activateJobs, elementsOf, pinClock, variablesOf, waitForElement, waitForInstanceState } from '../helpers/api';
import { flow, processXml } from '../helpers/bpmn-xml';
import { useDeployedEngine, completeDeadline, completeJob, completeTask, noJobs, publish, startProcess, userTask } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '4');
const CONSENT = { samtycke: 'ja', consentForm: 'muntligt', consentDate: '2026-11-02', consentParties: ['kommun', 'psykiatri'], consentInformation: ['sip-plan'] };
const VALID_UNTIL = '2027-11-02T00:00:00+01:00';
const KOMMUN = ['socialsekreterare-markaryd'];
const BOTH = ['socialsekreterare-markaryd', 'psykiatri'];

async function start(vars: Record<string, unknown> = {}) {
  const caseRef = ref();
  const pi = await startProcess(t.client, 'vk-sip', { caseRef, kommun: 'markaryd', ...vars });
  return { caseRef, key: pi.processInstanceKey as string };
}

/** Deadline computed, consent given and recorded: the SIP has started. */
async function consentGiven(key: string, consent: Record<string, unknown> = CONSENT) {
  await completeDeadline(t.client);
  await completeTask(t.client, key, 'Samtycke', consent);
  await completeJob(t.client, 'vk.consent.record', { consentId: 'c-1', consentValidUntil: VALID_UNTIL });
}

/** Both principals' preparation tasks, each completed with its own cost proposal. */
async function prepare(key: string, kommun = 'halften', region = 'halften') {
  const { items } = await waitForTasks(key, 'Forbered', 2);
  const groups = items.map((i) => i.candidateGroups![0]).sort();
  expect(groups).toEqual(BOTH.slice().sort());
  for (const task of items) {
    await t.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { kostnadsforslag: task.candidateGroups![0] === 'psykiatri' ? region : kommun, forberedelseKlar: true } });
  }
}

async function waitForTasks(key: string, elementId: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const r = await t.client.searchUserTasks({ filter: { processInstanceKey: key, elementId, state: 'CREATED' } as never }, NOW);
    if (r.items.length >= count) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`expected ${count} open ${elementId} tasks`);
}

/** Completes the consent check of each invited party like the worker would; returns the jobs. */
async function checkConsent(parties: string[], outcome: (party: string) => 'ok' | string = () => 'ok') {
  const jobs = await activateJobs(t.client, 'vk.consent.check', parties.length);
  for (const job of jobs) {
    const v = job.variables as { toParty: string; consentCheckAt: string };
    if (outcome(v.toParty) === 'ok') await t.client.completeJob({ jobKey: job.jobKey, variables: { consentId: 'c-1' } });
    else await t.client.throwJobError({ jobKey: job.jobKey, errorCode: 'CONSENT_MISSING', errorMessage: 'Samtycket omfattar inte parten.', variables: { consentMissingReason: outcome(v.toParty) } } as never);
  }
  return jobs;
}

async function toMeeting(key: string, consent: Record<string, unknown> = CONSENT, deadlineDone = false) {
  const deadline = deadlineDone ? String((await variablesOf(t.client, key)).sipMoteDeadline) : (await completeDeadline(t.client, { rule: 'sip-start', resultVariable: 'sipMoteDeadline', offset: 'P5D' })).deadline;
  const task = await completeTask(t.client, key, 'Samtycke', consent);
  expect(task.candidateGroups).toEqual(KOMMUN);
  await completeJob(t.client, 'vk.consent.record', { consentId: 'c-1', consentValidUntil: VALID_UNTIL }, (job) => {
    expect((job.variables as { consent: unknown }).consent).toEqual({ form: 'muntligt', givenAt: '2026-11-02', parties: ['kommun', 'psykiatri'], information: ['sip-plan'], guardiansConsented: null });
  });
  await prepare(key);
  const kalla = await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-05T10:00:00+01:00', sipDeltagare: ['kommun', 'psykiatri'] });
  expect(kalla.candidateGroups).toEqual(BOTH);
  await checkConsent(['kommun', 'psykiatri']);
  await answerAll(key, 2);
  return deadline;
}

async function answerAll(key: string, count: number) {
  const { items } = await waitForTasks(key, 'KallelseSvar', count);
  for (const task of items) await t.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { kallelseSkickad: true, kallelseSvar: 'kommer' } });
}

const PLAN = { planMal: true, planInsatser: true, planAnsvar: true, planAndraInsatser: true, overgripandeAnsvar: 'kommunen', antalMal: 2, mal1Omrade: 'boende', mal1Ansvarig: 'kommunen', mal2Omrade: 'psykisk-halsa', mal2Ansvarig: 'regionen' };

test('both principals take part: preparation per principal, same proposal is the cost split, joint kallelse, plan and follow-up', async () => {
  const { key } = await start();
  await consentGiven(key);
  await prepare(key, 'overenskommelse', 'overenskommelse');
  const kalla = await userTask(t.client, key, 'Kalla');
  expect(kalla.candidateGroups).toEqual(BOTH);
  expect(await variablesOf(t.client, key)).toMatchObject({
    kostnadsfordelning: 'overenskommelse',
    sipForberedelser: [{ huvudman: 'kommun', kostnadsforslag: 'overenskommelse' }, { huvudman: 'region', kostnadsforslag: 'overenskommelse' }],
  });
  expect((await elementsOf(t.client, key, 'EnasKostnad')).length).toBe(0);
});

test('different cost proposals → the principals agree in a joint task, without the individual', async () => {
  const { key } = await start();
  await consentGiven(key);
  await prepare(key, 'kommunen', 'halften');
  const enas = await completeTask(t.client, key, 'EnasKostnad', { kostnadsfordelning: 'annan', huvudmanOverens: true });
  expect(enas.candidateGroups).toEqual(BOTH);
  await userTask(t.client, key, 'Kalla');
  expect((await variablesOf(t.client, key)).kostnadsfordelning).toBe('annan');
});

test('kallelse: consent checked per invited party at the engine time; each answer recorded by the party\'s principal', async () => {
  const { key } = await start();
  await consentGiven(key, { ...CONSENT, consentParties: ['kommun', 'psykiatri', 'arbetsformedlingen'] });
  await prepare(key);
  await pinClock(t.client, T0 + 2 * HOUR);
  await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-05T10:00:00+01:00', sipDeltagare: ['kommun', 'psykiatri', 'arbetsformedlingen'] });
  const jobs = await checkConsent(['kommun', 'psykiatri', 'arbetsformedlingen']);
  expect(jobs.map((j) => (j.variables as { toParty: string }).toParty).sort()).toEqual(['arbetsformedlingen', 'kommun', 'psykiatri']);
  for (const j of jobs) {
    expect(Date.parse((j.variables as { consentCheckAt: string }).consentCheckAt)).toBe(T0 + 2 * HOUR); // the engine's now(), pinned
    expect(j.customHeaders).toEqual(expect.objectContaining({ information: 'sip-plan' }));
  }
  const { items } = await waitForTasks(key, 'KallelseSvar', 3);
  // The region's parties answer through the region's group, the others through the kommun.
  expect(items.map((i) => i.candidateGroups).sort()).toEqual([['psykiatri'], KOMMUN, KOMMUN]);
  for (const task of items) {
    await t.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { kallelseSkickad: true, kallelseSvar: task.candidateGroups![0] === 'psykiatri' ? 'annan-tid' : 'kommer' } });
  }
  await userTask(t.client, key, 'Mote');
  await waitForElement(t.client, key, 'Kallelse', 'COMPLETED');
  const svar = (await variablesOf(t.client, key)).sipKallelsesvar as Array<{ part: string; svar: string }>;
  expect(Object.fromEntries(svar.map((s) => [s.part, s.svar]))).toEqual({ kommun: 'kommer', psykiatri: 'annan-tid', arbetsformedlingen: 'kommer' });
});

test('blocked sharing step: the reason reaches the staff task; consent obtained → checked again; refused → party not invited', async () => {
  const { key } = await start();
  await consentGiven(key);
  await prepare(key);
  await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-05T10:00:00+01:00', sipDeltagare: ['kommun', 'novus', 'anhorig'] });
  await checkConsent(['kommun', 'novus', 'anhorig'], (p) => (p === 'novus' ? 'party' : p === 'anhorig' ? 'expired' : 'ok'));
  const { items } = await waitForTasks(key, 'SamtyckeHinder', 2);
  const reasons: string[] = [];
  for (const task of items) {
    expect(task.candidateGroups).toEqual(KOMMUN);
    const scope = (await t.client.searchVariables({ filter: { processInstanceKey: key, name: 'consentMissingReason' } as never, page: { limit: 20 } } as never, NOW)).items;
    expect(scope.length).toBeGreaterThanOrEqual(2);
    reasons.push(...scope.map((v: { value: string }) => JSON.parse(v.value) as string));
    const form = await t.client.getUserTaskForm({ userTaskKey: task.userTaskKey } as never, NOW as never);
    expect(JSON.stringify(form && form.schema)).toContain('Samtycket har gått ut');
  }
  expect([...new Set(reasons.filter(Boolean))].sort()).toEqual(['expired', 'party']);
  // Staff obtain a wider consent for one party (checked again → allowed); the other party's consent is refused.
  await t.client.completeUserTask({ userTaskKey: items[0].userTaskKey, variables: { samtyckeAtgard: 'inhamtat' } });
  await t.client.completeUserTask({ userTaskKey: items[1].userTaskKey, variables: { samtyckeAtgard: 'nekat' } });
  await checkConsent(['again']);
  await answerAll(key, 2);
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P3M' });
  await waitForElement(t.client, key, 'Kallelse', 'COMPLETED');
  const svar = (await variablesOf(t.client, key)).sipKallelsesvar as Array<{ part: string; svar: string; samtyckeHinder: string | null }>;
  expect(svar.filter((s) => s.svar === 'ej-kallad')).toHaveLength(1);
  expect(svar.find((s) => s.svar === 'ej-kallad')!.samtyckeHinder).toMatch(/^(party|expired)$/);
  expect(svar.filter((s) => s.svar === 'kommer')).toHaveLength(2);
});

test('plan records a responsible per goal; every follow-up evaluates every goal (an incomplete one comes back) → closed', async () => {
  const { key } = await start();
  const deadline = await toMeeting(key);
  const mote = await userTask(t.client, key, 'Mote');
  expect(Date.parse(mote.dueDate!)).toBe(Date.parse(deadline));
  expect(mote.candidateGroups).toEqual(BOTH);
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P1M' });
  await waitForElement(t.client, key, 'VantaUppfoljning', 'ACTIVE');
  expect((await variablesOf(t.client, key)).sipMal).toEqual([{ omrade: 'boende', ansvarig: 'kommunen' }, { omrade: 'psykisk-halsa', ansvarig: 'regionen' }]);
  await pinClock(t.client, T0 + 20 * DAY);
  expect((await elementsOf(t.client, key, 'Uppfoljning')).length).toBe(0);
  await pinClock(t.client, T0 + 32 * DAY);
  // Only one goal evaluated: the follow-up is not done.
  const first = await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2026-12-04', mal1Utfall: 'delvis', sipFortsatt: 'ja', sipUppfoljningIntervall: 'P3M' });
  expect(first.candidateGroups).toEqual(BOTH);
  await waitForElement(t.client, key, 'GwUtvarderat', 'COMPLETED');
  const again = await userTask(t.client, key, 'Uppfoljning');
  expect(again.userTaskKey).not.toBe(first.userTaskKey);
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2026-12-04', mal1Utfall: 'delvis', mal2Utfall: 'uppnatt', sipFortsatt: 'ja', sipUppfoljningIntervall: 'P3M' });
  await waitForElement(t.client, key, 'VantaUppfoljning', 'ACTIVE');
  await pinClock(t.client, T0 + 32 * DAY + 93 * DAY);
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2027-03-05', mal1Utfall: 'uppnatt', mal2Utfall: 'uppnatt', sipFortsatt: 'nej' });
  const avsluta = await completeTask(t.client, key, 'Avsluta', { sipAvslutDatum: '2027-03-05', sipAvslutOrsak: 'mal-uppnadda' });
  expect(avsluta.candidateGroups).toEqual(BOTH);
  await waitForInstanceState(t.client, key, 'COMPLETED');
  const evaluations = (await variablesOf(t.client, key)).sipUtvarderingar as Array<{ datum: string; mal: Array<{ nr: number; omrade: string; ansvarig: string; utfall: string | null }> }>;
  expect(evaluations.map((e) => e.mal.map((m) => m.utfall))).toEqual([['delvis', null], ['delvis', 'uppnatt'], ['uppnatt', 'uppnatt']]);
  expect(evaluations[2].mal[1]).toEqual({ nr: 2, omrade: 'psykisk-halsa', ansvarig: 'regionen', utfall: 'uppnatt' });
});

test('a consent already registered in the case (case page) starts the SIP without asking again', async () => {
  const { key } = await start({ consentId: 'SAM-1', consentValidUntil: VALID_UNTIL, sipRegionGrupp: 'psykiatri-beroende' });
  await completeDeadline(t.client);
  const { items } = await waitForTasks(key, 'Forbered', 2);
  expect(items.map((i) => i.candidateGroups![0]).sort()).toEqual(['psykiatri-beroende', 'socialsekreterare-markaryd']);
  expect((await elementsOf(t.client, key, 'Samtycke')).length).toBe(0);
  expect(await noJobs(t.client, 'vk.consent.record')).toBe(true);
});

test('an expired consent passed at start is not used: consent is asked again', async () => {
  const { key } = await start({ consentId: 'SAM-0', consentValidUntil: '2026-10-01T23:59:00+02:00' });
  await completeDeadline(t.client);
  expect((await userTask(t.client, key, 'Samtycke')).candidateGroups).toEqual(KOMMUN);
});

test('a calling process learns that the SIP meeting was held (escalation SIP_MOTE_HALLET, non-interrupting)', async () => {
  const caller = processXml(`<bpmn:startEvent id="s" /><bpmn:callActivity id="Sip"><bpmn:extensionElements><zeebe:calledElement processId="vk-sip" propagateAllChildVariables="false" /></bpmn:extensionElements></bpmn:callActivity>
<bpmn:boundaryEvent id="MoteHallet" cancelActivity="false" attachedToRef="Sip"><bpmn:escalationEventDefinition escalationRef="esc" /></bpmn:boundaryEvent>
<bpmn:endEvent id="e" /><bpmn:endEvent id="hallet" />${flow('f1', 's', 'Sip')}${flow('f2', 'Sip', 'e')}${flow('f3', 'MoteHallet', 'hallet')}`,
  '<bpmn:escalation id="esc" escalationCode="SIP_MOTE_HALLET" />', 'test-sip-caller');
  await t.client.createDeployment({ resources: [new File([caller], 'test-sip-caller.bpmn', { type: 'application/xml' })] });
  const caseRef = ref();
  const parent = await startProcess(t.client, 'test-sip-caller', { caseRef, kommun: 'markaryd' });
  const pk = String(parent.processInstanceKey);
  const key = String((await userTaskAnywhere('Samtycke')).processInstanceKey);
  await toMeeting(key, CONSENT, true);
  expect((await elementsOf(t.client, pk, 'hallet')).length).toBe(0);
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P3M' });
  await waitForElement(t.client, pk, 'hallet', 'COMPLETED');
  expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE');
});

/** The called SIP's first task (its deadline computed first). */
async function userTaskAnywhere(elementId: string) {
  await completeDeadline(t.client);
  const task = await userTask(t.client, undefined, elementId);
  expect(task.processDefinitionId).toBe('vk-sip');
  return task;
}

test('consent refused → interventions continue without SIP', async () => {
  const { key } = await start();
  await completeDeadline(t.client);
  await completeTask(t.client, key, 'Samtycke', { samtycke: 'nej' });
  const utan = await completeTask(t.client, key, 'UtanSip', { utanSipOrsak: 'vill-inte', insatserFortsatter: true });
  expect(utan.candidateGroups).toEqual(KOMMUN);
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndUtanSip')).length).toBe(1);
  expect(await noJobs(t.client, 'vk.consent.record')).toBe(true);
});

test('consent withdrawn during the SIP → recorded, parties informed, SIP ends', async () => {
  const { key, caseRef } = await start();
  await toMeeting(key);
  await userTask(t.client, key, 'Mote');
  await publish(t.client, 'samtycke-aterkallat', caseRef);
  await completeJob(t.client, 'vk.consent.withdraw', { consentWithdrawn: true }, (job) => {
    expect(Date.parse(String((job.variables as { withdrawnAt: string }).withdrawnAt))).toBe(T0);
  });
  await completeTask(t.client, key, 'InformeraAterkallat', { parterInformerade: true });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'EndAterkallat')).length).toBe(1);
  expect((await elementsOf(t.client, key, 'Avsluta')).length).toBe(0);
});

test('consent expires after 12 months → new consent is asked; refusal ends the SIP', async () => {
  const { key } = await start();
  await toMeeting(key);
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P6M' });
  await pinClock(t.client, T0 + 190 * DAY);
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2027-05-01', mal1Utfall: 'delvis', mal2Utfall: 'delvis', sipFortsatt: 'ja', sipUppfoljningIntervall: 'P6M' });
  await pinClock(t.client, Date.parse(VALID_UNTIL) + HOUR);
  const again = await userTask(t.client, key, 'Samtycke');
  expect(again.state).toBe('CREATED');
  expect((await elementsOf(t.client, key, 'VantaUppfoljning')).some((e) => e.state === 'ACTIVE')).toBe(false);
  await completeTask(t.client, key, 'Samtycke', { samtycke: 'nej' });
  await completeTask(t.client, key, 'UtanSip', { utanSipOrsak: 'vill-inte', insatserFortsatter: true });
  await waitForInstanceState(t.client, key, 'COMPLETED');
});

test('child: both guardians\' consent is passed on; a given meeting deadline is used as is', async () => {
  const { key } = await start({ isChild: true, sipMoteDeadline: '2026-11-20T16:00:00+01:00', sipMoteDeadlineReminder: '2026-11-18T16:00:00+01:00' });
  await completeTask(t.client, key, 'Samtycke', { ...CONSENT, guardiansConsented: true });
  const job = await completeJob(t.client, 'vk.consent.record', { consentId: 'c-2', consentValidUntil: VALID_UNTIL });
  expect((job.variables as { consent: { guardiansConsented: boolean } }).consent.guardiansConsented).toBe(true);
  expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
  await prepare(key);
  await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-19T10:00:00+01:00', sipDeltagare: ['kommun'] });
  expect(Date.parse((await userTask(t.client, key, 'Mote')).dueDate!)).toBe(Date.parse('2026-11-20T16:00:00+01:00'));
});

test('SIP meeting not held in time → reminder and breach escalation to chef-<kommun>', async () => {
  const { key } = await start();
  const deadline = await toMeeting(key);
  await pinClock(t.client, Date.parse(deadline) - 2 * DAY + HOUR);
  expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'sip-mote' }));
  await pinClock(t.client, Date.parse(deadline) + HOUR);
  expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'breach', escalateTo: 'chef-{kommun}' }));
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P3M' });
  await pinClock(t.client, Date.parse(deadline) + 2 * DAY + HOUR);
  expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE');
});

test('consent expires → new consent given → recorded again and the SIP restarts with preparation', async () => {
  const { key } = await start();
  await toMeeting(key);
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P6M' });
  await pinClock(t.client, Date.parse(VALID_UNTIL) + HOUR);
  await completeTask(t.client, key, 'Samtycke', { ...CONSENT, consentDate: '2027-11-02' });
  await completeJob(t.client, 'vk.consent.record', { consentId: 'c-3', consentValidUntil: '2028-11-01T00:00:00+01:00' }, (job) => {
    expect((job.variables as { consent: { givenAt: string } }).consent.givenAt).toBe('2027-11-02');
  });
  await waitForTasks(key, 'Forbered', 2);
  expect((await elementsOf(t.client, key, 'SipPagar')).length).toBe(2);
});
