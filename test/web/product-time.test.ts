/**
 * One time for the whole product: the engine clock is pinned months ahead of the web server's clock (a time-travel
 * demo), the engine's timers fire the reminder and the daily breach escalations, the real workers record and mail
 * them — and the web app's case list, dashboard, drill-down lists and Notiser agree with the engine, although the web
 * server's own clock says nothing is due. Nothing here asks the engine for its time (a Camunda 8 cluster has no
 * such endpoint): the web app judges from what the process recorded. The mail links open the task (or the case for
 * a manager) on the web app, also through the login page.
 */
import { useTimeTravel } from './deadline-fixture';
import { Agent, PASSWORDS, until } from './helpers';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The engine's (pinned) time: ~3 months after the real clock the web server uses. */
const T0 = Date.now() + 90 * DAY;
const tt = useTimeTravel(T0, { taskCreatedMail: { enabled: true, pollMs: 200, overlapMs: 60_000 } });

const iso = (ms: number) => new Date(ms).toISOString();
const refs = (j: { rows: Array<{ caseRef: string | null }> }) => j.rows.map((r) => r.caseRef).sort();

test('with the engine clock pinned ahead, late and at-risk in the web app follow the engine\'s timers', async () => {
  const start = async (caseRef: string, frist: number) => String((await tt.engine.client.createProcessInstance({ processDefinitionId: 'vk-test-tidsfrist' as never, variables: { caseRef, kommun: 'vaxjo', frist: iso(frist), fristReminder: iso(frist - 3 * DAY) } })).processInstanceKey);
  const A = 'VK-2027-000901';
  const B = 'VK-2027-000902';
  const piA = await start(A, T0 + 7 * DAY);
  await start(B, T0 + 30 * DAY);
  const ss = await Agent.login(tt.web.url, 'ss-vaxjo');
  const chef = await Agent.login(tt.web.url, 'chef-vaxjo');
  const counts = async () => { const d = (await chef.get('/api/oversikt')).json; return { late: d.risk.reduce((s: number, r: any) => s + r.breached, 0), risk: d.risk.reduce((s: number, r: any) => s + r.atRisk, 0) }; };
  const list = async (status: string) => refs((await ss.get(`/api/mina-arenden?status=${status}`)).json);
  const drill = async (visa: string) => (await chef.get(`/api/oversikt/arenden?visa=${visa}`)).json;
  const recorded = (action: string, n: number) => until(async () => (await tt.web.audit.query({ caseRef: A, action })).length >= n, `${n} × ${action}`, 15_000);

  // The task-created mail arrives, its link names the case and the step.
  await until(async () => tt.smtp.messages.some((m) => m.subject === `Ny uppgift i vårdkedjan – ärende ${A}`), 'task mail', 15_000);
  expect((await until(async () => ((await ss.get('/api/mina-arenden?status=alla')).json.total === 2), 'both cases listed'))).toBe(true);
  expect(await list('forsenade')).toEqual([]);
  expect(await list('riskzon')).toEqual([]);
  expect(await counts()).toEqual({ late: 0, risk: 0 });

  // E is due 2½ engine days after A's reminder, its own reminder only 12 hours before: within "Förfaller snart"
  // once the engine has reached A's reminder, though nothing was recorded for E.
  const E = 'VK-2027-000905';
  const piE = String((await tt.engine.client.createProcessInstance({ processDefinitionId: 'vk-test-tidsfrist' as never, variables: { caseRef: E, kommun: 'vaxjo', frist: iso(T0 + 6.5 * DAY + HOUR), fristReminder: iso(T0 + 6 * DAY + HOUR) } })).processInstanceKey);
  await until(async () => ((await ss.get('/api/uppgifter')).json.items as any[]).some((t) => t.caseRef === E), 'E listed');
  expect(((await ss.get('/api/uppgifter?filter=snart')).json.items as any[]).map((t) => t.caseRef)).toEqual([]);

  // Engine at the reminder: at risk everywhere, though the web clock is ~3 months before the deadline.
  await tt.setClock(T0 + 4 * DAY + HOUR);
  await recorded('escalation.reminder', 1);
  // The reminder moved the product's time: the inbox's "Förfaller snart" shows A (reminded) and E (due in 2½ days).
  // (The web app looks for new records every 250 ms.)
  await until(async () => ((await ss.get('/api/uppgifter?filter=snart')).json.items as any[]).length === 2, 'two due soon');
  expect(((await ss.get('/api/uppgifter?filter=snart')).json.items as any[]).map((t) => t.caseRef).sort()).toEqual([A, E]);
  expect(((await ss.get('/api/uppgifter?filter=forsenade')).json.items as any[])).toEqual([]);
  expect((await list('riskzon')).sort()).toEqual([A, E]);
  // E done: the rest of the story is A's and B's.
  const taskE = (await tt.engine.client.searchUserTasks({ filter: { processInstanceKey: piE, state: 'CREATED' } as never }, { consistency: { waitUpToMs: 0 } })).items[0];
  await tt.engine.client.completeUserTask({ userTaskKey: taskE.userTaskKey });
  await until(async () => !((await ss.get('/api/uppgifter')).json.items as any[]).some((t) => t.caseRef === E), 'E done');
  expect(await list('riskzon')).toEqual([A]);
  expect(await list('forsenade')).toEqual([]);
  expect(await counts()).toEqual({ late: 0, risk: 1 });
  expect((await drill('riskzon')).rows.map((r: any) => r.caseRef)).toEqual([A]);
  const ssNotices = (await ss.get('/api/notiser')).json.items;
  expect(ssNotices).toEqual([expect.objectContaining({ level: 'reminder', caseRef: A, taskName: 'Håll mötet', taskOpen: true, role: 'ansvarig' })]);

  // Engine at the deadline: late, 0 days; the manager gets the escalation in Notiser.
  await tt.setClock(T0 + 7 * DAY + HOUR);
  await recorded('escalation.breach', 1);
  expect(await list('forsenade')).toEqual([A]);
  expect(await list('riskzon')).toEqual([]);
  expect(await counts()).toEqual({ late: 1, risk: 0 });
  expect((await chef.get('/api/notiser')).json.items).toEqual([expect.objectContaining({ level: 'breach', step: 1, caseRef: A, role: 'eskalerad' })]);
  // The inbox and the case page, which know only due dates, follow the product's time (the engine has reached at
  // least the due date whose breach timer fired): "Försenade" lists A, not B; the case marks the step overdue.
  const inboxLate = (await ss.get('/api/uppgifter?filter=forsenade')).json.items as any[];
  expect(inboxLate.map((t) => [t.caseRef, t.overdue])).toEqual([[A, true]]);
  expect((await ss.get(`/api/arenden/${piA}`)).json.overdueElementIds).toEqual(['Hall']);

  // Two engine days later: the daily escalation has run twice more, and the lists say 2 days late.
  await tt.setClock(T0 + 8 * DAY + 2 * HOUR);
  await recorded('escalation.breach', 2);
  await tt.setClock(T0 + 9 * DAY + 3 * HOUR);
  await recorded('escalation.breach', 3);
  const late = (await ss.get('/api/mina-arenden?status=forsenade')).json.rows[0];
  expect(late.steps[0]).toMatchObject({ name: 'Håll mötet', late: true, daysLate: 2 });
  const d = await drill('forsenade');
  expect(d.rows.map((r: any) => [r.caseRef, r.cells[4]])).toEqual([[A, 2]]);
  expect((await drill('eskaleringar')).rows).toHaveLength(3);
  // B (deadline 30 engine days on) is neither late nor at risk.
  expect(await list('riskzon')).toEqual([]);

  // Mail links: the breach mail opens the task for the socialsekreterare and the case for the manager.
  const breachMail = tt.smtp.messages.find((m) => m.subject.startsWith('Tidsfrist överskriden') && m.subject.includes(A))!;
  const link = /Öppna uppgiften: (\S+)/.exec(breachMail.text)![1];
  expect(link).toBe(`http://localhost:3000/oppna?arende=${A}&steg=Hall`);
  const path = link.replace('http://localhost:3000', '');
  const task = (await tt.engine.client.searchUserTasks({ filter: { processInstanceKey: piA, state: 'CREATED' } as never }, { consistency: { waitUpToMs: 0 } })).items[0];
  expect((await ss.req('GET', path)).headers.get('location')).toBe(`/uppgifter/${String(task.userTaskKey)}`);
  expect((await chef.req('GET', path)).headers.get('location')).toBe(`/arenden/${piA}`);
  // Followed without a session: login first, then on to the task.
  const fresh = new Agent(tt.web.url);
  expect((await fresh.req('GET', path)).headers.get('location')).toBe('/login');
  const login = await fresh.html('/login');
  fresh.csrf = /name="_csrf" value="([^"]+)"/.exec(login)![1];
  const back = await fresh.req('POST', '/login', { username: 'ss-vaxjo', password: PASSWORDS['ss-vaxjo'], _csrf: fresh.csrf }, { form: true, csrf: false });
  expect(back.headers.get('location')).toBe(path);
  // Another kommun's socialsekreterare is sent to the case page, which refuses her.
  const other = await Agent.login(tt.web.url, 'ss-alvesta');
  const to = (await other.req('GET', path)).headers.get('location')!;
  expect(to).toBe(`/arenden/${piA}`);
  expect((await other.get(`/api/arenden/${piA}`)).status).toBe(403);
  expect((await ss.get('/api/mina-arenden?status=alla')).json.total).toBe(3); // A, B and the finished E
}, 240_000);
