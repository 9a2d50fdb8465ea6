/**
 * One time for the whole product: the engine clock is pinned months ahead of the web server's clock (a time-travel
 * demo), the engine's timers fire the reminder and the daily breach escalations, the real workers record and mail
 * them — and the web app's case list, dashboard, drill-down lists and Notiser agree with the engine, although the web
 * server's own clock says nothing is due. Nothing here asks the engine for its time (a Camunda 8 cluster has no
 * such endpoint): the web app judges from what the process recorded. The mail links open the task (or the case for
 * a manager) on the web app, also through the login page.
 */
import { DateTime } from 'luxon';
import { startWorkerApp, type WorkerApp } from '../../workers/main';
import { pinClock } from '../helpers/api';
import { definitions } from '../helpers/bpmn-xml';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testConfig } from '../workers/setup';
import { Agent, PASSWORDS, startTestWeb, until, type TestWeb } from './helpers';

const DAY = 86_400_000;
const HOUR = 3_600_000;
let engine: TestEngine;
let web: TestWeb;
let smtp: TestSmtp;
let workers: WorkerApp;
/** The engine's (pinned) time: ~3 months after the real clock the web server uses. */
const T0 = Date.now() + 90 * DAY;
let clock = T0;
async function setClock(ms: number) { clock = ms; await pinClock(engine.client, ms); }

/** A user task with a deadline, its reminder and its daily breach escalation, wired like every deadline in bpmn/. */
const escalate = (id: string, level: string) => `<bpmn:serviceTask id="${id}" name="${level}"><bpmn:extensionElements><zeebe:taskDefinition type="vk.escalate" /><zeebe:taskHeaders>
  <zeebe:header key="level" value="${level}" /><zeebe:header key="deadline" value="remissmote" /><zeebe:header key="dueDateVariable" value="frist" />
  <zeebe:header key="group" value="socialsekreterare-{kommun}" /><zeebe:header key="escalateTo" value="chef-{kommun}" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`;
const XML = definitions(`<bpmn:process id="vk-test-tidsfrist" name="Tidsfrist" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Hall" />
  <bpmn:userTask id="Hall" name="Håll mötet"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" /><zeebe:taskSchedule dueDate="=frist" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="Hall" targetRef="end" /><bpmn:endEvent id="end" />
  <bpmn:boundaryEvent id="Paminnelse" cancelActivity="false" attachedToRef="Hall"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">=fristReminder</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f3" sourceRef="Paminnelse" targetRef="Hall_paminn" />${escalate('Hall_paminn', 'reminder')}<bpmn:sequenceFlow id="f4" sourceRef="Hall_paminn" targetRef="e1" /><bpmn:endEvent id="e1" />
  <bpmn:boundaryEvent id="Forsenad" cancelActivity="false" attachedToRef="Hall"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">="R/" + frist + "/P1D"</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f5" sourceRef="Forsenad" targetRef="Hall_eskalera" />${escalate('Hall_eskalera', 'breach')}<bpmn:sequenceFlow id="f6" sourceRef="Hall_eskalera" targetRef="e2" /><bpmn:endEvent id="e2" />
</bpmn:process>`);

