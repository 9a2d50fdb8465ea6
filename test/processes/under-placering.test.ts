/**
 * vk-under-placering and vk-planeringsdagar on the embedded engine: admission planning with the children
 * checkpoint, flytt via call activity (home switches), hemflytt, early end, orosanmälan while a called flytt runs,
 * samverkan with consent check (CONSENT_MISSING caught); the placement deadlines (vk-placeringsfrister called from
 * admission, cancelled when the placement ends); planning days (one or two, sequential, due dates).
 */
import { DAY, HOUR, NOW, activateJobs, elementsOf, eventually, pinClock, variablesOf, waitForElement, waitForInstanceState } from '../helpers/api';
import { completeDeadline, completeDeadlines, completeJob, completeNotifications, completeTask, noJobs, publish, startProcess, userTask, useDeployedEngine } from './helpers';

const T0 = Date.parse('2026-11-02T08:00:00+01:00');
const { t, ref } = useDeployedEngine(T0, '5');

/**
 * Starts vk-under-placering and completes the first omprövning calculation of the called vk-placeringsfrister, so the
 * tests that follow a flytt or hemflytt see only their own deadline jobs. Returns the under-placering key.
 */
async function startPlacement(variables: Record<string, unknown>) {
  const pi = await startProcess(t.client, 'vk-under-placering', variables);
  await completeDeadline(t.client, { rule: 'omprovning', offset: 'P6M' });
  return pi.processInstanceKey as string;
}

/** The vk-placeringsfrister instance called by under-placering `key` (its Tidsfrister call activity). */
async function fristerOf(key: string) {
  const { items } = await eventually(
    () => t.client.searchProcessInstances({ filter: { parentProcessInstanceKey: key, processDefinitionId: 'vk-placeringsfrister' } as never }, NOW),
    (r) => r.items.length === 1,
    { what: 'called vk-placeringsfrister' },
  );
  return items[0];
}

