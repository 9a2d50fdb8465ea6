/**
 * Mina ärenden, the dashboard's drill-down lists and the IVO report ("Ej verkställda beslut") against the real
 * engine: who sees which cases, search by a reference in any form, filters and sort, every figure equal to the
 * length of the list behind it, and the CSV in Swedish formats.
 */
import { definitions } from '../helpers/bpmn-xml';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, PASSWORDS, resourceFiles, startTestWeb, type TestWeb } from './helpers';

const DAY = 86_400_000;
let engine: TestEngine;
let web: TestWeb;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

/** One user task offered to `grp`, due at `due` (the shape of every deadline-bearing step in the diagrams). */
const LIST_XML = definitions(`<bpmn:process id="vk-test-lista" name="Testprocess" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Steg" />
  <bpmn:userTask id="Steg" name="Håll mötet"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="=[grp]" /><zeebe:taskSchedule dueDate="=due" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="Steg" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>`);

const cases: Record<string, { pi: string; caseRef: string }> = {};
async function start(name: string, processId: string, variables: Record<string, unknown>) {
  const caseRef = `VK-2026-${String(800100 + Object.keys(cases).length).slice(-6)}`;
  const pi = String((await engine.client.createProcessInstance({ processDefinitionId: processId as never, variables: { caseRef, ...variables } })).processInstanceKey);
  cases[name] = { pi, caseRef };
}

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: [...resourceFiles(), new File([LIST_XML], 'vk-test-lista.bpmn', { type: 'application/xml' })] });
  web = await startTestWeb(engine.client, { now: () => new Date(now) });
  const decided = (days: number) => iso(now - days * DAY).slice(0, 10);
  // Placement decisions for the IVO report.
  await start('ejVerkstalld', 'vk-placeringsforfragan', { kommun: 'vaxjo', beslut: 'bifall', decisionDate: decided(120), home: 'novus' });
  await start('sentVerkstalld', 'vk-placeringsforfragan', { kommun: 'vaxjo', beslut: 'bifall', decisionDate: decided(150), home: 'novus', admittedAt: iso(Date.parse(`${decided(150)}T00:00:00Z`) + 130.5 * DAY) });
  await start('nyttBeslut', 'vk-placeringsforfragan', { kommun: 'vaxjo', beslut: 'bifall', decisionDate: decided(30), home: 'novus' });
  await start('iTid', 'vk-placeringsforfragan', { kommun: 'vaxjo', beslut: 'bifall', decisionDate: decided(200), home: 'ekeliden', admittedAt: iso(now - 190 * DAY) });
  await start('avslag', 'vk-placeringsforfragan', { kommun: 'vaxjo', beslut: 'avslag', decisionDate: decided(120), home: 'novus' });
  await start('alvesta', 'vk-placeringsforfragan', { kommun: 'alvesta', beslut: 'bifall', decisionDate: decided(100), home: 'ekeliden' });
  // Open tasks with deadlines: late, at risk, far off, far off but escalated by the engine's timer (recorded).
  await start('sen', 'vk-test-lista', { kommun: 'vaxjo', grp: 'socialsekreterare-vaxjo', due: iso(now - 2.5 * DAY) });
  await start('snart', 'vk-test-lista', { kommun: 'vaxjo', grp: 'remissgruppen', due: iso(now + DAY) });
  await start('senare', 'vk-test-lista', { kommun: 'vaxjo', grp: 'socialsekreterare-vaxjo', due: iso(now + 20 * DAY) });
  await start('eskalerad', 'vk-test-lista', { kommun: 'vaxjo', grp: 'socialsekreterare-vaxjo', due: iso(now + 10 * DAY) });
  await web.audit.record({ actor: 'worker:test', action: 'escalation.breach', caseRef: cases.eskalerad.caseRef, details: { deadline: 'remissmote', dueDate: iso(now + 10 * DAY), processInstanceKey: cases.eskalerad.pi, elementId: 'Steg_eskalera', group: 'socialsekreterare-vaxjo', escalateTo: 'chef-vaxjo', step: 4, jobKey: '1' } });
  await start('alvestaSen', 'vk-test-lista', { kommun: 'alvesta', grp: 'socialsekreterare-alvesta', due: iso(now - DAY) });
}, 90_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

const refs = (j: { rows?: Array<{ caseRef: string | null }>; error?: string }) => { if (!j.rows) throw new Error(`no list: ${JSON.stringify(j)}`); return j.rows.map((r) => r.caseRef); };

