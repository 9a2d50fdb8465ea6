/**
 * vk-flytt-ekeliden-novus and vk-infor-hemflytt on the embedded engine: the handover meeting deadline (14 days
 * before the move, earlier without contact during the stay) with reminder and breach escalation, no place,
 * avslag; hemflytt with the SIP call (deadline utflytt − 14 days passed to SIP) and Novus' exit criterion loop.
 */
import { DAY, HOUR, NOW, activateJobs, cancelActiveInstances, elementsOf, pinClock, useEngine, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeJob, completeTask, deployAll, noJobs, startProcess, userTask } from './helpers';

const t = useEngine();
const T0 = Date.parse('2026-11-02T08:00:00+01:00');
let n = 0;
const ref = () => `VK-2026-3${String(++n).padStart(5, '0')}`;

beforeAll(async () => {
  await pinClock(t.client, T0);
  await deployAll(t.client);
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
  await pinClock(t.client, T0);
});

describe('vk-flytt-ekeliden-novus', () => {
  async function start(vars: Record<string, unknown> = {}) {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-flytt-ekeliden-novus', { caseRef, kommun: 'vaxjo', fromHome: 'ekeliden', moveDate: '2026-12-14', contactDuringStay: true, barn: 'ja', ...vars });
    return { caseRef, key: pi.processInstanceKey as string };
  }
  const checklist = {
    overlamningsmoteDatum: '2026-11-25', flyttTid: '2026-12-14T10:00:00+01:00', transportAnsvarig: 'avlamnande', tillhorigheter: 'foljer-med', uppfoljningBehovPlanerad: true,
    anhorigaBeaktade: 'ja', barnBeaktade: 'ja', uppdragsblankettUppdaterad: true, genomforandeplanUppdaterad: true, samtyckeOverforing: 'ja', studiebesokFore: 'redan',
  };

  test('contact during the stay: meeting due 14 days before the move; decision; move confirmed by the new home', async () => {
    const { key } = await start();
    const { deadline } = await completeDeadline(t.client, { rule: 'flytt-overlamningsmote', resultVariable: 'overlamningDeadline', offset: '-P14D' });
    expect(deadline.slice(0, 10)).toBe('2026-11-30');
    expect((await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-14' })).candidateGroups).toEqual(['remissgruppen']);
    await completeJob(t.client, 'vk.consent.check', { consentId: 'c-1' }, (job) => expect((job.variables as { toParty: string }).toParty).toBe('novus'));
    const meeting = await userTask(t.client, key, 'Overlamningsmote');
    expect(meeting.candidateGroups).toEqual(['kontaktperson-ekeliden']);
    expect(Date.parse(meeting.dueDate!)).toBe(Date.parse(deadline));
    await completeTask(t.client, key, 'Overlamningsmote', checklist);
    await completeTask(t.client, key, 'Beslut', { beslut: 'bifall', decisionDate: '2026-12-01' });
    const done = await completeTask(t.client, key, 'Genomford', { flyttadDatum: '2026-12-14' });
    expect(done.candidateGroups).toEqual(['kontaktperson-novus']);
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('no contact during the stay: the meeting is due earlier (configurable, default 21 days)', async () => {
    await start({ contactDuringStay: false });
    const { deadline } = await completeDeadline(t.client, { offset: '-P21D' });
    expect(deadline.slice(0, 10)).toBe('2026-11-23');
    await start({ contactDuringStay: false, flyttMoteForskottUtanKontakt: '-P28D' });
    await completeDeadline(t.client, { offset: '-P28D' });
  });

  test('meeting not held in time → reminder, then daily breach escalation to remissgruppen until held', async () => {
    const { key } = await start({ fromHome: 'novus' });
    const { deadline } = await completeDeadline(t.client);
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja' });
    await completeJob(t.client, 'vk.consent.check', { consentId: 'c-1' }, (job) => expect((job.variables as { toParty: string }).toParty).toBe('ekeliden'));
    expect((await userTask(t.client, key, 'Overlamningsmote')).candidateGroups).toEqual(['kontaktperson-novus']);
    expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
    await pinClock(t.client, Date.parse(deadline) - 2 * DAY + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'flytt-overlamningsmote' }));
    await pinClock(t.client, Date.parse(deadline) + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'breach', escalateTo: 'remissgruppen' }));
    await pinClock(t.client, Date.parse(deadline) + DAY + HOUR);
    await completeJob(t.client, 'vk.escalate');
    await completeTask(t.client, key, 'Overlamningsmote', checklist);
    await pinClock(t.client, Date.parse(deadline) + 3 * DAY + HOUR);
    expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
    await userTask(t.client, key, 'Beslut');
  });

  test('no place at the other home → the move is postponed', async () => {
    const { key } = await start();
    await completeDeadline(t.client);
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndUppskjuten')).length).toBe(1);
  });

  test('consent to transfer missing (CONSENT_MISSING) → socialsekreteraren asks for consent, the meeting still takes place', async () => {
    const { key } = await start();
    await completeDeadline(t.client);
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja' });
    const [job] = await activateJobs(t.client, 'vk.consent.check');
    await t.client.throwJobError({ jobKey: job.jobKey, errorCode: 'CONSENT_MISSING', errorMessage: 'inget samtycke' });
    const ask = await completeTask(t.client, key, 'InhamtaSamtycke', { samtyckeAtgard: 'nekat' });
    expect(ask.candidateGroups).toEqual(['socialsekreterare-vaxjo']);
    await completeTask(t.client, key, 'Overlamningsmote', { ...checklist, samtyckeOverforing: 'nej' });
    await userTask(t.client, key, 'Beslut');
  });

  test('avslag on the next home → the move does not happen', async () => {
    const { key } = await start();
    await completeDeadline(t.client);
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja' });
    await completeJob(t.client, 'vk.consent.check');
    await completeTask(t.client, key, 'Overlamningsmote', checklist);
    await completeTask(t.client, key, 'Beslut', { beslut: 'avslag', decisionDate: '2026-12-01' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndAvslag')).length).toBe(1);
  });
});

describe('vk-infor-hemflytt', () => {
  async function start(home: string) {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-infor-hemflytt', { caseRef, kommun: 'tingsryd', home, utflyttDate: '2027-01-29', barn: 'nej' });
    const { deadline } = await completeDeadline(t.client, { rule: 'hemflytt-sip-mote', resultVariable: 'sipMoteDeadline', offset: '-P14D' });
    const key = pi.processInstanceKey as string;
    await completeTask(t.client, key, 'Planera', { behovForeFlytt: ['boende'], behovEfterFlytt: ['sysselsattning'], utsluss: 'nej', anhorigaBarnBeaktade: 'ja' });
    return { caseRef, key, deadline };
  }

  test('Novus: SIP meeting due utflytt − 14 days inside vk-sip; exit criterion not met → arrange → met → utflytt', async () => {
    const { key, deadline } = await start('novus');
    expect(deadline.slice(0, 10)).toBe('2027-01-15');
    // SIP called with the hemflytt deadline: no own deadline calculation in the SIP
    const consent = await userTask(t.client, undefined, 'Samtycke');
    expect(consent.processDefinitionId).toBe('vk-sip');
    expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
    await completeTask(t.client, key, 'Kriterium', { sysselsattningFortsatter: 'nej', boendeFortsatter: 'ja' });
    await completeTask(t.client, key, 'Ordna', { atgarderPlanerade: true });
    const again = await completeTask(t.client, key, 'Kriterium', { sysselsattningFortsatter: 'ja', boendeFortsatter: 'ja' });
    expect(again.candidateGroups).toEqual(['kontaktperson-novus']);
    await completeTask(t.client, key, 'Utflytt', { utflyttadDatum: '2027-01-29' });
    await t.client.completeUserTask({ userTaskKey: consent.userTaskKey, variables: { samtycke: 'ja', consentForm: 'skriftligt', consentDate: '2026-11-02', consentParties: ['kommun'], consentInformation: ['sip-plan'] } });
    await completeJob(t.client, 'vk.consent.record', { consentId: 'c-1', consentValidUntil: '2027-11-02T00:00:00+01:00' });
    for (let i = 0; i < 2; i++) await completeTask(t.client, undefined, 'Forbered', { kostnadsforslag: 'overenskommelse', forberedelseKlar: true }); // kommun and region
    await completeTask(t.client, undefined, 'Kalla', { sipMoteTid: '2027-01-10T10:00:00+01:00', sipDeltagare: ['kommun'], kallelseSkickad: true });
    const mote = await userTask(t.client, undefined, 'Mote');
    expect(Date.parse(mote.dueDate!)).toBe(Date.parse(deadline));
    expect((await elementsOf(t.client, key, 'EndUtflyttad')).length).toBe(1);
    expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE'); // SIP continues after the move
  });

  test('Ekeliden: no Novus criterion, straight to utflytt', async () => {
    const { key } = await start('ekeliden');
    const utflytt = await completeTask(t.client, key, 'Utflytt', { utflyttadDatum: '2027-01-29' });
    expect(utflytt.candidateGroups).toEqual(['kontaktperson-ekeliden']);
    expect((await elementsOf(t.client, key, 'Kriterium')).length).toBe(0);
    const [job] = await activateJobs(t.client, 'vk.deadline.calculate', 1, { timeoutMs: 300 }).catch(() => [undefined]);
    expect(job).toBeUndefined();
  });
});

describe('started with only caseRef and kommun (the web app\'s start button)', () => {
  test('vk-flytt-ekeliden-novus asks socialsekreteraren for the move details first', async () => {
    const pi = await startProcess(t.client, 'vk-flytt-ekeliden-novus', { caseRef: ref(), kommun: 'almhult' });
    const key = pi.processInstanceKey as string;
    expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
    const ask = await completeTask(t.client, key, 'AngeUppgifter', { fromHome: 'novus', moveDate: '2027-02-15', contactDuringStay: false, barn: 'nej' });
    expect(ask.candidateGroups).toEqual(['socialsekreterare-almhult']);
    await completeDeadline(t.client, { rule: 'flytt-overlamningsmote', offset: '-P21D' });
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja' });
    await completeJob(t.client, 'vk.consent.check', {}, (job) => expect((job.variables as { toParty: string }).toParty).toBe('ekeliden'));
    expect((await userTask(t.client, key, 'Overlamningsmote')).candidateGroups).toEqual(['kontaktperson-novus']);
  });

  test('vk-infor-hemflytt asks for home and utflytt date first', async () => {
    const pi = await startProcess(t.client, 'vk-infor-hemflytt', { caseRef: ref(), kommun: 'almhult' });
    const key = pi.processInstanceKey as string;
    await completeTask(t.client, key, 'AngeUppgifter', { home: 'ekeliden', utflyttDate: '2027-02-26', barn: 'ja' });
    const { deadline } = await completeDeadline(t.client, { rule: 'hemflytt-sip-mote' });
    expect(deadline.slice(0, 10)).toBe('2027-02-12');
  });
});
