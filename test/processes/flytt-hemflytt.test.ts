/**
 * vk-flytt-ekeliden-novus and vk-infor-hemflytt on the embedded engine: the handover meeting deadline (14 days
 * before the move, earlier without contact during the stay) with reminder and breach escalation, no place,
 * avslag; hemflytt with the SIP call (deadline utflytt − 14 days passed to SIP) and Novus' exit criterion loop.
 */
import { DAY, HOUR, NOW, activateJobs, elementsOf, eventually, pinClock, variablesOf, waitForElement, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeJob, completeNotifications, completePublish, completeTask, noJobs, publish, startProcess, userTask, useDeployedEngine } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '3');

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
  /** Remissgruppen confirms → consent checked → deadline from the confirmed date → both participants notified. */
  async function toMeeting(key: string, confirmed: string, expected: { offset?: string } = {}) {
    expect((await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: confirmed })).candidateGroups).toEqual(['remissgruppen']);
    await completeJob(t.client, 'vk.consent.check', { consentId: 'c-1' });
    const d = await completeDeadline(t.client, { rule: 'flytt-overlamningsmote', resultVariable: 'overlamningDeadline', ...expected });
    expect((d.job.variables as { moveDate: string }).moveDate).toBe(confirmed);
    const notified = await completeNotifications(t.client, 2);
    return { deadline: d.deadline, notified };
  }

  test('contact during the stay: meeting due 14 days before the move; a shared task; decision; move confirmed by the new home; place moves', async () => {
    const { key } = await start();
    const { deadline, notified } = await toMeeting(key, '2026-12-14', { offset: '-P14D' });
    expect(deadline.slice(0, 10)).toBe('2026-11-30');
    const meeting = await userTask(t.client, key, 'Overlamningsmote');
    // 000:1534-1559: the socialsekreterare's participation is fundamental; both kontaktpersoner meet the client
    expect(meeting.candidateGroups).toEqual(['kontaktperson-ekeliden', 'socialsekreterare-vaxjo', 'kontaktperson-novus']);
    expect(notified.map((n) => n.group)).toEqual(['socialsekreterare-{kommun}', 'kontaktperson-{toHome}']);
    expect(notified[1].variables.toHome).toBe('novus');
    expect(Date.parse(meeting.dueDate!)).toBe(Date.parse(deadline));
    await completeTask(t.client, key, 'Overlamningsmote', checklist);
    await completeTask(t.client, key, 'Beslut', { beslut: 'bifall', decisionDate: '2026-12-01' });
    const done = await completeTask(t.client, key, 'Genomford', { flyttadDatum: '2026-12-14' });
    expect(done.candidateGroups).toEqual(['kontaktperson-novus']);
    await completeJob(t.client, 'vk.place.move', {}, (job) => expect(job.variables).toEqual(expect.objectContaining({ fromHome: 'ekeliden', toHome: 'novus', caseRef: expect.any(String) })));
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('the deadline follows the date remissgruppen confirms, not the planned one', async () => {
    const { key } = await start({ moveDate: '2026-12-14' });
    const { deadline } = await toMeeting(key, '2027-01-11', { offset: '-P14D' });
    expect(deadline.slice(0, 10)).toBe('2026-12-28');
    expect(Date.parse((await userTask(t.client, key, 'Overlamningsmote')).dueDate!)).toBe(Date.parse(deadline));
  });

  test('move date changed while the meeting is open → deadline recomputed, reminder and escalation rescheduled', async () => {
    const { key, caseRef } = await start();
    const first = await toMeeting(key, '2026-12-14');
    const before = await userTask(t.client, key, 'Overlamningsmote');
    await t.client.publishMessage({ name: 'flyttdatum-andrat', correlationKey: caseRef, variables: { moveDate: '2027-01-18' }, timeToLive: 0 } as never);
    const again = await completeDeadline(t.client, { rule: 'flytt-overlamningsmote' });
    expect((again.job.variables as { moveDate: string }).moveDate).toBe('2027-01-18');
    await completeNotifications(t.client, 2); // the participants hear of the new date
    const after = await userTask(t.client, key, 'Overlamningsmote');
    expect(after.userTaskKey).not.toBe(before.userTaskKey);
    expect(Date.parse(after.dueDate!)).toBe(Date.parse(again.deadline));
    // the old reminder time passes without a reminder; the new one fires
    await pinClock(t.client, Date.parse(first.deadline) - 2 * DAY + HOUR);
    expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
    await pinClock(t.client, Date.parse(again.deadline) - 2 * DAY + HOUR);
    expect((await completeJob(t.client, 'vk.escalate')).customHeaders).toEqual(expect.objectContaining({ level: 'reminder' }));
  });

  test('no contact during the stay, or not known: the meeting is due earlier (configurable, default 21 days)', async () => {
    const a = await start({ contactDuringStay: false });
    const { deadline } = await toMeeting(a.key, '2026-12-14', { offset: '-P21D' });
    expect(deadline.slice(0, 10)).toBe('2026-11-23');
    const b = await start({ contactDuringStay: undefined });
    await toMeeting(b.key, '2026-12-14', { offset: '-P21D' }); // fail to the safe side
    const c = await start({ contactDuringStay: false, flyttMoteForskottUtanKontakt: '-P28D' });
    await toMeeting(c.key, '2026-12-14', { offset: '-P28D' });
  });

  test('meeting not held in time → reminder, then daily breach escalation to remissgruppen until held', async () => {
    const { key } = await start({ fromHome: 'novus' });
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-14' });
    await completeJob(t.client, 'vk.consent.check', { consentId: 'c-1' }, (job) => expect((job.variables as { toParty: string }).toParty).toBe('ekeliden'));
    const { deadline } = await completeDeadline(t.client);
    await completeNotifications(t.client, 2);
    expect((await userTask(t.client, key, 'Overlamningsmote')).candidateGroups).toEqual(['kontaktperson-novus', 'socialsekreterare-vaxjo', 'kontaktperson-ekeliden']);
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
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'nej' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndUppskjuten')).length).toBe(1);
    expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
  });

  test('consent to transfer missing (CONSENT_MISSING) → socialsekreteraren asks for consent, the meeting still takes place', async () => {
    const { key } = await start();
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-14' });
    const [job] = await activateJobs(t.client, 'vk.consent.check');
    await t.client.throwJobError({ jobKey: job.jobKey, errorCode: 'CONSENT_MISSING', errorMessage: 'inget samtycke' });
    const ask = await completeTask(t.client, key, 'InhamtaSamtycke', { samtyckeAtgard: 'nekat' });
    expect(ask.candidateGroups).toEqual(['socialsekreterare-vaxjo']);
    await completeDeadline(t.client);
    await completeNotifications(t.client, 2);
    await completeTask(t.client, key, 'Overlamningsmote', { ...checklist, samtyckeOverforing: 'nej' });
    await userTask(t.client, key, 'Beslut');
  });

  test('avslag on the next home → the move does not happen, no place moves', async () => {
    const { key } = await start();
    await toMeeting(key, '2026-12-14');
    await completeTask(t.client, key, 'Overlamningsmote', checklist);
    await completeTask(t.client, key, 'Beslut', { beslut: 'avslag', decisionDate: '2026-12-01' });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndAvslag')).length).toBe(1);
    expect(await noJobs(t.client, 'vk.place.move')).toBe(true);
  });
});

