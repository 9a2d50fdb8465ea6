/**
 * The web app's JSON/HTML routes against a real embedded engine: sign-in, CSRF, task authorization per group and
 * kommun, server-side form validation, double completion, case access + audit, dashboard access and CSV.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

let engine: TestEngine;
let web: TestWeb;

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
}, 60_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

async function startPlacement(ss: Agent) {
  const res = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  expect(res.status).toBe(201);
  const { caseRef, processInstanceKey } = res.json as { caseRef: string; processInstanceKey: string };
  const task = await until(async () => ((await ss.get('/api/uppgifter')).json.items as any[]).find((t) => t.caseRef === caseRef), 'first task');
  return { caseRef, processInstanceKey, task };
}

describe('sign-in and CSRF', () => {
  test('anonymous requests are refused: API 401, pages redirect to /login', async () => {
    const a = new Agent(web.url);
    expect((await a.get('/api/uppgifter')).status).toBe(401);
    const page = await fetch(web.url + '/uppgifter', { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
  });

  test('wrong password → 401 with a Swedish message, and the failure is audited', async () => {
    const a = new Agent(web.url);
    const page = await a.html('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const res = await a.req('POST', '/login', { username: 'ss-vaxjo', password: 'fel', _csrf: csrf }, { form: true, csrf: false });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Fel användarnamn eller lösenord');
    expect((await web.audit.query({ action: 'auth.login.failed', actor: 'ss-vaxjo' })).length).toBeGreaterThan(0);
  });

  test('login without the CSRF token is refused', async () => {
    const a = new Agent(web.url);
    await a.html('/login');
    const res = await a.req('POST', '/login', { username: 'ss-vaxjo', password: 'vaxjo2026' }, { form: true, csrf: false });
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF');
  });

  test('session cookie is HttpOnly + SameSite, helmet headers are set', async () => {
    const res = await fetch(web.url + '/login');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('a signed-in write without the CSRF token is refused and changes nothing', async () => {
    const ss = await Agent.login(web.url, 'ss-vaxjo');
    const res = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.json.error).toContain('CSRF');
  });
});

describe('tasks', () => {
  let ss: Agent;
  let alvesta: Agent;
  let remiss: Agent;
  beforeAll(async () => {
    ss = await Agent.login(web.url, 'ss-vaxjo');
    alvesta = await Agent.login(web.url, 'ss-alvesta');
    remiss = await Agent.login(web.url, 'remiss-anna');
  });

  test('starting a case gives a pseudonymous caseRef and the user kommun; the first task lands in the right inbox only', async () => {
    const { caseRef, task } = await startPlacement(ss);
    expect(caseRef).toMatch(/^VK-\d{4}-\d{6}$/);
    expect(task.kommun).toBe('vaxjo');
    expect(task.candidateGroups).toEqual(['socialsekreterare-vaxjo']);
    expect(((await alvesta.get('/api/uppgifter')).json.items as any[]).some((t) => t.userTaskKey === task.userTaskKey)).toBe(false);
    expect(((await remiss.get('/api/uppgifter')).json.items as any[]).some((t) => t.userTaskKey === task.userTaskKey)).toBe(false);
  });

  test('a user of another kommun cannot read, claim, complete the task or open the case (403, Swedish message)', async () => {
    const { task, processInstanceKey } = await startPlacement(ss);
    for (const res of [
      await alvesta.get(`/api/uppgifter/${task.userTaskKey}`),
      await alvesta.get(`/api/uppgifter/${task.userTaskKey}/formular`),
      await alvesta.post(`/api/uppgifter/${task.userTaskKey}/ta`),
      await alvesta.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { data: { klientIntresserad: 'nej' } }),
      await alvesta.get(`/api/arenden/${processInstanceKey}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json.error).toMatch(/behörighet|annan grupp/);
    }
    expect((await ss.get(`/api/uppgifter/${task.userTaskKey}`)).json.state).toBe('CREATED');
    expect((await web.audit.query({ action: 'case.read.denied', actor: 'ss-alvesta' })).length).toBeGreaterThan(0);
    // Reading the form (the case's variables) is a case read too.
    const form = await ss.get(`/api/uppgifter/${task.userTaskKey}/formular`);
    expect(form.json.schema.id).toBe('vk-placering-utredning');
    expect(form.json.data.caseRef).toBe(task.caseRef);
    expect((await web.audit.query({ action: 'case.read', caseRef: task.caseRef })).map((e) => e.details?.source)).toContain('task-form');
    expect((await alvesta.post('/api/arenden', { processId: 'vk-placeringsforfragan' })).status).toBe(201); // own kommun is fine
  });

  test('non-socialsekreterare cannot start cases', async () => {
    const res = await remiss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    expect(res.status).toBe(403);
    expect((await ss.post('/api/arenden', { processId: 'vk-okand' })).status).toBe(403);
    expect((await ss.post('/api/arenden', {})).status).toBe(400);
  });

  test('claim / unclaim: assignee shown, others of the group cannot take a claimed task', async () => {
    const { task } = await startPlacement(ss);
    expect((await ss.post(`/api/uppgifter/${task.userTaskKey}/ta`)).status).toBe(200);
    expect((await ss.get(`/api/uppgifter/${task.userTaskKey}`)).json.assignee).toBe('ss-vaxjo');
    expect(((await ss.get('/api/uppgifter?filter=mina')).json.items as any[]).some((t) => t.userTaskKey === task.userTaskKey)).toBe(true);
    const again = await ss.post(`/api/uppgifter/${task.userTaskKey}/ta`);
    expect(again.status).toBe(200);
    // A colleague in the same group still sees it, with the holder's name, but cannot claim or complete it.
    const colleague = await Agent.login(web.url, 'ss-vaxjo-2');
    const seen = ((await colleague.get('/api/uppgifter')).json.items as any[]).find((t) => t.userTaskKey === task.userTaskKey);
    expect(seen.assigneeName).toBe('Sara Lind (socialsekreterare Växjö)');
    expect(((await colleague.get('/api/uppgifter?filter=grupp')).json.items as any[]).some((t) => t.userTaskKey === task.userTaskKey)).toBe(false);
    const take = await colleague.post(`/api/uppgifter/${task.userTaskKey}/ta`);
    expect(take.status).toBe(409);
    expect(take.json.error).toContain('redan tilldelad Sara Lind');
    expect((await colleague.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { data: { klientIntresserad: 'nej' } })).status).toBe(409);
    expect((await colleague.post(`/api/uppgifter/${task.userTaskKey}/lamna`)).status).toBe(409);
    expect((await ss.post(`/api/uppgifter/${task.userTaskKey}/lamna`)).status).toBe(200);
    expect((await ss.get(`/api/uppgifter/${task.userTaskKey}`)).json.assignee).toBeUndefined();
    expect((await ss.post(`/api/uppgifter/${task.userTaskKey}/lamna`)).status).toBe(409);
    expect((await ss.get('/api/uppgifter?filter=okand')).status).toBe(400);
  });

  test('missing required fields → 400 with field errors, nothing completed', async () => {
    const { task } = await startPlacement(ss);
    const res = await ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { data: { klientIntresserad: 'ja' } });
    expect(res.status).toBe(400);
    expect(res.json.error).toContain('Formuläret innehåller fel');
    expect(Object.keys(res.json.fieldErrors)).toEqual(expect.arrayContaining(['barn']));
    expect(res.json.fieldErrors.barn).toMatch(/måste fyllas i/);
    const bad = await ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { data: { klientIntresserad: 'kanske' } });
    expect(bad.status).toBe(400);
    expect(bad.json.fieldErrors.klientIntresserad).toMatch(/Ogiltigt val/);
    expect((await ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { nodata: 1 })).status).toBe(400);
    expect((await ss.get(`/api/uppgifter/${task.userTaskKey}`)).json.state).toBe('CREATED');
  });

  test('completion survives a double click: one succeeds, the other gets "redan slutförd"; a later retry too', async () => {
    const { task } = await startPlacement(ss);
    const body = { data: { klientIntresserad: 'nej' } };
    const [a, b] = await Promise.all([ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, body), ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, body)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.json.error).toMatch(/redan slutförd/);
    const later = await ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, body);
    expect(later.status).toBe(409);
    expect(later.json.error).toMatch(/redan slutförd/);
    expect((await web.audit.query({ action: 'task.completed', actor: 'ss-vaxjo' })).filter((e) => e.details?.userTaskKey === task.userTaskKey)).toHaveLength(1);
  });

  test('unknown and malformed task keys → 404', async () => {
    expect((await ss.get('/api/uppgifter/999999999999')).status).toBe(404);
    expect((await ss.get('/api/uppgifter/abc')).status).toBe(404);
  });
});

describe('cases and dashboard', () => {
  test('case view: involved users and managers may open it, every read is audited; others get 403', async () => {
    const ss = await Agent.login(web.url, 'ss-vaxjo');
    const { task, processInstanceKey, caseRef } = await startPlacement(ss);
    await ss.post(`/api/uppgifter/${task.userTaskKey}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' } }).then((r) => expect([200, 400]).toContain(r.status));
    const view = await ss.get(`/api/arenden/${processInstanceKey}`);
    expect(view.status).toBe(200);
    expect(view.json.caseRef).toBe(caseRef);
    expect(view.json.history.length).toBeGreaterThan(0);
    const reads = await web.audit.query({ action: 'case.read', caseRef });
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads[0].actor).toBe('ss-vaxjo');
    const diagram = await ss.get(`/api/arenden/${processInstanceKey}/diagram`);
    expect(diagram.json.xml).toContain('vk-placeringsforfragan');
    expect(diagram.json.active.length).toBeGreaterThan(0);
    expect((await (await Agent.login(web.url, 'chef-vaxjo')).get(`/api/arenden/${processInstanceKey}`)).status).toBe(200);
    expect((await (await Agent.login(web.url, 'chef-region')).get(`/api/arenden/${processInstanceKey}`)).status).toBe(200);
    expect((await (await Agent.login(web.url, 'kp-novus')).get(`/api/arenden/${processInstanceKey}`)).status).toBe(403);
    const html = await ss.html(`/arenden/${processInstanceKey}`);
    expect(html).toContain(`Ärende ${caseRef}`);
    const found = await fetch(`${web.url}/arenden?ref=${caseRef}`, { headers: { cookie: ss.cookie }, redirect: 'manual' });
    expect(found.headers.get('location')).toBe(`/arenden/${processInstanceKey}`);
  });

  test('dashboard: only managers; chef-<kommun> only their kommun; JSON and CSV', async () => {
    const ss = await Agent.login(web.url, 'ss-vaxjo');
    expect((await ss.get('/api/oversikt')).status).toBe(403);
    const chef = await Agent.login(web.url, 'chef-vaxjo');
    expect((await chef.get('/api/oversikt?kommun=alvesta')).status).toBe(403);
    expect((await chef.get('/api/oversikt?from=igår')).status).toBe(400);
    const own = await chef.get('/api/oversikt?kommun=vaxjo');
    expect(own.status).toBe(200);
    expect(own.json.queue.map((q: any) => q.home)).toEqual(['ekeliden', 'novus']);
    const region = await Agent.login(web.url, 'chef-region');
    const all = await region.get('/api/oversikt');
    expect(all.status).toBe(200);
    expect(Array.isArray(all.json.compliance)).toBe(true);
    const csv = await region.req('GET', '/oversikt.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toContain('"indikator";"process/område"');
  });
});
