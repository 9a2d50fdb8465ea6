/**
 * Issue 10 item 2, "nothing the diagrams wait for may be reachable only through the REST API": every message a
 * diagram waits for is sent by a case action or by a worker, and the actions for the last three — Ändra flyttdatum
 * (flyttdatum-andrat), Återkalla placeringsförfrågan (placering-aterkallad), Personen drar tillbaka ansökan
 * (kontaktbegaran-aterkallad) — and Begär samverkan, Återkalla samtycke and Avsluta placering work against the embedded engine with the real workers (full homes, so the
 * placement waits in the queue): bad input 400 with Swedish field errors, a role without the right 403 and audited,
 * the message reaches the waiting process, and the action is refused once nothing waits for it any more. Setup
 * (tasks before the step under test) goes through the engine API; the actions under test go through the web app.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { NOW } from '../helpers/api';
import { startTestSmtp } from '../helpers/smtp';
import { testConfig } from '../workers/setup';
import { startWorkerApp } from '../../workers/main';
import { caseActions } from '../../web/server/cases/actions';
import type { CaseOverview } from '../../web/server/cases/overview';
import type { SessionUser } from '../../web/server/auth/user';
import { Agent, ROOT, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

const iso = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const token = () => `t${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(20, 'x');

test('every message a diagram waits for is sent by a case action or a worker', () => {
  const waited = new Set<string>();
  for (const f of fs.readdirSync(path.join(ROOT, 'bpmn')).filter((x) => x.endsWith('.bpmn'))) {
    for (const m of fs.readFileSync(path.join(ROOT, 'bpmn', f), 'utf8').matchAll(/<bpmn:message id="[^"]+" name="([^"]+)"/g)) waited.add(m[1]);
  }
  const o = { caseRef: 'VK-2026-000001', kommun: 'vaxjo', vars: {}, processes: [] } as unknown as CaseOverview;
  const user = { id: 'x', name: 'x', groups: ['socialsekreterare-vaxjo'] } as SessionUser;
  const byActions = caseActions(() => new Date()).flatMap((a) => {
    const e = a.effect({}, o, user);
    return e.kind === 'message' || e.kind === 'consent-withdraw' ? [e.message] : [];
  });
  // Workers: vk.message.publish with a messageName header in a diagram; the queue's plats-ledig.
  const byWorkers = [
    ...fs.readdirSync(path.join(ROOT, 'bpmn')).flatMap((f) => [...fs.readFileSync(path.join(ROOT, 'bpmn', f), 'utf8').matchAll(/key="messageName" value="([^"]+)"/g)].map((m) => m[1])),
    ...[...fs.readFileSync(path.join(ROOT, 'workers/queue/release.ts'), 'utf8').matchAll(/publishMessage\(\{ name: '([^']+)'/g)].map((m) => m[1]),
  ];
  expect(byWorkers).toEqual(expect.arrayContaining(['plats-ledig', 'sip-mote-hallet']));
  expect([...waited].filter((m) => !byActions.includes(m) && !byWorkers.includes(m))).toEqual([]);
});

describe('the remaining message actions', () => {
  let engine: TestEngine;
  let web: TestWeb;
  let ss: Agent;
  const stops: Array<() => Promise<unknown>> = [];

  async function active(key: string): Promise<string[]> {
    const res = await engine.client.searchElementInstances({ filter: { processInstanceKey: key, state: 'ACTIVE' } as never, page: { limit: 100 } as never }, NOW as never);
    return (res.items ?? []).map((e) => String(e.elementId));
  }
  async function openTasks(key: string) {
    return (await engine.client.searchUserTasks({ filter: { processInstanceKey: key, state: 'CREATED' } as never, page: { limit: 100 } as never }, NOW)).items;
  }
  /** Setup: completes the open tasks named in `answers` until `target` is active. */
  async function advance(key: string, answers: Record<string, Record<string, unknown>>, target: string): Promise<void> {
    await until(async () => {
      if ((await active(key)).includes(target)) return true;
      for (const t of await openTasks(key)) {
        const vars = answers[String(t.elementId)];
        if (vars) await engine.client.completeUserTask({ userTaskKey: t.userTaskKey, variables: vars }).catch(() => undefined);
      }
      return false;
    }, `${target} active`, 30_000);
  }
  async function instanceOf(caseRef: string, processId: string): Promise<{ key: string; state: string }> {
    return until(async () => {
      const o = (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json;
      const p = o.processes?.find((x: any) => x.processDefinitionId === processId);
      return p ? { key: String(p.processInstanceKey), state: String(p.state) } : undefined;
    }, `${processId} of ${caseRef}`);
  }
  const applies = async (caseRef: string, id: string) => (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json.actions.find((a: any) => a.id === id)?.applies;

  beforeAll(async () => {
    // Full homes: a granted placement waits in the queue.
    const placesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-places-')), 'places.json');
    fs.writeFileSync(placesFile, JSON.stringify({ capacity: { ekeliden: 0, novus: 0 } }));
    process.env.PLACES_CONFIG = placesFile;
    engine = await startTestEngine();
    stops.push(() => engine.stop());
    await engine.client.createDeployment({ resources: resourceFiles() });
    web = await startTestWeb(engine.client);
    stops.push(() => web.stop());
    const smtp = await startTestSmtp();
    stops.push(() => smtp.stop());
    const workers = await startWorkerApp({ ...testConfig(smtp.port, web.dataDir), storage: web.storage }, engine.client);
    stops.push(() => workers.stop());
    ss = await Agent.login(web.url, 'ss-vaxjo');
  }, 120_000);
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    delete process.env.PLACES_CONFIG;
  });

  test('Återkalla placeringsförfrågan takes a queued case out of the queue and ends the request', async () => {
    const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    expect(started.status).toBe(201);
    const { caseRef, processInstanceKey: key } = started.json as { caseRef: string; processInstanceKey: string };
    expect(await applies(caseRef, 'aterkalla-placeringsforfragan')).toBe(false);
    await advance(key, {
      Utredning: { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' },
      Uppdragsblankett: { foreslagenNiva: 'ekeliden', barn: 'nej', samtyckeRemissgrupp: true, behovsomraden: ['boende'] },
      Matchning: { remissmoteDatum: iso(0), home: 'ekeliden' },
      Studiebesok: { studiebesokDatum: iso(0), behovKanMotas: 'ja', klientPositiv: 'ja' },
      Beslut: { beslut: 'bifall', decisionDate: iso(0) },
    }, 'VantaPlats');
    expect(await applies(caseRef, 'aterkalla-placeringsforfragan')).toBe(true);
    const before = await ss.html(`/arenden/${caseRef}`);
    expect(before).toContain('I kö till HVB Ekeliden');
    const kp = await Agent.login(web.url, 'remiss-anna');
    const denied = await kp.post(`/api/arenden/${caseRef}/atgarder/aterkalla-placeringsforfragan`, { token: token(), confirm: 'ja' });
    expect(denied.status).toBe(403);
    expect((await web.audit.query({ caseRef, action: 'case.action.denied' })).map((e) => e.actor)).toContain('remiss-anna');
    const bad = await ss.post(`/api/arenden/${caseRef}/atgarder/aterkalla-placeringsforfragan`, { token: token() });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors).toEqual({ confirm: 'Bekräfta genom att kryssa i rutan.' });
    expect(await active(key)).toContain('VantaPlats');
    const ok = await ss.post(`/api/arenden/${caseRef}/atgarder/aterkalla-placeringsforfragan`, { token: token(), confirm: 'ja' });
    expect(ok.status).toBe(200);
    await until(async () => (await instanceOf(caseRef, 'vk-placeringsforfragan')).state === 'COMPLETED', 'the request ended');
    await until(async () => (await ss.html(`/arenden/${caseRef}`)).includes('Inte längre i kö till HVB Ekeliden'), 'out of the queue on the case page');
    const again = await ss.post(`/api/arenden/${caseRef}/atgarder/aterkalla-placeringsforfragan`, { token: token(), confirm: 'ja' });
    expect(again.status).toBe(409);
  }, 120_000);

  test('Personen drar tillbaka ansökan ends the utredning after a kontaktbegäran', async () => {
    const psyk = await Agent.login(web.url, 'psyk-remissport');
    const reg = await psyk.post('/api/arenden/ny/kontaktbegaran', { kommun: 'vaxjo', date: iso(0) });
    expect(reg.status).toBe(201);
    const { caseRef, processInstanceKey: key } = reg.json as { caseRef: string; processInstanceKey: string };
    await advance(key, { TaKontakt: { kontaktDatum: iso(0), villHaKontakt: 'ja' } }, 'Utred');
    expect(await applies(caseRef, 'aterkalla-kontaktbegaran')).toBe(true);
    const denied = await psyk.post(`/api/arenden/${caseRef}/atgarder/aterkalla-kontaktbegaran`, { token: token(), confirm: 'ja' });
    expect(denied.status).toBe(403);
    const ok = await ss.post(`/api/arenden/${caseRef}/atgarder/aterkalla-kontaktbegaran`, { token: token(), confirm: 'ja' });
    expect(ok.status).toBe(200);
    await until(async () => (await instanceOf(caseRef, 'vk-kontaktbegaran')).state === 'COMPLETED', 'the kontaktbegäran ended');
    const ended = await engine.client.searchElementInstances({ filter: { processInstanceKey: key, elementId: 'Utred' } as never }, NOW as never);
    expect((ended.items ?? []).map((e) => e.state)).toEqual(['TERMINATED']);
    const o = (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json;
    expect(o.history.map((h: any) => `${h.who} ${h.what}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^Sara Lind .* drog tillbaka sin ansökan/)]));
  }, 120_000);

  test('Begär samverkan without consent asks for it; Återkalla samtycke withdraws it; Avsluta placering: bad input 400, then the placement ends', async () => {
    const caseRef = `VK-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const pi = await engine.client.createProcessInstance({ processDefinitionId: 'vk-under-placering' as never, variables: { caseRef, kommun: 'vaxjo', home: 'ekeliden', admissionDate: iso(-10), barn: 'nej' } });
    const key = String(pi.processInstanceKey);
    await advance(key, { PlaneraSamverkan: { barn: 'nej', samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: 'ja' } }, 'VantaNastaSteg');
    // no consent in the registry: nothing is shared, the socialsekreterare is asked to obtain it
    const other = await Agent.login(web.url, 'kp-novus'); // not involved in this case
    expect((await other.post(`/api/arenden/${caseRef}/atgarder/begar-samverkan`, { token: token(), confirm: 'ja' })).status).toBe(403);
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/begar-samverkan`, { token: token() })).status).toBe(400);
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/begar-samverkan`, { token: token(), confirm: 'ja' })).status).toBe(200);
    await until(async () => (await openTasks(key)).find((t) => t.elementId === 'InhamtaSamtycke'), 'Inhämta samtycke for the socialsekreterare', 60_000);
    // consent registered, then withdrawn: the withdrawal applies only while there is a consent
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/registrera-samtycke`, { token: token(), consentForm: 'muntligt', consentDate: iso(0), consentParties: ['kommun', 'novus'], consentInformation: ['genomforandeplan'], guardiansConsented: 'ej-aktuellt' })).status).toBe(200);
    expect(await applies(caseRef, 'aterkalla-samtycke')).toBe(true);
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/aterkalla-samtycke`, { token: token(), confirm: 'ja' })).status).toBe(200);
    expect(await applies(caseRef, 'aterkalla-samtycke')).toBe(false);
    // Avsluta placering / skriv ut
    const bad = await ss.post(`/api/arenden/${caseRef}/atgarder/avsluta-placering`, { token: token(), avslutDatum: iso(3), avslutOrsak: 'tröttnade' });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors).toEqual({ avslutDatum: expect.stringContaining('framåt i tiden'), avslutOrsak: 'Välj orsak.' });
    expect((await engine.client.getProcessInstance({ processInstanceKey: key as never }, NOW as never)).state).toBe('ACTIVE');
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/avsluta-placering`, { token: token(), avslutDatum: iso(0), avslutOrsak: 'klienten-avbryter' })).status).toBe(200);
    await until(async () => (await engine.client.getProcessInstance({ processInstanceKey: key as never }, NOW as never)).state === 'COMPLETED', 'the placement ended', 60_000);
    const o = (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json;
    expect(o.summary.status).toBe('Ärendet är avslutat. Sista processen: Under placering.');
    expect(o.history.map((h: any) => h.what)).toEqual(expect.arrayContaining([`avslutade placeringen (${iso(0)})`, 'registrerade att samtycket återkallats', 'begärde samverkan med det andra boendet']));
  }, 180_000);

  test('Ändra flyttdatum while the handover meeting waits: a past date is refused, a new one re-creates the meeting', async () => {
    const caseRef = `VK-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const pi = await engine.client.createProcessInstance({ processDefinitionId: 'vk-under-placering' as never, variables: { caseRef, kommun: 'vaxjo', home: 'ekeliden', admissionDate: iso(-10), barn: 'nej' } });
    await advance(String(pi.processInstanceKey), { PlaneraSamverkan: { barn: 'nej', samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: 'ja' } }, 'VantaNastaSteg');
    expect(await applies(caseRef, 'andra-flyttdatum')).toBe(false);
    expect((await ss.post(`/api/arenden/${caseRef}/atgarder/planera-flytt`, { token: token(), moveDate: iso(40), contactDuringStay: 'ja' })).status).toBe(200);
    const flytt = await instanceOf(caseRef, 'vk-flytt-ekeliden-novus');
    await advance(flytt.key, { Remissgruppen: { platsBekraftad: 'ja', bekraftatFlyttdatum: iso(40) }, InhamtaSamtycke: {} }, 'Overlamningsmote');
    const first = (await openTasks(flytt.key)).find((t) => t.elementId === 'Overlamningsmote')!;
    expect(await applies(caseRef, 'andra-flyttdatum')).toBe(true);
    const past = await ss.post(`/api/arenden/${caseRef}/atgarder/andra-flyttdatum`, { token: token(), moveDate: iso(-1) });
    expect(past.status).toBe(400);
    expect(past.json.fieldErrors.moveDate).toMatch(/bakåt i tiden/);
    const kp = await Agent.login(web.url, 'kp-ekeliden');
    expect((await kp.post(`/api/arenden/${caseRef}/atgarder/andra-flyttdatum`, { token: token(), moveDate: iso(50) })).status).toBe(403);
    const ok = await ss.post(`/api/arenden/${caseRef}/atgarder/andra-flyttdatum`, { token: token(), moveDate: iso(50) });
    expect(ok.status).toBe(200);
    const second = await until(async () => (await openTasks(flytt.key)).find((t) => t.elementId === 'Overlamningsmote' && t.userTaskKey !== first.userTaskKey), 'the meeting re-created', 60_000);
    const moveDate = await engine.client.searchVariables({ filter: { processInstanceKey: flytt.key, name: 'moveDate' } as never }, NOW as never);
    expect(JSON.parse(moveDate.items[0].value)).toBe(iso(50));
    expect(Date.parse(String(second.dueDate))).toBeGreaterThan(Date.parse(String(first.dueDate)));
  }, 120_000);
});