describe('vk-under-placering: placement deadlines (vk-placeringsfrister) from admission to the end of the placement', () => {
  test('admission starts the deadlines with the case\'s caseRef: first omprövning 6 months out; placering-avslutad cancels them', async () => {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-under-placering', { caseRef, kommun: 'uppvidinge', home: 'ekeliden', admissionDate: '2026-11-02' });
    const key = pi.processInstanceKey as string;
    const first = await completeDeadline(t.client, { rule: 'omprovning', resultVariable: 'omprovningDeadline', offset: 'P6M' });
    const child = await fristerOf(key);
    expect(String(first.job.processInstanceKey)).toBe(String(child.processInstanceKey));
    expect(first.job.variables).toEqual(expect.objectContaining({ caseRef, kommun: 'uppvidinge', placeringStart: '2026-11-02', placeringsgrund: 'sol' }));
    expect(await variablesOf(t.client, String(child.processInstanceKey))).not.toHaveProperty('samverkanTidpunkt');
    const task = await userTask(t.client, String(child.processInstanceKey), 'Omprovning');
    expect(task.candidateGroups).toEqual(['socialsekreterare-uppvidinge']);
    expect(Date.parse(task.dueDate!)).toBe(Date.parse(first.deadline));
    expect(first.deadline.slice(0, 10)).toBe('2027-05-02');
    // the main flow runs next to it
    await userTask(t.client, key, 'PlaneraSamverkan');
    // its reminder timer is armed: two days before the omprövning the reminder job comes from the called instance
    await pinClock(t.client, Date.parse(first.deadline) - 2 * DAY + HOUR);
    await completeJob(t.client, 'vk.escalate', {}, (job) => {
      expect(String(job.processInstanceKey)).toBe(String(child.processInstanceKey));
      expect(job.customHeaders).toEqual(expect.objectContaining({ level: 'reminder', deadline: 'omprovning' }));
    });

    await publish(t.client, 'placering-avslutad', caseRef, { avslutDatum: '2026-11-20', avslutOrsak: 'klienten-avbryter' });
    await completeJob(t.client, 'vk.place.release');
    await waitForInstanceState(t.client, key, 'COMPLETED');
    await waitForInstanceState(t.client, String(child.processInstanceKey), 'TERMINATED');
    const open = await t.client.searchUserTasks({ filter: { processInstanceKey: String(child.processInstanceKey), state: 'CREATED' } as never }, NOW);
    expect(open.items).toEqual([]);
    // the breach escalation does not fire for an ended placement
    await pinClock(t.client, Date.parse(first.deadline) + HOUR);
    expect(await noJobs(t.client, 'vk.escalate')).toBe(true);
  });

  test('LVM (27 § LVM) acute placement: LVM max, akut decision and cost split instead of omprövning; Utskriven ends them', async () => {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-under-placering', { caseRef, kommun: 'lessebo', home: 'novus', admissionDate: '2026-11-02', lvmStatus: 'lvm27', akutPlacering: true });
    const key = pi.processInstanceKey as string;
    const rules = await completeDeadlines(t.client, 3);
    expect(Object.keys(rules).sort()).toEqual(['akut-placering', 'kostnadsfordelning-akut', 'lvm-max']);
    const child = String((await fristerOf(key)).processInstanceKey);
    expect(rules['lvm-max'].job.variables).toEqual(expect.objectContaining({ caseRef, placeringsgrund: 'lvm', akutPlacering: true }));
    await userTask(t.client, child, 'LvmSlut');
    // The normal end of the placement (after hemflytt) is the terminate end event Utskriven; reach it directly.
    const wait = await completeTask(t.client, key, 'PlaneraSamverkan', { barn: 'nej', samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: 'ja', nastaSteg: 'hemflytt' });
    expect(wait.candidateGroups).toEqual(['kontaktperson-novus', 'socialsekreterare-lessebo']);
    const [gw] = await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await t.client.modifyProcessInstance({ processInstanceKey: key, activateInstructions: [{ elementId: 'EndUtskriven' }], terminateInstructions: [{ elementInstanceKey: gw.elementInstanceKey }] } as never);
    await waitForInstanceState(t.client, key, 'COMPLETED');
    await waitForInstanceState(t.client, child, 'TERMINATED');
    expect((await elementsOf(t.client, key, 'EndTidsfrister')).length).toBe(0);
  });

  test('vk-placeringsfrister ending by itself (placement not continued at omprövning) does not end the placement', async () => {
    const caseRef = ref();
    const pi = await startProcess(t.client, 'vk-under-placering', { caseRef, kommun: 'uppvidinge', home: 'ekeliden', admissionDate: '2026-11-02' });
    const key = pi.processInstanceKey as string;
    await completeDeadline(t.client, { rule: 'omprovning' });
    const child = String((await fristerOf(key)).processInstanceKey);
    await completeTask(t.client, child, 'Omprovning', { omprovningDatum: '2027-04-20', placeringFortsatter: 'nej' });
    await waitForElement(t.client, key, 'EndTidsfrister');
    expect((await t.client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state).toBe('ACTIVE');
    await userTask(t.client, key, 'PlaneraSamverkan');
  });
});

describe('vk-under-placering', () => {
  async function admitted(barn: 'ja' | 'nej') {
    const caseRef = ref();
    const key = await startPlacement({ caseRef, kommun: 'uppvidinge', home: 'ekeliden', admissionDate: '2026-11-02' });
    const plan = await completeTask(t.client, key, 'PlaneraSamverkan', { barn, samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: 'nej', nastaSteg: 'flytt' });
    expect(plan.candidateGroups).toEqual(['kontaktperson-ekeliden', 'socialsekreterare-uppvidinge']);
    return { caseRef, key };
  }

  test('children at admission → children checkpoint; flytt to Novus (home switches), then hemflytt', async () => {
    const { key, caseRef } = await admitted('ja');
    const barn = await completeTask(t.client, key, 'BarnSomAnhoriga', { barnInformerade: 'ja', barnStodErbjudet: 'ja', orosanmalanBehovs: 'nej' });
    expect(barn.candidateGroups).toEqual(['socialsekreterare-uppvidinge']);
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'flytt-planerad', caseRef, { moveDate: '2026-12-14', contactDuringStay: true });
    await completeTask(t.client, undefined, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-21' });
    await completeJob(t.client, 'vk.consent.check', {}, (job) => {
      expect(job.variables).toEqual(expect.objectContaining({ caseRef, kommun: 'uppvidinge', toParty: 'novus', barn: 'ja', admissionDate: '2026-11-02' }));
      expect(job.variables).not.toHaveProperty('samverkanTidpunkt'); // only mapped variables reach the called flytt
    });
    await completeDeadline(t.client, { rule: 'flytt-overlamningsmote', offset: '-P14D' });
    await completeNotifications(t.client, 2);
    const meeting = await userTask(t.client, undefined, 'Overlamningsmote');
    expect(meeting.candidateGroups).toEqual(['kontaktperson-ekeliden', 'socialsekreterare-uppvidinge', 'kontaktperson-novus']);
    await t.client.completeUserTask({ userTaskKey: meeting.userTaskKey, variables: { barnBeaktade: 'ja' } });
    await completeTask(t.client, undefined, 'Beslut', { beslut: 'bifall', decisionDate: '2026-12-01' });
    await completeTask(t.client, undefined, 'Genomford', { flyttadDatum: '2026-12-21' });
    await completeJob(t.client, 'vk.place.move');
    await waitForElement(t.client, key, 'Flytt');
    // the home follows the client; the confirmed move date comes back
    expect(await variablesOf(t.client, key)).toEqual(expect.objectContaining({ home: 'novus', moveDate: '2026-12-21', flyttadDatum: '2026-12-21' }));
    // back to waiting for the next step, now at Novus
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'hemflytt-planerad', caseRef, { utflyttDate: '2027-03-01' });
    const sip = await completeDeadline(t.client, { rule: 'hemflytt-sip-mote' });
    expect(sip.job.variables).toEqual(expect.objectContaining({ caseRef, home: 'novus', barn: 'ja', admissionDate: '2026-11-02' }));
    const planera = await userTask(t.client, undefined, 'Planera');
    expect(planera.processDefinitionId).toBe('vk-infor-hemflytt');
    expect((await elementsOf(t.client, key, 'BarnSomAnhoriga')).length).toBe(1);
  });

  test('no children → no children task; flytt refused (avslag) keeps the current home', async () => {
    const { key, caseRef } = await admitted('nej');
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    expect((await elementsOf(t.client, key, 'BarnSomAnhoriga')).length).toBe(0);
    await publish(t.client, 'flytt-planerad', caseRef, { moveDate: '2026-12-14', contactDuringStay: false });
    await completeTask(t.client, undefined, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-14' });
    await completeJob(t.client, 'vk.consent.check');
    await completeDeadline(t.client, { offset: '-P21D' });
    await completeNotifications(t.client, 2);
    await completeTask(t.client, undefined, 'Overlamningsmote', {});
    await completeTask(t.client, undefined, 'Beslut', { beslut: 'avslag', decisionDate: '2026-12-01' });
    await waitForElement(t.client, key, 'Flytt');
    expect((await variablesOf(t.client, key)).home).toBe('ekeliden');
  });

  test('placering-avslutad ends the placement from any step: a running flytt is cancelled and the place is freed', async () => {
    const { key, caseRef } = await admitted('nej');
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'orosanmalan', caseRef);
    await userTask(t.client, key, 'Orosanmalan_hantera');
    await publish(t.client, 'flytt-planerad', caseRef, { moveDate: '2026-12-14' });
    const rg = await userTask(t.client, undefined, 'Remissgruppen');
    await publish(t.client, 'placering-avslutad', caseRef, { avslutDatum: '2026-11-20', avslutOrsak: 'klienten-avbryter' });
    await completeJob(t.client, 'vk.place.release', {}, (job) => {
      expect(job.customHeaders).toEqual(expect.objectContaining({ reason: 'avslutad' }));
      expect(job.variables).toEqual(expect.objectContaining({ caseRef, home: 'ekeliden', avslutOrsak: 'klienten-avbryter' }));
    });
    await waitForInstanceState(t.client, key, 'COMPLETED');
    expect((await elementsOf(t.client, key, 'EndAvslutad')).length).toBe(1);
    expect((await t.client.getProcessInstance({ processInstanceKey: rg.processInstanceKey as never }, NOW)).state).toBe('TERMINATED');
  });

  test('"Nästa steg" does not wait forever: a follow-up task after the interval; "flytt" there starts the move with what is known', async () => {
    const { key } = await admitted('nej');
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await pinClock(t.client, T0 + 31 * DAY + HOUR);
    const f = await completeTask(t.client, key, 'FoljUpp', { nastaStegVal: 'fortsatt', nastaStegIntervall: 'P14D' });
    expect(f.candidateGroups).toEqual(['socialsekreterare-uppvidinge', 'kontaktperson-ekeliden']);
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await pinClock(t.client, T0 + 31 * DAY + 14 * DAY + 2 * HOUR);
    await completeTask(t.client, key, 'FoljUpp', { nastaStegVal: 'flytt', moveDate: '2027-01-25' });
    const rg = await userTask(t.client, undefined, 'Remissgruppen');
    expect(rg.processDefinitionId).toBe('vk-flytt-ekeliden-novus');
    expect(await variablesOf(t.client, rg.processInstanceKey!)).toEqual(expect.objectContaining({ fromHome: 'ekeliden', moveDate: '2027-01-25', admissionDate: '2026-11-02', contactDuringStay: false }));
  });

  test('hemflytt chosen in the follow-up task (not the case action): the case\'s registered consent still reaches the SIP', async () => {
    const { key, caseRef } = await admitted('nej');
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await pinClock(t.client, T0 + 31 * DAY + HOUR);
    // The follow-up route hands no consent on (only the case action "Planera hemflytt" sends consentId with the message).
    await completeTask(t.client, key, 'FoljUpp', { nastaStegVal: 'hemflytt', utflyttDate: '2027-03-01' });
    await completeDeadline(t.client, { rule: 'hemflytt-sip-mote' });
    const planera = await completeTask(t.client, undefined, 'Planera', {});
    expect(planera.processDefinitionId).toBe('vk-infor-hemflytt');
    expect((await variablesOf(t.client, planera.processInstanceKey!)).consentId ?? null).toBeNull();
    // inför hemflytt reads the registry before it calls the SIP
    await completeJob(t.client, 'vk.consent.current', { consentId: 'SAM-i-arendet', consentValidUntil: '2027-10-31T23:59:00+01:00' }, (job) => {
      expect(String(job.processInstanceKey)).toBe(String(planera.processInstanceKey));
      expect(job.variables).toEqual(expect.objectContaining({ caseRef, consentCheckAt: expect.any(String) }));
    });
    const { items: [sip] } = await eventually(
      () => t.client.searchProcessInstances({ filter: { parentProcessInstanceKey: planera.processInstanceKey, processDefinitionId: 'vk-sip' } as never }, NOW),
      (r) => r.items.length === 1, { what: 'the SIP inför hemflytt' });
    const sipKey = String(sip.processInstanceKey);
    expect(await variablesOf(t.client, sipKey)).toEqual(expect.objectContaining({ caseRef, consentId: 'SAM-i-arendet' }));
    await userTask(t.client, sipKey, 'Forbered');
    expect((await elementsOf(t.client, sipKey, 'Samtycke')).length).toBe(0);
  });

  test.each([
    ['ja', undefined, '-P14D'],
    ['nej', undefined, '-P21D'],
    ['ja', false, '-P21D'],
    ['nej', true, '-P14D'],
  ])('no-contact lead: admission answer %s, flytt-planerad contactDuringStay %s → offset %s', async (answer, contact, offset) => {
    const caseRef = ref();
    const key = await startPlacement({ caseRef, kommun: 'uppvidinge', home: 'ekeliden', admissionDate: '2026-11-02' });
    await completeTask(t.client, key, 'PlaneraSamverkan', { barn: 'nej', samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: answer, nastaSteg: 'flytt' });
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'flytt-planerad', caseRef, contact === undefined ? { moveDate: '2026-12-14' } : { moveDate: '2026-12-14', contactDuringStay: contact });
    await completeTask(t.client, undefined, 'Remissgruppen', { platsBekraftad: 'ja', bekraftatFlyttdatum: '2026-12-14' });
    await completeJob(t.client, 'vk.consent.check');
    await completeDeadline(t.client, { offset });
  });

  test('orosanmälan while a called flytt is running → task for socialsekreteraren, flytt continues', async () => {
    const { key, caseRef } = await admitted('ja');
    await completeTask(t.client, key, 'BarnSomAnhoriga', { barnInformerade: 'ja', barnStodErbjudet: 'ja', orosanmalanBehovs: 'ja' });
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'flytt-planerad', caseRef, { moveDate: '2026-12-14', contactDuringStay: true });
    const rg = await userTask(t.client, undefined, 'Remissgruppen');
    await publish(t.client, 'orosanmalan', caseRef);
    const oro = await completeTask(t.client, key, 'Orosanmalan_hantera', { skyddsbedomningDatum: '2026-11-02', omedelbartSkydd: 'ja', orosanmalanAtgard: 'inled-utredning' });
    expect(oro.candidateGroups).toEqual(['socialsekreterare-uppvidinge']);
    expect((await userTask(t.client, undefined, 'Remissgruppen')).userTaskKey).toBe(rg.userTaskKey);
  });

  test('samverkan with the other home: consent present → meeting and sharing recorded; missing → no sharing', async () => {
    const { key, caseRef } = await admitted('nej');
    await waitForElement(t.client, key, 'VantaNastaSteg', 'ACTIVE');
    await publish(t.client, 'samverkan-begard', caseRef);
    await completeJob(t.client, 'vk.consent.check', { consentId: 'c-9' }, (job) => {
      expect((job.variables as { toParty: string }).toParty).toBe('novus');
      expect(job.customHeaders).toEqual(expect.objectContaining({ information: 'genomforandeplan' }));
    });
    const mote = await completeTask(t.client, key, 'Samverkansmote', { samverkansmoteDatum: '2026-11-10', motesform: 'video', klientTraffatNyKontaktperson: 'nej' });
    expect(mote.candidateGroups).toEqual(['kontaktperson-ekeliden']);
    await completeJob(t.client, 'vk.share.record');
    await waitForElement(t.client, key, 'EndSamverkan');

    await publish(t.client, 'samverkan-begard', caseRef);
    const [job] = await activateJobs(t.client, 'vk.consent.check');
    await t.client.throwJobError({ jobKey: job.jobKey, errorCode: 'CONSENT_MISSING', errorMessage: 'inget samtycke' });
    await completeTask(t.client, key, 'InhamtaSamtycke', { samtyckeAtgard: 'nekat' });
    await waitForElement(t.client, key, 'EndUtanDelning');
    expect(await noJobs(t.client, 'vk.share.record')).toBe(true);
    expect((await variablesOf(t.client, key)).home).toBe('ekeliden');
  });
});

