/**
 * "Starta ärende" (GET/POST /arenden/ny) against a real embedded engine with the project's diagrams: the list comes
 * from config/start.json joined with the deployed definitions (searchProcessDefinitions), a process whose diagram has
 * a start form (vk-under-placering → forms/vk-under-placering-start.form) is started through it, the values are
 * checked on the server as task forms are (400, Swedish field errors, values kept, nothing started), a valid start
 * creates the instance with the values and goes to the case page, and every start and refusal is audited.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestEngine } from '../helpers/engine';
import { CaseService } from '../../web/server/cases/service';
import { loadStartConfig } from '../../web/server/cases/start';
import { Agent, startWebEnv, until, type TestWeb } from './helpers';

let engine: TestEngine;
let web: TestWeb;

beforeAll(async () => { ({ engine, web } = await startWebEnv()); }, 60_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

const PROCESS = 'vk-under-placering';
const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
/** A data-* attribute of the start page's form container, decoded. */
const formAttr = (page: string, name: string) => JSON.parse(unescape(new RegExp(`<div id="form"[^>]*\\b${name}="([^"]*)"`).exec(page)![1]));
const post = (a: Agent, body: Record<string, unknown>) => a.req('POST', '/arenden/ny', { _csrf: a.csrf, ...body }, { form: true });
const instancesOf = async (processId: string) => (await engine.client.searchProcessInstances({ filter: { processDefinitionId: processId } as never, page: { limit: 100 } as never } as never, { consistency: { waitUpToMs: 0 } } as never)).items;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test('the start page lists the configured, deployed processes; the one with a start form opens it', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const list = await ss.html('/arenden/ny');
  expect(list).toContain('Ny placeringsförfrågan (inför placering)');
  // Without a start form: a button that starts at once. With one: a link to its form.
  expect(list).toMatch(/<button data-process="vk-placeringsforfragan">/);
  expect(list).toMatch(/<a class="button" href="\/arenden\/ny\?process=vk-under-placering" data-process="vk-under-placering">Inskrivning utan placeringsförfrågan/);

  const formPage = await ss.html(`/arenden/ny?process=${PROCESS}`);
  expect(formPage).toContain('<h1>Inskrivning utan placeringsförfrågan (under placering)</h1>');
  const schema = formAttr(formPage, 'data-schema');
  expect(schema.id).toBe('vk-under-placering-start');
  expect(schema.components.map((c: { key?: string }) => c.key).filter(Boolean)).toEqual(['home', 'admissionDate']);
  expect(unescape(formPage)).toContain('<script src="/static/form-page.js"></script><script src="/static/start.js"></script>');
  expect(formPage).toContain('Starta ärendet');
});

test('bad values → 400 with Swedish field errors, the values kept, nothing started, the rejection audited', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const before = (await instancesOf(PROCESS)).length;
  const typed = { home: 'gotham', admissionDate: '2026-02-31' };
  const res = await post(ss, { processId: PROCESS, data: JSON.stringify(typed) });
  expect(res.status).toBe(400);
  expect(unescape(res.text)).toContain('Ogiltigt val i "Boende".');
  expect(unescape(res.text)).toContain('"Inskrivningsdatum" ska vara ett riktigt datum (ÅÅÅÅ-MM-DD)');
  expect(formAttr(res.text, 'data-values')).toEqual(typed);
  expect(Object.keys(formAttr(res.text, 'data-errors')).sort()).toEqual(['admissionDate', 'home']);

  const empty = await post(ss, { processId: PROCESS, data: JSON.stringify({}) });
  expect(empty.status).toBe(400);
  expect(unescape(empty.text)).toContain('Fältet "Boende" måste fyllas i.');

  const unreadable = await post(ss, { processId: PROCESS, data: '{not json' });
  expect(unreadable.status).toBe(400);
  expect(unreadable.text).toContain('Formulärets värden kunde inte läsas.');

  // The JSON API answers the same check with the field errors.
  const api = await ss.post('/api/arenden', { processId: PROCESS, data: { home: 'novus', admissionDate: 'igår' } });
  expect(api.status).toBe(400);
  expect(api.json.fieldErrors).toEqual({ admissionDate: '"Inskrivningsdatum" ska vara ett riktigt datum (ÅÅÅÅ-MM-DD), t.ex. 2026-12-04.' });

  expect((await instancesOf(PROCESS)).length).toBe(before);
  const rejected = await web.audit.query({ actor: 'ss-vaxjo', action: 'case.start.rejected', limit: 10 });
  expect(rejected.length).toBe(3);
  expect(rejected.map((e) => e.details?.fields)).toContainEqual(['home', 'admissionDate']);
});

