/**
 * "Ny uppgift" mail when a user task is created: real engine, real SMTP server, the real notifier polling the
 * user-task search through the official client. One mail per task and group, also when the poller restarts (durable
 * cursor + outbox), tasks created while it was down are mailed after the restart, the link opens the task on the
 * configured public address (a non-default port), and the mail carries no personal data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorkerApp, type WorkerApp } from '../../workers/main';
import { plan } from '../../scripts/start';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { definitions } from '../helpers/bpmn-xml';
import { testConfig } from './setup';
import { loadConfig } from '../../workers/config';

let engine: TestEngine;
let smtp: TestSmtp;
let dataDir: string;
const apps: WorkerApp[] = [];

/** Two user tasks in sequence: one for a kommun's socialsekreterare (with a due date), then one for two groups. */
const XML = definitions(`<bpmn:process id="vk-test-ny-uppgift" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Forsta" />
  <bpmn:userTask id="Forsta" name="Gör utredningen"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" /><zeebe:taskSchedule dueDate="=due" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="Forsta" targetRef="Andra" />
  <bpmn:userTask id="Andra" name="Matcha boende"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="remissgruppen, kontaktperson-novus" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f3" sourceRef="Andra" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>`);

const WEB = 'http://localhost:13999';
async function start(): Promise<WorkerApp> {
  const base = testConfig(smtp.port, dataDir, { taskCreatedMail: { enabled: true, pollMs: 100, overlapMs: 60_000 } });
  const app = await startWorkerApp({ ...base, webBaseUrl: WEB }, engine.client);
  apps.push(app);
  return app;
}

beforeAll(async () => {
  engine = await startTestEngine();
  smtp = await startTestSmtp();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-task-created-'));
  await engine.client.createDeployment({ resources: [new File([XML], 'vk-test-ny-uppgift.bpmn', { type: 'application/xml' })] });
}, 60_000);
afterAll(async () => {
  for (const a of apps) await a.stop(700);
  await smtp?.stop();
  await engine?.stop();
});

const mailsFor = (caseRef: string) => smtp.messages.filter((m) => m.subject.includes(caseRef));
async function waitMails(caseRef: string, n: number) {
  const end = Date.now() + 15_000;
  while (mailsFor(caseRef).length < n) {
    if (Date.now() > end) throw new Error(`expected ${n} mails for ${caseRef}, got ${mailsFor(caseRef).length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function openTask(pi: string, elementId: string) {
  const end = Date.now() + 10_000;
  for (;;) {
    const res = await engine.client.searchUserTasks({ filter: { processInstanceKey: pi, elementId, state: 'CREATED' } as never }, { consistency: { waitUpToMs: 0 } });
    if (res.items[0]) return res.items[0];
    if (Date.now() > end) throw new Error(`no open task ${elementId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a mail per group when a task is created, once, across restarts; link to the task on the configured address', async () => {
  let app = await start();
  const caseRef = 'VK-2026-000701';
  const pi = String((await engine.client.createProcessInstance({ processDefinitionId: 'vk-test-ny-uppgift' as never, variables: { caseRef, kommun: 'vaxjo', due: '2026-12-10T16:00:00+01:00', klientNamn: 'Anna Andersson 19850101-1234' } })).processInstanceKey);
  const first = await openTask(pi, 'Forsta');
  await waitMails(caseRef, 1);
  const [mail] = mailsFor(caseRef);
  expect(mail.to).toEqual(['soc.vaxjo@test.local']);
  expect(mail.subject).toBe(`Ny uppgift i vårdkedjan – ärende ${caseRef}`);
  expect(mail.text).toContain('Du har en uppgift i vårdkedjan: Gör utredningen.');
  expect(mail.text).toContain(`Öppna uppgiften: ${WEB}/oppna?arende=${caseRef}&steg=Forsta\n`);
  expect(mail.text).toContain('torsdag 10 december 2026 kl. 16:00');
  // Only the task name, the case reference, the due date and the link: no variable of the case.
  expect(mail.text).not.toMatch(/Anna|Andersson|19850101/);

  // Restart: the same tasks are seen again (overlap) but not mailed again.
  await app.stop(700);
  app = await start();
  await app.taskCreated!.poll();
  await app.taskCreated!.poll();
  expect(mailsFor(caseRef)).toHaveLength(1);

  // A task created while the poller is down is mailed when it comes back — to each of its groups, once.
  await app.stop(700);
  await engine.client.completeUserTask({ userTaskKey: first.userTaskKey });
  await openTask(pi, 'Andra');
  app = await start();
  await waitMails(caseRef, 3);
  await app.taskCreated!.poll();
  await new Promise((r) => setTimeout(r, 500));
  const later = mailsFor(caseRef).slice(1);
  expect(later).toHaveLength(2);
  expect(later.flatMap((m) => m.to).sort()).toEqual(['kontaktperson-novus@vardkedjan.test', 'remissgruppen@test.local']);
  expect(later.every((m) => m.text.includes(`${WEB}/oppna?arende=${caseRef}&steg=Andra\n`))).toBe(true);
  // No engine key (16 digits, shaped like a personnummer to a mail filter) in any mail.
  for (const m of mailsFor(caseRef)) expect(m.text).not.toMatch(/\d{10}/);
  // Each message has its idempotency key: a duplicate would share it.
  const keys = mailsFor(caseRef).map((m) => m.headers['x-vardkedjan-key']);
  expect(new Set(keys).size).toBe(keys.length);
  expect(await app.deps.audit.query({ caseRef, action: 'notification.sent' })).toHaveLength(3);
}, 60_000);

test('npm start hands the web port to the workers, so mail links work on a non-default WEB_PORT', () => {
  const env = plan({ WEB_PORT: '13150', ENGINE_PORT: '18150' }).env;
  expect(env.WEB_BASE_URL).toBe('http://localhost:13150');
  expect(loadConfig({ ...env, WORKERS_CONFIG: path.join(__dirname, '..', '..', 'config', 'workers.json') }).webBaseUrl).toBe('http://localhost:13150');
  // A configured public address wins (the app behind a proxy).
  expect(plan({ WEB_PORT: '13150', WEB_BASE_URL: 'https://vardkedjan.example.se' }).env.WEB_BASE_URL).toBe('https://vardkedjan.example.se');
});
