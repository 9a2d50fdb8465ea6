/**
 * The client's case page and its actions (issue 10 items 1, 2, 4; issue 12 item 5) against a real embedded engine:
 * every process of the caseRef listed, the Swedish summary, each action's bad input (400 with Swedish field errors,
 * nothing sent), another kommun or a group without the right (403, audited), an unknown case (404), a double submit
 * (one message), and psychiatry's registrations linked to the kommun's case.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { NOW } from '../helpers/api';
import { newCaseRef } from '../../web/server/cases/service';
import { Agent, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

let engine: TestEngine;
let web: TestWeb;
let ss: Agent;
const caseRef = newCaseRef(new Date());
let underKey: string;

const iso = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const token = () => `t${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(20, 'x');

async function activeElements(key: string): Promise<string[]> {
  const res = await engine.client.searchElementInstances({ filter: { processInstanceKey: key, state: 'ACTIVE' } as never, page: { limit: 100 } as never }, NOW as never);
  return (res.items ?? []).map((e) => String(e.elementId));
}
async function openTasks(key: string) {
  return (await engine.client.searchUserTasks({ filter: { processInstanceKey: key, state: 'CREATED' } as never, page: { limit: 100 } as never }, NOW)).items;
}
const actions = () => web.audit.query({ caseRef, action: 'case.action.' });
async function searchInstances(filter: Record<string, unknown>) {
  return (await engine.client.searchProcessInstances({ filter: filter as never }, NOW as never)).items;
}
/** Completes the job of `type` that belongs to instance `key` (there are no workers here; others are handed back). */
async function completeJobOf(key: string, type: string, variables: Record<string, unknown>) {
  await until(async () => {
    const { jobs } = await engine.client.activateJobs({ type, maxJobsToActivate: 10, timeout: 60_000, worker: 'case-actions-test' });
    let done = false;
    for (const j of jobs) {
      if (String(j.processInstanceKey) === key && !done) { await engine.client.completeJob({ jobKey: j.jobKey, variables }); done = true; }
      else await engine.client.failJob({ jobKey: j.jobKey, retries: j.retries, errorMessage: 'not this test\'s job' });
    }
    return done;
  }, `${type} job of ${key}`, 20_000);
}

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
  // A client admitted to Ekeliden: "under placering" with what admission decided, its first tasks done by the API
  // (setup only; the actions under test go through the web app).
  const pi = await engine.client.createProcessInstance({ processDefinitionId: 'vk-under-placering' as never, variables: { caseRef, kommun: 'vaxjo', home: 'ekeliden', admissionDate: iso(-10), barn: 'nej' } });
  underKey = String(pi.processInstanceKey);
  await until(async () => {
    const els = await activeElements(underKey);
    if (els.includes('VantaNastaSteg')) return true;
    for (const t of await openTasks(underKey)) await engine.client.completeUserTask({ userTaskKey: t.userTaskKey, variables: {} }).catch(() => undefined);
    return false;
  }, 'under placering waits for the next step', 20_000);
  ss = await Agent.login(web.url, 'ss-vaxjo');
}, 90_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

describe('the case page', () => {
  test('by caseRef: the summary says where the case stands, and lists the process with its current step', async () => {
    const o = await ss.get(`/api/arenden/${caseRef}/oversikt`);
    expect(o.status).toBe(200);
    expect(o.json.caseRef).toBe(caseRef);
    // under placering, and whatever it started for the same client (e.g. the placement's review deadlines)
    expect(o.json.processes.map((p: any) => p.processDefinitionId)).toContain('vk-under-placering');
    expect(o.json.processes.find((p: any) => p.processDefinitionId === 'vk-under-placering').currentSteps).toContain('Nästa steg i vårdkedjan');
    expect(o.json.summary.status).toMatch(/^Placerad på HVB Ekeliden\./);
    expect(o.json.summary.next.who).toMatch(/Socialsekreterare Växjö/);
    const actionIds = o.json.actions.filter((a: any) => a.applies).map((a: any) => a.id);
    expect(actionIds).toEqual(expect.arrayContaining(['planera-flytt', 'planera-hemflytt', 'orosanmalan', 'begar-samverkan']));
    const page = await ss.html(`/arenden/${caseRef}`);
    expect(page).toContain('Var står ärendet?');
    expect(page).toContain('Ärendets processer');
    expect(page).toContain('Planera flytt');
    // a link by process instance key shows the same case
    expect(await ss.html(`/arenden/${underKey}`)).toContain(`Ärende ${caseRef}`);
  });

  test('an unknown case → 404; another kommun → 403 and audited', async () => {
    expect((await ss.get('/api/arenden/VK-2026-999999/oversikt')).status).toBe(404);
    expect((await ss.post('/api/arenden/VK-2026-999999/atgarder/orosanmalan', { token: token(), confirm: 'ja' })).status).toBe(404);
    const alvesta = await Agent.login(web.url, 'ss-alvesta');
    expect((await alvesta.get(`/api/arenden/${caseRef}/oversikt`)).status).toBe(403);
    const res = await alvesta.post(`/api/arenden/${caseRef}/atgarder/planera-hemflytt`, { token: token(), utflyttDate: iso(30) });
    expect(res.status).toBe(403);
    expect(await web.audit.query({ caseRef, actor: 'ss-alvesta', action: 'case.action.denied' })).toHaveLength(1);
    expect(await activeElements(underKey)).toContain('VantaNastaSteg');
  });
});