test('a valid start creates the instance with the form values and goes to the case page; audited', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const admission = day(-2);
  // kommun and caseRef are the app's; a key the form does not have never reaches the process.
  const res = await post(ss, { processId: PROCESS, data: JSON.stringify({ home: 'novus', admissionDate: admission, kommun: 'alvesta', queuePriority: 'a' }) });
  expect(res.status).toBe(303);
  const caseRef = /^\/arenden\/(VK-\d{4}-\d{6})$/.exec(res.headers.get('location') ?? '')![1];
  const started = (await web.audit.query({ caseRef, action: 'case.started', limit: 5 }))[0];
  expect(started.actor).toBe('ss-vaxjo');
  expect(started.details).toEqual(expect.objectContaining({ processDefinitionId: PROCESS, startForm: 'vk-under-placering-start', fields: ['home', 'admissionDate'], kommun: 'vaxjo' }));
  const key = String(started.details!.processInstanceKey);
  const vars = await until(async () => {
    const items = (await engine.client.searchVariables({ filter: { processInstanceKey: key } as never, page: { limit: 100 } as never } as never, { consistency: { waitUpToMs: 0 } } as never)).items;
    const v = Object.fromEntries(items.filter((i) => String(i.scopeKey) === key).map((i) => [i.name, JSON.parse(i.value)]));
    return 'home' in v ? v : undefined;
  }, 'start variables');
  expect(vars).toEqual(expect.objectContaining({ caseRef, kommun: 'vaxjo', home: 'novus', admissionDate: admission }));
  expect(vars).not.toHaveProperty('queuePriority');
  // The start form answered what the diagram would otherwise ask in "Ange uppgifter om placeringen".
  const tasks = await until(async () => {
    const items = (await engine.client.searchUserTasks({ filter: { processInstanceKey: key } as never } as never, { consistency: { waitUpToMs: 0 } } as never)).items;
    return items.length > 0 ? items : undefined;
  }, 'first task');
  expect(tasks.map((t) => t.elementId)).not.toContain('AngeUppgifter');

  const casePage = await ss.html(res.headers.get('location')!);
  expect(casePage).toContain(caseRef);
  expect(casePage).toContain(`Ärende ${caseRef} är startat: Inskrivning utan placeringsförfrågan (under placering).`);
});

test('the same start page sent twice starts one case: the second answer leads to the first case', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const page = await ss.html(`/arenden/ny?process=${PROCESS}`);
  const token = /name="token" value="([^"]+)"/.exec(page)![1];
  const before = (await instancesOf(PROCESS)).length;
  const body = { processId: PROCESS, token, data: JSON.stringify({ home: 'ekeliden', admissionDate: day(0) }) };
  const first = await post(ss, body);
  const second = await post(ss, body);
  expect([first.status, second.status]).toEqual([303, 303]);
  expect(second.headers.get('location')).toBe(first.headers.get('location'));
  expect((await instancesOf(PROCESS)).length).toBe(before + 1);
  expect(await ss.html(second.headers.get('location')!)).toContain('var redan startat (formuläret skickades två gånger)');
  // A refused submission keeps its token for the corrected one.
  const again = await ss.html(`/arenden/ny?process=${PROCESS}`);
  const t2 = /name="token" value="([^"]+)"/.exec(again)![1];
  expect(t2).not.toBe(token);
  const bad = await post(ss, { processId: PROCESS, token: t2, data: '{}' });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain(`name="token" value="${t2}"`);
  expect((await post(ss, { processId: PROCESS, token: t2, data: JSON.stringify({ home: 'novus', admissionDate: day(0) }) })).status).toBe(303);
  expect((await instancesOf(PROCESS)).length).toBe(before + 2);
});

test('a process without a start form still starts at once from its button', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const res = await post(ss, { processId: 'vk-placeringsforfragan' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/uppgifter');
});

test('refused starts are 403 and audited; a configured process that is not deployed is not offered', async () => {
  const remiss = await Agent.login(web.url, 'remiss-anna');
  expect(await remiss.html('/arenden/ny')).not.toContain('Inskrivning utan placeringsförfrågan');
  const page = await remiss.req('GET', `/arenden/ny?process=${PROCESS}`);
  expect(page.status).toBe(403);
  expect((await post(remiss, { processId: PROCESS, data: JSON.stringify({ home: 'novus', admissionDate: day(0) }) })).status).toBe(403);
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  expect((await post(ss, { processId: 'vk-sip', data: '{}' })).status).toBe(403); // not configured: started from a case
  const denied = await web.audit.query({ action: 'case.start.denied', limit: 20 });
  expect(denied.filter((e) => e.actor === 'remiss-anna' && e.details?.processDefinitionId === PROCESS).length).toBe(2);
  expect(denied.some((e) => e.actor === 'ss-vaxjo' && e.details?.processDefinitionId === 'vk-sip' && e.details?.reason === 'not-allowed')).toBe(true);

  const cases = new CaseService({ client: engine.client, audit: web.audit, now: () => new Date(), startable: [{ processId: 'vk-ej-driftsatt', label: 'Finns inte', role: 'socialsekreterare' }] });
  const user = { id: 'ss-vaxjo', name: 'Sara', groups: ['socialsekreterare-vaxjo'] };
  expect(await cases.startableFor(user)).toEqual([]);
  await expect(cases.start(user, 'vk-ej-driftsatt')).rejects.toMatchObject({ status: 404 });
});

test('the start configuration is checked when it is read', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-start-'));
  const file = path.join(dir, 'start.json');
  fs.writeFileSync(file, JSON.stringify({ processes: [{ processId: 'vk-a', label: 'A', role: 'socialsekreterare' }, { processId: 'vk-a', label: 'B', role: 'socialsekreterare' }] }));
  expect(() => loadStartConfig(file)).toThrow('listed twice');
  fs.writeFileSync(file, JSON.stringify({ processes: [{ processId: 'vk-a', label: 'A' }] }));
  expect(() => loadStartConfig(file)).toThrow(/role/);
  expect(loadStartConfig().map((e) => e.processId)).toEqual(['vk-placeringsforfragan', PROCESS]);
});