test('Mina ärenden: the kommun\'s cases for a socialsekreterare, the group\'s for others; search, filter, sort', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  // The read model also needs the user tasks to exist before the list refreshes.
  await new Promise((r) => setTimeout(r, 300));
  const allRes = await ss.get('/api/mina-arenden?status=alla');
  expect([allRes.status, allRes.json.error]).toEqual([200, undefined]);
  const all = allRes.json;
  const vaxjo = Object.entries(cases).filter(([n]) => !n.startsWith('alvesta')).map(([, c]) => c.caseRef);
  expect(refs(all).sort()).toEqual(vaxjo.sort());
  expect(all.total).toBe(vaxjo.length);

  // Late: by the clock, and by the engine's recorded breach escalation, with days late from its step (4 → 3 days).
  const late = (await ss.get('/api/mina-arenden?status=forsenade')).json;
  expect(refs(late).sort()).toEqual([cases.sen.caseRef, cases.eskalerad.caseRef].sort());
  const esc = late.rows.find((r: any) => r.caseRef === cases.eskalerad.caseRef);
  expect(esc.steps[0]).toMatchObject({ name: 'Håll mötet', late: true, daysLate: 3 });
  expect(late.rows.find((r: any) => r.caseRef === cases.sen.caseRef).steps[0].daysLate).toBe(2);
  expect(refs((await ss.get('/api/mina-arenden?status=riskzon')).json)).toEqual([cases.snart.caseRef]);

  // Sorted by next deadline (cases without one last), or by reference descending.
  const byDeadline = refs((await ss.get('/api/mina-arenden?status=alla&sort=deadline')).json);
  expect(byDeadline.slice(0, 4)).toEqual([cases.sen.caseRef, cases.snart.caseRef, cases.eskalerad.caseRef, cases.senare.caseRef]);
  const byRef = refs((await ss.get('/api/mina-arenden?status=alla&sort=arende&dir=desc')).json);
  expect(byRef).toEqual([...vaxjo].sort().reverse());
  expect(refs((await ss.get('/api/mina-arenden?status=alla&process=vk-test-lista')).json).sort()).toEqual([cases.sen, cases.snart, cases.senare, cases.eskalerad].map((c) => c.caseRef).sort());

  // Search: any case, without the prefix, or the number alone; a full reference opens the case.
  const ref = cases.senare.caseRef;
  for (const q of [ref.toLowerCase(), ref.slice(3), ref.slice(-6), `vk${ref.slice(2)}`]) {
    expect(refs((await ss.get(`/api/mina-arenden?status=alla&sok=${encodeURIComponent(q)}`)).json)).toEqual([ref]);
  }
  const open = await ss.req('GET', `/mina-arenden?sok=${ref.toLowerCase()}&status=alla`, undefined);
  expect(open.status).toBe(303);
  expect(open.headers.get('location')).toBe(`/arenden/${cases.senare.pi}`);
  // Another kommun's case is not found, and bad input is refused in Swedish.
  expect((await ss.get(`/api/mina-arenden?status=alla&sok=${cases.alvestaSen.caseRef}`)).json.total).toBe(0);
  const bad = await ss.get('/api/mina-arenden?sok=%3Cscript%3E');
  expect(bad.status).toBe(400);
  expect(bad.json.error).toMatch(/Sök på ärendenummer/);

  // The page itself: names not slugs, the late badge, the holder.
  const page = await ss.html('/mina-arenden?status=forsenade');
  expect(page).toContain('Försenad 3 dagar');
  expect(page).toContain('Socialsekreterare Växjö');
  expect(page).toContain(`href="/arenden/${cases.sen.pi}"`);

  // remissgruppen sees only the case it has a task in; a kontaktperson none of them.
  const remiss = await Agent.login(web.url, 'remiss-anna');
  expect(refs((await remiss.get('/api/mina-arenden?status=alla')).json)).toEqual([cases.snart.caseRef]);
  const kp = await Agent.login(web.url, 'kp-novus');
  expect((await kp.get('/api/mina-arenden?status=alla')).json.total).toBe(0);
});

test('chefs land on the dashboard after sign-in; others in the inbox', async () => {
  for (const [user, where] of [['chef-vaxjo', '/oversikt'], ['chef-region', '/oversikt'], ['ss-vaxjo', '/uppgifter']] as const) {
    const a = new Agent(web.url);
    const login = await a.html('/login');
    a.csrf = /name="_csrf" value="([^"]+)"/.exec(login)![1];
    const res = await a.req('POST', '/login', { username: user, password: PASSWORDS[user], _csrf: a.csrf }, { form: true, csrf: false });
    expect([user, res.headers.get('location')]).toEqual([user, where]);
  }
});

