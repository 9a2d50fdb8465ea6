/**
 * vk-sip on the embedded engine: consent → preparation (cost split without the individual) → kallelse → meeting
 * and plan → follow-ups on the configured interval → closing; consent refused (interventions continue without SIP),
 * consent withdrawn (message), consent expiry after 12 months (timer, new consent asked), meeting deadline escalation.
 */
import { DAY, HOUR, NOW, cancelActiveInstances, elementsOf, pinClock, useEngine, waitForElement, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeJob, completeTask, deployAll, noJobs, publish, startProcess, userTask } from './helpers';

const t = useEngine();
const T0 = Date.parse('2026-11-02T08:00:00+01:00');
let n = 0;
const ref = () => `VK-2026-4${String(++n).padStart(5, '0')}`;
const CONSENT = { samtycke: 'ja', consentForm: 'muntligt', consentDate: '2026-11-02', consentParties: ['kommun', 'psykiatri'], consentInformation: ['sip-plan'] };
const VALID_UNTIL = '2027-11-02T00:00:00+01:00';

beforeAll(async () => {
  await pinClock(t.client, T0);
  await deployAll(t.client);
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
  await pinClock(t.client, T0);
});

async function start(vars: Record<string, unknown> = {}) {
  const caseRef = ref();
  const pi = await startProcess(t.client, 'vk-sip', { caseRef, kommun: 'markaryd', ...vars });
  return { caseRef, key: pi.processInstanceKey as string };
}

async function toMeeting(key: string, consent: Record<string, unknown> = CONSENT) {
  const { deadline } = await completeDeadline(t.client, { rule: 'sip-start', resultVariable: 'sipMoteDeadline', offset: 'P5D' });
  const task = await completeTask(t.client, key, 'Samtycke', consent);
  expect(task.candidateGroups).toEqual(['socialsekreterare-markaryd']);
  await completeJob(t.client, 'vk.consent.record', { consentId: 'c-1', consentValidUntil: VALID_UNTIL }, (job) => {
    expect((job.variables as { consent: unknown }).consent).toEqual({ form: 'muntligt', givenAt: '2026-11-02', parties: ['kommun', 'psykiatri'], information: ['sip-plan'], guardiansConsented: null });
  });
  await completeTask(t.client, key, 'Forbered', { kostnadsfordelning: 'halften', huvudmanOverens: true });
  await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-05T10:00:00+01:00', sipDeltagare: ['kommun', 'psykiatri'], kallelseSkickad: true });
  return deadline;
}
const PLAN = { planMal: true, planInsatser: true, planAnsvar: true, planAndraInsatser: true, overgripandeAnsvar: 'kommunen' };

test('consent → plan → follow-up after the chosen interval → still needed → next follow-up → closed', async () => {
  const { key } = await start();
  const deadline = await toMeeting(key);
  const mote = await userTask(t.client, key, 'Mote');
  expect(Date.parse(mote.dueDate!)).toBe(Date.parse(deadline));
  await completeTask(t.client, key, 'Mote', { ...PLAN, sipUppfoljningIntervall: 'P1M' });
  await waitForElement(t.client, key, 'VantaUppfoljning', 'ACTIVE');
  await pinClock(t.client, T0 + 20 * DAY);
  expect((await elementsOf(t.client, key, 'Uppfoljning')).length).toBe(0);
  await pinClock(t.client, T0 + 32 * DAY);
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2026-12-04', sipFortsatt: 'ja', sipUppfoljningIntervall: 'P3M' });
  await waitForElement(t.client, key, 'VantaUppfoljning', 'ACTIVE');
  await pinClock(t.client, T0 + 32 * DAY + 93 * DAY);
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2027-03-05', sipFortsatt: 'nej' });
  await completeTask(t.client, key, 'Avsluta', { sipAvslutDatum: '2027-03-05', sipAvslutOrsak: 'mal-uppnadda' });
  await waitForInstanceState(t.client, key, 'COMPLETED');
  expect((await elementsOf(t.client, key, 'Uppfoljning')).length).toBe(2);
});

test('consent refused → interventions continue without SIP', async () => {
  const { key } = await start();
  await completeDeadline(t.client);
  await completeTask(t.client, key, 'Samtycke', { samtycke: 'nej' });
  const utan = await completeTask(t.client, key, 'UtanSip', { utanSipOrsak: 'vill-inte', insatserFortsatter: true });
  expect(utan.candidateGroups).toEqual(['socialsekreterare-markaryd']);
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
  await completeTask(t.client, key, 'Uppfoljning', { sipUppfoljningDatum: '2027-05-01', sipFortsatt: 'ja', sipUppfoljningIntervall: 'P6M' });
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
  await completeTask(t.client, key, 'Forbered', { kostnadsfordelning: 'halften', huvudmanOverens: true });
  await completeTask(t.client, key, 'Kalla', { sipMoteTid: '2026-11-19T10:00:00+01:00', sipDeltagare: ['kommun'], kallelseSkickad: true });
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
  await userTask(t.client, key, 'Forbered');
  expect((await elementsOf(t.client, key, 'SipPagar')).length).toBe(2);
});
