/**
 * Deadlines as the inbox, the case view and the dashboard show them: the web app runs with an injected clock
 * (days after the remissgruppen deadline) against the real engine; escalations come from the audit log as the
 * workers write them.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

const DAY = 86_400_000;
let engine: TestEngine;
let web: TestWeb;
let offset = 0;

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client, { now: () => new Date(Date.now() + offset) });
}, 60_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

/** Runs a new placement request through the socialsekreterare's two forms; the deadline job answers `deadline`. */
async function toMatchning(ss: Agent, deadline: string) {
  const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  const { caseRef, processInstanceKey } = started.json as { caseRef: string; processInstanceKey: string };
  const first = await until(async () => ((await ss.get('/api/uppgifter')).json.items as any[]).find((t) => t.caseRef === caseRef), 'Utredning');
  expect((await ss.post(`/api/uppgifter/${first.userTaskKey}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'ingen' } })).status).toBe(200);
  const second = await until(async () => ((await ss.get('/api/uppgifter')).json.items as any[]).find((t) => t.caseRef === caseRef && t.elementId === 'Uppdragsblankett'), 'Uppdragsblankett');
  expect((await ss.post(`/api/uppgifter/${second.userTaskKey}/slutfor`, { data: { behovsomraden: ['boende'], foreslagenNiva: 'novus', barn: 'ja', samtyckeRemissgrupp: true } })).status).toBe(200);
  const job = await until(async () => (await engine.client.activateJobs({ type: 'vk.deadline.calculate', maxJobsToActivate: 1, timeout: 10_000, worker: 'web-test', requestTimeout: -1 } as never)).jobs[0], 'deadline job');
  await engine.client.completeJob({ jobKey: job.jobKey, variables: { matchningDeadline: deadline, matchningDeadlineReminder: new Date(Date.parse(deadline) - 2 * DAY).toISOString() } });
  return { caseRef, processInstanceKey };
}

test('a remissgruppen task past its deadline: overdue in the inbox, marked in the case, counted on the dashboard with its escalation', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  const deadline = new Date(Date.now() + 7 * DAY).toISOString();
  const { caseRef, processInstanceKey } = await toMatchning(ss, deadline);
  const earlier = await toMatchning(ss, new Date(Date.now() + 4 * DAY).toISOString());

  const remiss = await Agent.login(web.url, 'remiss-anna');
  const matchning = await until(async () => ((await remiss.get('/api/uppgifter')).json.items as any[]).find((t) => t.caseRef === caseRef), 'Matchning');
  expect(Date.parse(matchning.dueDate)).toBe(Date.parse(deadline));
  // Sorted by due date: the case with the nearer deadline comes first.
  await until(async () => ((await remiss.get('/api/uppgifter')).json.items as any[]).some((t) => t.caseRef === earlier.caseRef), 'second Matchning');
  const order = ((await remiss.get('/api/uppgifter')).json.items as any[]).map((t) => t.caseRef);
  expect(order.indexOf(earlier.caseRef)).toBeLessThan(order.indexOf(caseRef));
  expect(matchning.overdue).toBe(false);
  expect(((await remiss.get('/api/uppgifter?filter=forsenade')).json.items as any[]).some((t) => t.caseRef === caseRef)).toBe(false);

  offset = 6 * DAY; // due within WEB_DUE_SOON_DAYS (3)
  const soon = (await remiss.get('/api/uppgifter?filter=snart')).json.items as any[];
  expect(soon.find((t) => t.caseRef === caseRef)?.dueSoon).toBe(true);

  offset = 10 * DAY; // three days late
  const late = (await remiss.get('/api/uppgifter?filter=forsenade')).json.items as any[];
  expect(late.find((t) => t.caseRef === caseRef)?.overdue).toBe(true);
  expect(((await remiss.get('/api/uppgifter?filter=snart')).json.items as any[]).some((t) => t.caseRef === caseRef)).toBe(false);

  await web.audit.record({ actor: 'worker:escalation', action: 'escalation.breach', caseRef, details: { deadline: 'remissgrupp-matchning', dueDate: deadline, processInstanceKey, elementId: 'Matchning', group: 'remissgruppen', escalateTo: 'chef-region', step: 1 } });
  const view = await remiss.get(`/api/arenden/${processInstanceKey}`);
  expect(view.status).toBe(200);
  expect(view.json.overdueElementIds).toEqual(['Matchning']);
  expect(view.json.activeElementIds).toContain('Matchning');
  expect(view.json.escalations).toHaveLength(1);
  expect(view.json.deadlines.find((d: any) => d.name === 'matchningDeadline').passed).toBe(true);
  const page = await remiss.html(`/arenden/${processInstanceKey}`);
  expect(page).toContain('Tidsgräns överskriden');

  const chef = await Agent.login(web.url, 'chef-region');
  const dash = (await chef.get('/api/oversikt')).json;
  expect(dash.risk.find((r: any) => r.process === 'vk-placeringsforfragan').breached).toBe(2); // both cases are late by now
  expect(dash.escalations.breaches).toBe(1);
  expect(dash.remissgruppen).toEqual([]); // not completed yet
  // chef-alvesta-like scoping: chef-vaxjo sees the case's kommun, a filter on another kommun hides it
  const chefVaxjo = await Agent.login(web.url, 'chef-vaxjo');
  expect((await chefVaxjo.get('/api/oversikt?kommun=vaxjo')).json.risk[0].breached).toBe(2);
  const region = (await chef.get('/api/oversikt?kommun=alvesta')).json;
  expect(region.risk).toEqual([]);
  expect(region.escalations.breaches).toBe(0);
}, 60_000);