describe('vk-infor-hemflytt', () => {
  /** Up to the SIP call; `registered` is what the consent registry holds for the case (vk.consent.current's answer). */
  async function start(home: string, registered: { consentId: string | null; consentValidUntil: string | null } = { consentId: null, consentValidUntil: null }, handedIn: Record<string, unknown> = {}) {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-infor-hemflytt', { caseRef, kommun: 'tingsryd', home, utflyttDate: '2027-01-29', barn: 'nej', ...handedIn });
    const { deadline } = await completeDeadline(t.client, { rule: 'hemflytt-sip-mote', resultVariable: 'sipMoteDeadline', offset: '-P14D' });
    const key = pi.processInstanceKey as string;
    await completeTask(t.client, key, 'Planera', { behovForeFlytt: ['boende'], behovEfterFlytt: ['sysselsattning'], utsluss: 'nej', anhorigaBarnBeaktade: 'ja' });
    // Before the SIP is called, the case's consent in force is read from the registry at the process's time.
    await completeJob(t.client, 'vk.consent.current', registered, (job) => {
      expect(String(job.processInstanceKey)).toBe(key);
      expect(job.variables).toEqual(expect.objectContaining({ caseRef, consentCheckAt: expect.stringMatching(/^2026-11-02T/) }));
    });
    return { caseRef, key, deadline };
  }

  async function sipOf(key: string) {
    const sip = await eventually(
      () => t.client.searchProcessInstances({ filter: { parentProcessInstanceKey: key, processDefinitionId: 'vk-sip' } as never }, NOW),
      (r) => r.items.length === 1, { what: 'the called SIP' });
    return String(sip.items[0].processInstanceKey);
  }

  test('a consent the case holds reaches the SIP however the hemflytt was started: the SIP does not ask again', async () => {
    const { key } = await start('ekeliden', { consentId: 'SAM-registrerat', consentValidUntil: '2027-10-31T23:59:00+01:00' });
    const sipKey = await sipOf(key);
    expect(await variablesOf(t.client, sipKey)).toEqual(expect.objectContaining({ consentId: 'SAM-registrerat', consentValidUntil: '2027-10-31T23:59:00+01:00', sipAnledning: 'hemflytt' }));
    const prep = await userTask(t.client, sipKey, 'Forbered');
    expect(prep.processDefinitionId).toBe('vk-sip');
    expect((await elementsOf(t.client, sipKey, 'Samtycke')).length).toBe(0);
  });

  test('a consent handed in but withdrawn since (the registry has none in force) does not reach the SIP: it asks for consent', async () => {
    const { key } = await start('ekeliden', { consentId: null, consentValidUntil: null }, { consentId: 'SAM-aterkallat', consentValidUntil: '2027-10-31T23:59:00+01:00' });
    const sipKey = await sipOf(key);
    expect((await userTask(t.client, sipKey, 'Samtycke')).candidateGroups).toEqual(['socialsekreterare-tingsryd']);
    expect(await variablesOf(t.client, sipKey)).toEqual(expect.objectContaining({ consentId: null }));
  });

  test('Novus: exit criterion not met → arrange → met; utflytt waits for the SIP meeting; utskrivning frees the place', async () => {
    const { key, caseRef, deadline } = await start('novus');
    expect(deadline.slice(0, 10)).toBe('2027-01-15');
    // SIP called with the hemflytt deadline: no own deadline calculation in the SIP
    const consent = await userTask(t.client, undefined, 'Samtycke');
    expect(consent.processDefinitionId).toBe('vk-sip');
    expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
    await completeTask(t.client, key, 'Kriterium', { sysselsattningFortsatter: 'nej', boendeFortsatter: 'ja' });
    await completeTask(t.client, key, 'Ordna', { atgarderPlanerade: true });
    const again = await completeTask(t.client, key, 'Kriterium', { sysselsattningFortsatter: 'ja', boendeFortsatter: 'ja' });
    expect(again.candidateGroups).toEqual(['kontaktperson-novus']);
    // 000:738, 1586-1607: the SIP meeting comes at least two weeks before utflytt, so utflytt cannot be confirmed yet
    await waitForElement(t.client, key, 'VantaSipMote', 'ACTIVE');
    expect((await elementsOf(t.client, key, 'Utflytt')).length).toBe(0);
    // the SIP runs to its meeting; SIP_MOTE_HALLET from vk-sip → MeddelaSipMote publishes sip-mote-hallet
    await t.client.completeUserTask({ userTaskKey: consent.userTaskKey, variables: { samtycke: 'ja', consentForm: 'skriftligt', consentDate: '2026-11-02', consentParties: ['kommun'], consentInformation: ['sip-plan'] } });
    await completeJob(t.client, 'vk.consent.record', { consentId: 'c-1', consentValidUntil: '2027-11-02T00:00:00+01:00' });
    for (let i = 0; i < 2; i++) await completeTask(t.client, undefined, 'Forbered', { kostnadsforslag: 'overenskommelse', forberedelseKlar: true }); // kommun and region
    await completeTask(t.client, undefined, 'Kalla', { sipMoteTid: '2027-01-10T10:00:00+01:00', sipDeltagare: ['kommun'], kallelseSkickad: true });
    const mote = await userTask(t.client, undefined, 'Mote');
    expect(Date.parse(mote.dueDate!)).toBe(Date.parse(deadline));
    expect(await noJobs(t.client, 'vk.message.publish')).toBe(true);
    await t.client.completeUserTask({ userTaskKey: mote.userTaskKey, variables: { planMal: true, planInsatser: true, planAnsvar: true, planAndraInsatser: true, overgripandeAnsvar: 'kommunen', antalMal: 1, mal1Omrade: 'boende', mal1Ansvarig: 'kommunen', sipUppfoljningIntervall: 'P3M' } });
    const pub = await completePublish(t.client, 'sip-mote-hallet');
    expect(String(pub.processInstanceKey)).toBe(key);
    const utflytt = await completeTask(t.client, key, 'Utflytt', { utflyttadDatum: '2027-01-29' });
    expect(utflytt.candidateGroups).toEqual(['kontaktperson-novus']);
    await completeJob(t.client, 'vk.place.release', {}, (job) => {
      expect(job.customHeaders).toEqual(expect.objectContaining({ reason: 'utskriven' }));
      expect(job.variables).toEqual(expect.objectContaining({ caseRef, home: 'novus', kommun: 'tingsryd' }));
    });
    await waitForElement(t.client, key, 'EndUtflyttad');
    expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE'); // SIP continues after the move
  });

  test('Novus: the exit criterion fails closed — a form completed without answers is "not met"', async () => {
    const { key } = await start('novus');
    await completeTask(t.client, key, 'Kriterium', {});
    await userTask(t.client, key, 'Ordna');
    await completeTask(t.client, key, 'Ordna', { atgarderPlanerade: true });
    await completeTask(t.client, key, 'Kriterium', { sysselsattningFortsatter: 'ja' }); // one answer missing
    await userTask(t.client, key, 'Ordna');
    expect((await elementsOf(t.client, key, 'VantaSipMote')).length).toBe(0);
  });

  test('SIP meeting not held by its deadline → escalated in the SIP, and utflytt can then be confirmed', async () => {
    const { key, deadline } = await start('ekeliden');
    await waitForElement(t.client, key, 'VantaSipMote', 'ACTIVE');
    await pinClock(t.client, Date.parse(deadline) - HOUR);
    expect((await elementsOf(t.client, key, 'Utflytt')).length).toBe(0);
    await pinClock(t.client, Date.parse(deadline) + HOUR);
    const utflytt = await completeTask(t.client, key, 'Utflytt', { utflyttadDatum: '2027-01-29' });
    expect(utflytt.candidateGroups).toEqual(['kontaktperson-ekeliden']);
    expect((await elementsOf(t.client, key, 'Kriterium')).length).toBe(0);
    expect((await elementsOf(t.client, key, 'SipFristPasserad')).length).toBe(1);
  });
});