beforeAll(async () => {
  engine = await startTestEngine();
  smtp = await startTestSmtp();
  await setClock(T0);
  await engine.client.createDeployment({ resources: [new File([XML], 'vk-test-tidsfrist.bpmn', { type: 'application/xml' })] });
  // The web app keeps the real clock; it never learns the engine's.
  web = await startTestWeb(engine.client);
  workers = startWorkerApp(testConfig(smtp.port, web.dataDir, { taskCreatedMail: { enabled: true, pollMs: 200, overlapMs: 60_000 } }), engine.client, () => DateTime.fromMillis(clock));
}, 60_000);
afterAll(async () => {
  await workers?.stop(700);
  await smtp?.stop();
  await web?.stop();
  await engine?.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const refs = (j: { rows: Array<{ caseRef: string | null }> }) => j.rows.map((r) => r.caseRef).sort();

test('with the engine clock pinned ahead, late and at-risk in the web app follow the engine\'s timers', async () => {
  const start = async (caseRef: string, frist: number) => String((await engine.client.createProcessInstance({ processDefinitionId: 'vk-test-tidsfrist' as never, variables: { caseRef, kommun: 'vaxjo', frist: iso(frist), fristReminder: iso(frist - 3 * DAY) } })).processInstanceKey);
  const A = 'VK-2027-000901';
  const B = 'VK-2027-000902';
  const piA = await start(A, T0 + 7 * DAY);
  await start(B, T0 + 30 * DAY);
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const chef = await Agent.login(web.url, 'chef-vaxjo');
  const counts = async () => { const d = (await chef.get('/api/oversikt')).json; return { late: d.risk.reduce((s: number, r: any) => s + r.breached, 0), risk: d.risk.reduce((s: number, r: any) => s + r.atRisk, 0) }; };
  const list = async (status: string) => refs((await ss.get(`/api/mina-arenden?status=${status}`)).json);
  const drill = async (visa: string) => (await chef.get(`/api/oversikt/arenden?visa=${visa}`)).json;
  const recorded = (action: string, n: number) => until(async () => web.audit.query({ caseRef: A, action }).length >= n, `${n} × ${action}`, 15_000);

  // The task-created mail arrives, its link names the case and the step.
  await until(async () => smtp.messages.some((m) => m.subject === `Ny uppgift i vårdkedjan – ärende ${A}`), 'task mail', 15_000);
  expect((await until(async () => ((await ss.get('/api/mina-arenden?status=alla')).json.total === 2), 'both cases listed'))).toBe(true);
  expect(await list('forsenade')).toEqual([]);
  expect(await list('riskzon')).toEqual([]);
  expect(await counts()).toEqual({ late: 0, risk: 0 });

  // Engine at the reminder: at risk everywhere, though the web clock is ~3 months before the deadline.
  await setClock(T0 + 4 * DAY + HOUR);
  await recorded('escalation.reminder', 1);
  expect(await list('riskzon')).toEqual([A]);
  expect(await list('forsenade')).toEqual([]);
  expect(await counts()).toEqual({ late: 0, risk: 1 });
  expect((await drill('riskzon')).rows.map((r: any) => r.caseRef)).toEqual([A]);
  const ssNotices = (await ss.get('/api/notiser')).json.items;
  expect(ssNotices).toEqual([expect.objectContaining({ level: 'reminder', caseRef: A, taskName: 'Håll mötet', taskOpen: true, role: 'ansvarig' })]);

  // Engine at the deadline: late, 0 days; the manager gets the escalation in Notiser.
  await setClock(T0 + 7 * DAY + HOUR);
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
  await setClock(T0 + 8 * DAY + 2 * HOUR);
  await recorded('escalation.breach', 2);
  await setClock(T0 + 9 * DAY + 3 * HOUR);
  await recorded('escalation.breach', 3);
  const late = (await ss.get('/api/mina-arenden?status=forsenade')).json.rows[0];
  expect(late.steps[0]).toMatchObject({ name: 'Håll mötet', late: true, daysLate: 2 });
  const d = await drill('forsenade');
  expect(d.rows.map((r: any) => [r.caseRef, r.cells[4]])).toEqual([[A, 2]]);
  expect((await drill('eskaleringar')).rows).toHaveLength(3);
  // B (deadline 30 engine days on) is neither late nor at risk.
  expect(await list('riskzon')).toEqual([]);

  // Mail links: the breach mail opens the task for the socialsekreterare and the case for the manager.
  const breachMail = smtp.messages.find((m) => m.subject.startsWith('Tidsfrist överskriden') && m.subject.includes(A))!;
  const link = /Öppna uppgiften: (\S+)/.exec(breachMail.text)![1];
  expect(link).toBe(`http://localhost:3000/oppna?arende=${A}&steg=Hall`);
  const path = link.replace('http://localhost:3000', '');
  const task = (await engine.client.searchUserTasks({ filter: { processInstanceKey: piA, state: 'CREATED' } as never }, { consistency: { waitUpToMs: 0 } })).items[0];
  expect((await ss.req('GET', path)).headers.get('location')).toBe(`/uppgifter/${String(task.userTaskKey)}`);
  expect((await chef.req('GET', path)).headers.get('location')).toBe(`/arenden/${piA}`);
  // Followed without a session: login first, then on to the task.
  const fresh = new Agent(web.url);
  expect((await fresh.req('GET', path)).headers.get('location')).toBe('/login');
  const login = await fresh.html('/login');
  fresh.csrf = /name="_csrf" value="([^"]+)"/.exec(login)![1];
  const back = await fresh.req('POST', '/login', { username: 'ss-vaxjo', password: PASSWORDS['ss-vaxjo'], _csrf: fresh.csrf }, { form: true, csrf: false });
  expect(back.headers.get('location')).toBe(path);
  // Another kommun's socialsekreterare is sent to the case page, which refuses her.
  const other = await Agent.login(web.url, 'ss-alvesta');
  const to = (await other.req('GET', path)).headers.get('location')!;
  expect(to).toBe(`/arenden/${piA}`);
  expect((await other.get(`/api/arenden/${piA}`)).status).toBe(403);
  expect((await ss.get('/api/mina-arenden?status=alla')).json.total).toBe(2);
}, 120_000);