describe('vk-planeringsdagar', () => {
  test('two planning days, done one after the other, each due at 16:00 Stockholm time', async () => {
    const pi = await startProcess(t.client, 'vk-planeringsdagar', { caseRef: 'PLAN-2027', kommun: 'vaxjo' });
    const key = pi.processInstanceKey as string;
    const plan = await completeTask(t.client, key, 'Planera', { antalDagar: '2', dag1: '2027-03-10', dag2: '2027-09-15', teman: ['forsta-kontakt'] });
    expect(plan.candidateGroups).toEqual(['remissgruppen', 'vardkedjekoordinator']);
    const d1 = await userTask(t.client, key, 'Genomfor');
    expect(Date.parse(d1.dueDate!)).toBe(Date.parse('2027-03-10T16:00:00+01:00'));
    await t.client.completeUserTask({ userTaskKey: d1.userTaskKey, variables: { planeringsdagGenomford: 'ja', deltagandeVerksamheter: ['ekeliden', 'novus'] } });
    const d2 = await eventuallyOther(key, d1.userTaskKey);
    expect(Date.parse(d2.dueDate!)).toBe(Date.parse('2027-09-15T16:00:00+02:00'));
    await t.client.completeUserTask({ userTaskKey: d2.userTaskKey, variables: { planeringsdagGenomford: 'ja', deltagandeVerksamheter: ['ekeliden', 'novus'] } });
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('one planning day', async () => {
    const pi = await startProcess(t.client, 'vk-planeringsdagar', { caseRef: 'PLAN-2028', kommun: 'vaxjo' });
    const key = pi.processInstanceKey as string;
    await completeTask(t.client, key, 'Planera', { antalDagar: '1', dag1: '2028-03-08' });
    await completeTask(t.client, key, 'Genomfor', { planeringsdagGenomford: 'ja', deltagandeVerksamheter: ['novus'] });
    await waitForInstanceState(t.client, key, 'COMPLETED');
  });

  test('the yearly timer starts a planning round with caseRef PLAN-<year>', async () => {
    await pinClock(t.client, T0 + 366 * DAY + HOUR);
    const task = await userTask(t.client, undefined, 'Planera');
    expect(task.processDefinitionId).toBe('vk-planeringsdagar');
    expect((await variablesOf(t.client, task.processInstanceKey!)).caseRef).toMatch(/^PLAN-20\d\d$/);
  });

  async function eventuallyOther(key: string, notKey: string) {
    for (let i = 0; i < 200; i++) {
      const task = await userTask(t.client, key, 'Genomfor');
      if (task.userTaskKey !== notKey) return task;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('second planning day task not created');
  }
});

test('vk-under-placering started with only caseRef and kommun asks for home and admission date first', async () => {
  const pi = await startProcess(t.client, 'vk-under-placering', { caseRef: ref(), kommun: 'lessebo' });
  const key = pi.processInstanceKey as string;
  expect(await noJobs(t.client, 'vk.deadline.calculate')).toBe(true); // the deadlines start from the admission date
  await completeTask(t.client, key, 'AngeUppgifter', { home: 'novus', admissionDate: '2026-11-02' });
  const { job } = await completeDeadline(t.client, { rule: 'omprovning' });
  expect(job.variables).toEqual(expect.objectContaining({ placeringStart: '2026-11-02' }));
  const plan = await userTask(t.client, key, 'PlaneraSamverkan');
  expect(plan.candidateGroups).toEqual(['kontaktperson-novus', 'socialsekreterare-lessebo']);
});