describe('started with only caseRef and kommun (the web app\'s start button)', () => {
  test('vk-flytt-ekeliden-novus asks socialsekreteraren for the move details first', async () => {
    const pi = await startProcess(t.client, 'vk-flytt-ekeliden-novus', { caseRef: ref(), kommun: 'almhult' });
    const key = pi.processInstanceKey as string;
    expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true);
    const ask = await completeTask(t.client, key, 'AngeUppgifter', { fromHome: 'novus', moveDate: '2027-02-15', contactDuringStay: false, barn: 'nej' });
    expect(ask.candidateGroups).toEqual(['socialsekreterare-almhult']);
    await completeTask(t.client, key, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2027-02-15' });
    await completeJob(t.client, 'vk.consent.check', {}, (job) => expect((job.variables as { toParty: string }).toParty).toBe('ekeliden'));
    await completeDeadline(t.client, { rule: 'flytt-overlamningsmote', offset: '-P21D' });
    await completeNotifications(t.client, 2);
    expect((await userTask(t.client, key, 'Overlamningsmote')).candidateGroups).toEqual(['kontaktperson-novus', 'socialsekreterare-almhult', 'kontaktperson-ekeliden']);
  });

  test('vk-infor-hemflytt asks for home and utflytt date first', async () => {
    const pi = await startProcess(t.client, 'vk-infor-hemflytt', { caseRef: ref(), kommun: 'almhult' });
    const key = pi.processInstanceKey as string;
    await completeTask(t.client, key, 'AngeUppgifter', { home: 'ekeliden', utflyttDate: '2027-02-26', barn: 'ja' });
    const { deadline } = await completeDeadline(t.client, { rule: 'hemflytt-sip-mote' });
    expect(deadline.slice(0, 10)).toBe('2027-02-12');
  });
});
