/**
 * Kommun isolation over HTTP (issue 7): the web app (createApp) on 127.0.0.1:0 against a real embedded engine with
 * every care-chain diagram and form. An Alvesta socialsekreterare starts a case; a Växjö socialsekreterare and the
 * Växjö chef, signed in like browsers, get 403 for every page and direct /api call on that case and its task
 * (read, form, claim, release, complete), the task stays untouched in the engine, and the Alvesta user keeps
 * access (positive control). Without a session: 401 / redirect to the login, never data.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { NOW, waitForUserTask } from '../helpers/api';
import { Agent, resourceFiles, startTestWeb, type TestWeb } from '../web/helpers';

jest.setTimeout(90_000);

let engine: TestEngine;
let web: TestWeb;
let caseKey: string;
let taskKey: string;

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
  const alvesta = await Agent.login(web.url, 'ss-alvesta');
  const started = await alvesta.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  expect(started.status).toBe(201);
  caseKey = String(started.json.processInstanceKey);
  taskKey = String((await waitForUserTask(engine.client, caseKey, 'Utredning')).userTaskKey);
});

afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

const validAnswers = { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' };

function attempts(): [string, string, unknown?][] {
  return [
    ['GET', `/api/arenden/${caseKey}`],
    ['GET', `/api/arenden/${caseKey}/diagram`],
    ['GET', `/arenden/${caseKey}`],
    ['GET', `/api/uppgifter/${taskKey}`],
    ['GET', `/api/uppgifter/${taskKey}/formular`],
    ['GET', `/uppgifter/${taskKey}`],
    ['POST', `/api/uppgifter/${taskKey}/ta`, {}],
    ['POST', `/api/uppgifter/${taskKey}/lamna`, {}],
    ['POST', `/api/uppgifter/${taskKey}/slutfor`, { data: validAnswers }],
    ['POST', `/uppgifter/${taskKey}/ta`, {}],
  ];
}

test('the Alvesta socialsekreterare reaches the own case and task (positive control)', async () => {
  const a = await Agent.login(web.url, 'ss-alvesta');
  expect((await a.get(`/api/arenden/${caseKey}`)).status).toBe(200);
  expect((await a.get(`/api/uppgifter/${taskKey}`)).status).toBe(200);
  const inbox = await a.get('/api/uppgifter');
  expect(JSON.stringify(inbox.json)).toContain(taskKey);
});

test.each(['ss-vaxjo', 'chef-vaxjo'])('%s gets 403 for every page and direct API call on an Alvesta case and task; the task is untouched', async (user) => {
  const agent = await Agent.login(web.url, user);
  const before = await engine.client.getUserTask({ userTaskKey: taskKey as never }, NOW);
  const answers: string[] = [];
  for (const [method, p, body] of attempts()) {
    const r = method === 'GET' ? await agent.get(p) : await agent.post(p, body);
    answers.push(`${method} ${p} → ${r.status}`);
    expect({ call: `${method} ${p}`, status: r.status }).toEqual({ call: `${method} ${p}`, status: 403 });
    expect(r.text).not.toContain('VK-2026'); // no case reference leaks in the refusal
  }
  const inbox = await agent.get('/api/uppgifter');
  expect(inbox.status).toBe(200);
  expect(JSON.stringify(inbox.json)).not.toContain(taskKey);
  const after = await engine.client.getUserTask({ userTaskKey: taskKey as never }, NOW);
  expect(after.state).toBe('CREATED');
  expect(after.assignee).toBe(before.assignee);
  // Each refused case read is in the audit log.
  expect((await web.audit.query({ action: 'case.read.denied', actor: user })).length).toBeGreaterThan(0);
});

test('without a session API reads are 401, pages redirect to the login, writes are refused; nothing leaks or changes', async () => {
  const anonymous = new Agent(web.url);
  for (const [method, p, body] of attempts()) {
    const r = method === 'GET' ? await anonymous.get(p) : await anonymous.req(method, p, body, { csrf: false });
    // GETs: 401 (API) or a redirect to the login (pages); writes without a session also lack the CSRF token: 403.
    const ok = method === 'GET' ? (p.startsWith('/api/') ? r.status === 401 : r.status >= 300 && r.status < 400) : r.status === 401 || r.status === 403;
    expect({ call: `${method} ${p}`, status: r.status, ok }).toEqual({ call: `${method} ${p}`, status: r.status, ok: true });
    expect(r.text).not.toContain('VK-2026');
  }
  const after = await engine.client.getUserTask({ userTaskKey: taskKey as never }, NOW);
  expect(after.state).toBe('CREATED');
});
