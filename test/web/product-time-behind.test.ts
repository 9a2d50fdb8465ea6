/**
 * One time for the whole product, the other way round: the engine clock pinned two months *behind* the web server's
 * (a test or demo replaying an earlier date). Once an escalation step has recorded the engine's time (the workers
 * take it from the job), the web app judges late and at risk by the engine's time, not its own: a deadline that
 * lies in the web server's past but in the engine's future is at risk, not late — and becomes late when the
 * engine's breach timer fires.
 */
import { useTimeTravel } from './deadline-fixture';
import { Agent, until } from './helpers';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.now() - 60 * DAY;
const tt = useTimeTravel(T0);

const iso = (ms: number) => new Date(ms).toISOString();

test('with the engine clock pinned behind, a deadline in the web server\'s past is not late until the engine says so', async () => {
  const C = 'VK-2026-000921';
  const D = 'VK-2026-000922';
  const start = (caseRef: string, frist: number, reminder: number) => tt.engine.client.createProcessInstance({ processDefinitionId: 'vk-test-tidsfrist' as never, variables: { caseRef, kommun: 'vaxjo', frist: iso(frist), fristReminder: iso(reminder) } });
  await start(C, T0 + 7 * DAY, T0 + 4 * DAY);
  await start(D, T0 + 20 * DAY, T0 + 17 * DAY);
  const ss = await Agent.login(tt.web.url, 'ss-vaxjo');
  const chef = await Agent.login(tt.web.url, 'chef-vaxjo');
  const inbox = async (filter: string) => ((await ss.get(`/api/uppgifter?filter=${filter}`)).json.items as any[]).map((t) => t.caseRef).sort();
  const list = async (status: string) => ((await ss.get(`/api/mina-arenden?status=${status}`)).json.rows as any[]).map((r) => r.caseRef).sort();
  const counts = async () => { const d = (await chef.get('/api/oversikt')).json; return { late: d.risk.reduce((s: number, r: any) => s + r.breached, 0), risk: d.risk.reduce((s: number, r: any) => s + r.atRisk, 0) }; };
  await until(async () => (await inbox('alla')).length === 2, 'both tasks');

  // The engine reaches C's reminder: the step records the engine's time, two months before the web server's.
  await tt.setClock(T0 + 4 * DAY + HOUR);
  await until(async () => (await tt.web.audit.query({ caseRef: C, action: 'escalation.reminder' })).length === 1, 'reminder', 15_000);
  expect((await tt.web.audit.query({ caseRef: C, action: 'escalation.reminder' }))[0].details).toEqual(expect.objectContaining({ engineTime: expect.any(String) }));
  // Both deadlines lie in the web server's past; by the engine's time C is due in 3 days and D in 16.
  // (The web app looks for new records every 250 ms.)
  await until(async () => (await inbox('snart')).join() === C, 'C due soon');
  expect(await inbox('forsenade')).toEqual([]);
  expect(await inbox('snart')).toEqual([C]);
  expect(await list('forsenade')).toEqual([]);
  expect(await list('riskzon')).toEqual([C]);
  expect(await counts()).toEqual({ late: 0, risk: 1 });

  // The engine passes C's deadline: late now, D still not.
  await tt.setClock(T0 + 7 * DAY + HOUR);
  await until(async () => (await tt.web.audit.query({ caseRef: C, action: 'escalation.breach' })).length === 1, 'breach', 15_000);
  await until(async () => (await inbox('forsenade')).join() === C, 'C late');
  expect(await inbox('snart')).toEqual([]);
  expect(await list('forsenade')).toEqual([C]);
  expect(await list('riskzon')).toEqual([]);
  expect(await counts()).toEqual({ late: 1, risk: 0 });
}, 120_000);