test('every dashboard figure opens the list of cases behind it, with the same count', async () => {
  const chef = await Agent.login(web.url, 'chef-vaxjo');
  const d = (await chef.get('/api/oversikt')).json;
  const list = async (q: string) => (await chef.get(`/api/oversikt/arenden?${q}`)).json;
  const late = await list('visa=forsenade');
  expect(late.rows.length).toBe(d.risk.reduce((s: number, r: any) => s + r.breached, 0));
  expect(late.rows.map((r: any) => r.caseRef).sort()).toEqual([cases.sen.caseRef, cases.eskalerad.caseRef].sort());
  // caseRef, process, step, deadline, days late, responsible group, assignee
  const row = late.rows.find((r: any) => r.caseRef === cases.eskalerad.caseRef);
  expect(row.cells).toEqual([cases.eskalerad.caseRef, 'vk-test-lista', 'Håll mötet', iso(now + 10 * DAY), 3, 'Socialsekreterare Växjö', '–']);
  expect(row.processInstanceKey).toBe(cases.eskalerad.pi);
  expect(row.shown).toEqual({ 4: '3 dagar' });
  const drillHtml = await chef.html('/oversikt/arenden?visa=forsenade');
  expect(drillHtml).toContain('<th>Försenad</th>');
  expect(drillHtml).toContain('>3 dagar</td>');
  expect(drillHtml).not.toMatch(/>0<\/td>/);
  expect((await list('visa=riskzon')).rows.length).toBe(d.risk.reduce((s: number, r: any) => s + r.atRisk, 0));
  expect((await list('visa=forsenade&process=vk-test-lista')).rows.length).toBe(d.risk.find((r: any) => r.process === 'vk-test-lista').breached);
  for (const q of d.queue) expect([q.home, (await list(`visa=ko&home=${q.home}`)).rows.length]).toEqual([q.home, q.inQueue]);
  expect((await list('visa=verkstallda')).rows.length).toBe(d.executed.admitted);
  expect((await list('visa=verkstallda')).rows.filter((r: any) => r.cells[6] === 'Ja').length).toBe(d.executed.withoutDelay);
  expect((await list('visa=eskaleringar')).rows.map((r: any) => r.caseRef)).toEqual([cases.eskalerad.caseRef]);
  expect(d.escalations.breaches).toBe(1);
  // Never another kommun's cases, and the HTML list links each case.
  expect(JSON.stringify(await list('visa=forsenade'))).not.toContain(cases.alvestaSen.caseRef);
  const html = await chef.html('/oversikt/arenden?visa=forsenade');
  expect(html).toContain(`<a href="/arenden/${cases.eskalerad.pi}">${cases.eskalerad.caseRef}</a>`);
  expect((await chef.get('/api/oversikt/arenden?visa=allt')).status).toBe(400);
  expect((await chef.get('/api/oversikt/arenden?visa=forsenade&kommun=alvesta')).status).toBe(403);
});

test('Ej verkställda beslut per case for IVO, as CSV in Swedish formats', async () => {
  const chef = await Agent.login(web.url, 'chef-vaxjo');
  const report = (await chef.get('/api/oversikt/ej-verkstallda')).json;
  expect(report.rows.map((r: any) => r.caseRef)).toEqual([cases.sentVerkstalld.caseRef, cases.ejVerkstalld.caseRef]);
  const open = report.rows.find((r: any) => r.caseRef === cases.ejVerkstalld.caseRef).cells;
  expect(open[6]).toBe(120);
  expect(open[8]).toBe('Ej verkställt');
  const res = await fetch(`${web.url}/oversikt/ej-verkstallda.csv`, { headers: { cookie: chef.cookie } });
  expect(res.headers.get('content-type')).toMatch(/text\/csv/);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel reads UTF-8
  const csv = bytes.toString('utf8');
  const lines = csv.slice(1).trim().split('\r\n');
  expect(lines[0]).toBe('"Ärende";"Kommun";"Beslut";"Beslutsdatum";"Skulle verkställts senast";"Verkställt";"Dagar från beslut";"Boende";"Status"');
  expect(lines).toHaveLength(3);
  const late = lines.find((l) => l.startsWith(`"${cases.sentVerkstalld.caseRef}"`))!.split(';');
  expect(late[1]).toBe('"Växjö"');
  expect(late[3]).toMatch(/^"\d{4}-\d{2}-\d{2}"$/);
  expect(late[6]).toBe('"130"');
  expect(late[8]).toBe('"Verkställt efter tidsgränsen"');
  // chef-region sees the other kommun's open decision too.
  const region = await Agent.login(web.url, 'chef-region');
  expect((await region.get('/api/oversikt/ej-verkstallda')).json.rows.map((r: any) => r.caseRef)).toContain(cases.alvesta.caseRef);

  // Decimals with a comma and nothing Excel reads as a date, in the lists and the dashboard CSV.
  const admitted = await (await fetch(`${web.url}/oversikt/arenden.csv?visa=inskrivna`, { headers: { cookie: chef.cookie } })).text();
  expect(admitted).toContain('"130,5"');
  const dashboard = await (await fetch(`${web.url}/oversikt.csv`, { headers: { cookie: chef.cookie } })).text();
  for (const text of [csv, admitted, dashboard]) expect(text).not.toMatch(/"-?\d+\.\d+"/);
  expect(dashboard).toMatch(/"väntetid till inskrivning \(dagar\)";"Novus";"snitt";"130,5"/);
  const page = await chef.html('/oversikt/arenden?visa=inskrivna');
  expect(page).toContain('130,5');
});