describe('actions: bad input is refused with Swedish field errors and nothing is sent', () => {
  test('Planera flytt without a date, with 15/12/2026, 2026-02-30 and a past date', async () => {
    for (const [moveDate, msg] of [[undefined, 'Ange flyttdatum.'], ['15/12/2026', 'Ange flyttdatum som ÅÅÅÅ-MM-DD'], ['2026-02-30', 'Flyttdatum är inte ett giltigt datum.'], [iso(-3), 'Flyttdatum kan inte ligga bakåt i tiden.']] as const) {
      const res = await ss.post(`/api/arenden/${caseRef}/atgarder/planera-flytt`, { token: token(), ...(moveDate ? { moveDate } : {}), contactDuringStay: 'kanske' });
      expect(res.status).toBe(400);
      expect(res.json.fieldErrors.moveDate).toContain(msg);
      expect(res.json.fieldErrors.contactDuringStay).toBe('Välj ja, nej eller vet inte.');
    }
    expect(await activeElements(underKey)).toContain('VantaNastaSteg');
    expect((await actions()).filter((a) => a.action === 'case.action.planera-flytt')).toHaveLength(0);
    expect((await actions()).filter((a) => a.action === 'case.action.rejected').length).toBeGreaterThanOrEqual(4);
  });

  test('a submit without the one-time token or the CSRF token is refused', async () => {
    const res = await ss.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { confirm: 'ja' });
    expect(res.status).toBe(400);
    expect(res.json.fieldErrors._).toMatch(/engångsnyckel/);
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: token(), confirm: 'ja' }, { csrf: false })).status).toBe(403);
    expect(await openTasks(underKey)).toHaveLength(0);
  });

  test('the HTML form shows the errors again with what was typed, linked from an error summary', async () => {
    const res = await ss.req('POST', `/arenden/${caseRef}/atgarder/planera-flytt`, { _csrf: ss.csrf, token: token(), moveDate: '2026-13-01', contactDuringStay: 'ja' }, { form: true, csrf: false });
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#f-planera-flytt-moveDate"');
    expect(res.text).toContain('value="2026-13-01"');
    expect(res.text).toMatch(/value="ja" id="f-planera-flytt-contactDuringStay-0" checked/);
  });

  test('a group without the right → 403 and audited (kontaktperson may not plan hemflytt)', async () => {
    const kp = await Agent.login(web.url, 'kp-ekeliden');
    const res = await kp.post(`/api/arenden/${caseRef}/atgarder/planera-hemflytt`, { token: token(), utflyttDate: iso(30) });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatch(/Socialsekreterare Växjö/);
    expect(await web.audit.query({ caseRef, actor: 'kp-ekeliden', action: 'case.action.denied' })).toHaveLength(1);
  });
});

describe('actions send what the diagrams wait for', () => {
  test('Gör orosanmälan: a double submit (parallel and again later) creates one task', async () => {
    const t = token();
    const [a, b] = await Promise.all([
      ss.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' }),
      ss.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.json.duplicate, b.json.duplicate].sort()).toEqual([false, true]);
    const again = await ss.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' });
    expect(again.json.duplicate).toBe(true);
    const tasks = await until(async () => { const ts = (await openTasks(underKey)).filter((x) => x.elementId === 'Orosanmalan_hantera'); return ts.length ? ts : undefined; }, 'orosanmälan task');
    await new Promise((r) => setTimeout(r, 300));
    expect((await openTasks(underKey)).filter((x) => x.elementId === 'Orosanmalan_hantera')).toHaveLength(tasks.length);
    expect(tasks).toHaveLength(1);
    expect((await actions()).filter((e) => e.action === 'case.action.orosanmalan')).toHaveLength(1);
  });

  test('Registrera samtycke (bad input, then good) and Starta SIP carries the consent', async () => {
    const applies = async (id: string) => (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json.actions.find((a: any) => a.id === id)?.applies;
    expect(await applies('aterkalla-samtycke')).toBe(false);
    const bad = await ss.post(`/api/arenden/${caseRef}/atgarder/registrera-samtycke`, { token: token(), consentForm: 'telepatiskt', consentDate: iso(2) });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors).toEqual(expect.objectContaining({
      consentForm: 'Ange hur samtycket lämnades.', consentDate: expect.stringContaining('framåt i tiden'),
      consentParties: expect.stringContaining('aldrig generellt'), guardiansConsented: expect.any(String),
    }));
    const ok = await ss.post(`/api/arenden/${caseRef}/atgarder/registrera-samtycke`, { token: token(), consentForm: 'skriftligt', consentDate: iso(0), consentParties: ['kommun', 'psykiatri'], consentInformation: 'sip-plan', guardiansConsented: 'ej-aktuellt' });
    expect(ok.status).toBe(200);
    const rec = (await actions()).find((e) => e.action === 'case.action.registrera-samtycke')!;
    expect(await applies('aterkalla-samtycke')).toBe(true);
    expect(rec.details?.consentId).toMatch(/^SAM-/);
    const sip = await ss.post(`/api/arenden/${caseRef}/atgarder/starta-sip`, { token: token(), isChild: 'nej' });
    expect(sip.status).toBe(200);
    const vars = await engine.client.searchVariables({ filter: { processInstanceKey: sip.json.processInstanceKey, name: 'consentId' } as never }, NOW as never);
    expect(JSON.parse(vars.items[0].value)).toBe(rec.details?.consentId);
    // a second SIP while one runs is refused, nothing started
    const twice = await ss.post(`/api/arenden/${caseRef}/atgarder/starta-sip`, { token: token(), isChild: 'nej' });
    expect(twice.status).toBe(409);
  });

  test('Planera hemflytt moves the placement on: the called process has the same caseRef and is listed on the case', async () => {
    const res = await ss.post(`/api/arenden/${caseRef}/atgarder/planera-hemflytt`, { token: token(), utflyttDate: iso(40) });
    expect(res.status).toBe(200);
    const o = await until(async () => {
      const r = await ss.get(`/api/arenden/${caseRef}/oversikt`);
      return r.json.processes.some((p: any) => p.processDefinitionId === 'vk-infor-hemflytt') ? r.json : undefined;
    }, 'hemflytt listed on the case');
    const ids = o.processes.map((p: any) => p.processDefinitionId);
    expect(ids).toEqual(expect.arrayContaining(['vk-under-placering', 'vk-sip', 'vk-infor-hemflytt']));
    const hem = o.processes.find((p: any) => p.processDefinitionId === 'vk-infor-hemflytt');
    expect(hem.parentProcessInstanceKey).toBe(underKey);
    // the case's consent (registered above) goes along, so the SIP inför hemflytt does not ask for it again
    const consentId = (await actions()).find((e) => e.action === 'case.action.registrera-samtycke')?.details?.consentId;
    expect(consentId).toMatch(/^SAM-/);
    const hemConsent = await engine.client.searchVariables({ filter: { processInstanceKey: hem.processInstanceKey, name: 'consentId' } as never }, NOW as never);
    expect(hemConsent.items.map((v) => JSON.parse(v.value))).toEqual([consentId]);
    // the gateway has moved on: the same action again is refused and sends nothing
    const again = await ss.post(`/api/arenden/${caseRef}/atgarder/planera-flytt`, { token: token(), moveDate: iso(30) });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/går inte just nu/);
    // the history names who did what
    expect(o.history.map((h: any) => `${h.who} ${h.what}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^Sara Lind .* planerade hemflytt \(utflytt .*\)$/)]));
  });

  test('after the confirmed utflytt "Avsluta placering / skriv ut" is no longer offered (the SIP continues, the place is free)', async () => {
    const avsluta = async () => (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json.actions.find((a: any) => a.id === 'avsluta-placering');
    expect((await avsluta()).applies).toBe(true); // placed, hemflytt planned: the placement can still end early
    const hemKey = String((await until(async () => (await searchInstances({ parentProcessInstanceKey: underKey, processDefinitionId: 'vk-infor-hemflytt' }))[0], 'inför hemflytt')).processInstanceKey);
    // Setup through the API (no workers in this file): the SIP deadline, the plan, the SIP meeting held, the utflytt.
    await completeJobOf(hemKey, 'vk.deadline.calculate', { sipMoteDeadline: `${iso(26)}T16:00:00+01:00`, sipMoteDeadlineReminder: `${iso(23)}T16:00:00+01:00` });
    const plan = await until(async () => (await openTasks(hemKey)).find((x) => x.elementId === 'Planera'), 'Planera insatser');
    await engine.client.completeUserTask({ userTaskKey: plan.userTaskKey, variables: {} });
    await engine.client.publishMessage({ name: 'sip-mote-hallet', correlationKey: caseRef, timeToLive: 600_000, variables: {} });
    const utflytt = await until(async () => (await openTasks(hemKey)).find((x) => x.elementId === 'Utflytt'), 'Bekräfta utflytt', 20_000);
    expect((await avsluta()).applies).toBe(true);
    await engine.client.completeUserTask({ userTaskKey: utflytt.userTaskKey, variables: { utflyttadDatum: `${iso(0)}T10:00:00+01:00` } });
    const o = await until(async () => { const r = await ss.get(`/api/arenden/${caseRef}/oversikt`); return r.json.summary.status.startsWith('Utflyttad') ? r.json : undefined; }, 'utflyttad on the case');
    expect(o.summary.status).toMatch(/^Utflyttad från HVB Ekeliden \d{4}-\d{2}-\d{2}\./);
    expect(o.actions.find((a: any) => a.id === 'avsluta-placering').applies).toBe(false);
    // under placering still takes the message (it waits for the SIP), but the action is refused and sends nothing
    expect((await engine.client.getProcessInstance({ processInstanceKey: underKey as never }, NOW as never)).state).toBe('ACTIVE');
    const res = await ss.post(`/api/arenden/${caseRef}/atgarder/avsluta-placering`, { token: token(), avslutDatum: iso(0), avslutOrsak: 'behandling-klar' });
    expect(res.status).toBe(409);
    expect((await actions()).filter((e) => e.action === 'case.action.avsluta-placering')).toHaveLength(0);
    expect((await engine.client.getProcessInstance({ processInstanceKey: underKey as never }, NOW as never)).state).toBe('ACTIVE');
  });
});

describe('psychiatry registers a vårdkedjeremiss and a kontaktbegäran', () => {
  test('linked to the kommun\'s case by reference; bad input 400; other roles 403 (audited)', async () => {
    const psyk = await Agent.login(web.url, 'psyk-remissport');
    const start = await psyk.html('/arenden/ny');
    expect(start).toContain('Registrera vårdkedjeremiss');
    const bad = await psyk.post('/api/arenden/ny/vardkedjeremiss', { kommun: 'gotham', caseRef: 'X-1', date: '2026-02-31' });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors).toEqual({ kommun: 'Välj kommun.', caseRef: expect.stringContaining('VK-2026-000123'), date: 'Datum är inte ett giltigt datum.' });
    const wrongKommun = await psyk.post('/api/arenden/ny/vardkedjeremiss', { kommun: 'alvesta', caseRef, date: iso(0) });
    expect(wrongKommun.status).toBe(400);
    expect(wrongKommun.json.fieldErrors.caseRef).toMatch(/Inget ärende .* i Alvesta/);
    const ok = await psyk.post('/api/arenden/ny/vardkedjeremiss', { kommun: 'vaxjo', caseRef: caseRef.toLowerCase(), date: iso(0) });
    expect(ok.status).toBe(201);
    expect(ok.json).toEqual(expect.objectContaining({ caseRef, linked: true }));
    const kb = await psyk.post('/api/arenden/ny/kontaktbegaran', { kommun: 'vaxjo', date: iso(0) });
    expect(kb.status).toBe(201);
    expect(kb.json.linked).toBe(false);
    expect(kb.json.caseRef).not.toBe(caseRef);
    const o = await until(async () => { const r = await ss.get(`/api/arenden/${caseRef}/oversikt`); return r.json.processes.some((p: any) => p.processDefinitionId === 'vk-vardkedjeremiss') ? r.json : undefined; }, 'remiss on the case');
    expect(o.caseRef).toBe(caseRef);
    const denied = await ss.post('/api/arenden/ny/vardkedjeremiss', { kommun: 'vaxjo', date: iso(0) });
    expect(denied.status).toBe(403);
    expect(await web.audit.query({ actor: 'ss-vaxjo', action: 'case.start.denied' })).toHaveLength(1);
  });
});
