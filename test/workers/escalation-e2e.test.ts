/**
 * The escalation ladder of a real diagram (bpmn/vk-vardkedjeremiss.bpmn) with the real workers, driven by the
 * engine clock: reminder before the deadline, breach escalation repeated daily (step 1, 2, …) until the task is
 * done, then silence. Every step is recorded and mailed once.
 */
import { DateTime } from 'luxon';
import { pinClock } from '../helpers/api';
import { completeTask, deployAll, userTask } from '../processes/helpers';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv();
const DAY = 86_400_000;
const HOUR = 3_600_000;
let clock = Date.parse('2026-11-02T08:00:00+01:00');
async function setClock(ms: number) { clock = ms; await pinClock(env.engine.client, ms); }

beforeAll(async () => {
  await setClock(clock);
  await deployAll(env.engine.client);
  // The workers read the same (pinned) clock as the engine, so "never before now" matches the test's time.
  await env.start(() => DateTime.fromMillis(clock));
});

test('remissmöte: reminder, daily breach escalation to chef-region with increasing step, stops when done', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000601';
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-vardkedjeremiss' as never, variables: { caseRef, kommun: 'alvesta', referralDate: '2026-11-02' } });
  const key = String(pi.processInstanceKey);
  await completeTask(client, key, 'BedomRemiss', { arVardkedjeremiss: 'ja', enheter: ['allmanpsykiatri'], drogfri: 'ja', behandlingKraverDrogfrihet: 'nej' });
  // the summoned unit is told of the meeting (kallelse mail) before the meeting task exists
  await completeTask(client, key, 'KallaRemissmote', { remissmoteTid: '2026-11-10T13:00:00+01:00' });
  const task = await userTask(client, key, 'RemissMote');
  const due = Date.parse(task.dueDate!);
  expect(new Date(due).toISOString()).toBe('2026-11-16T15:00:00.000Z'); // 2 Nov + 14 days, 16:00 Stockholm

  // the deadline ladder's mails (kallelse and "ny uppgift" mails of the same case are not counted here)
  const mine = () => env.smtp.messages.filter((m) => m.subject.includes(caseRef) && /^(Påminnelse|Tidsfrist överskriden):/.test(m.subject));
  const waitMine = async (n: number) => { const until = Date.now() + 10_000; while (mine().length < n) { if (Date.now() > until) throw new Error(`expected ${n} mails, got ${mine().length}`); await new Promise((r) => setTimeout(r, 25)); } };

  await setClock(due - 3 * DAY + HOUR);
  await waitMine(1);
  expect(mine()[0].subject).toBe('Påminnelse: Gemensamt remissmöte – ärende VK-2026-000601');

  await setClock(due + HOUR);
  await waitMine(3);
  await setClock(due + DAY + HOUR);
  await waitMine(5);
  const breaches = mine().slice(1);
  expect(breaches.every((m) => m.subject === 'Tidsfrist överskriden: Gemensamt remissmöte – ärende VK-2026-000601')).toBe(true);
  expect(breaches.flatMap((m) => m.to)).toEqual(expect.arrayContaining(['chef-region@vardkedjan.test']));
  expect(breaches.filter((m) => m.text.includes('Eskalering nummer 2'))).toHaveLength(2);

  await completeTask(client, key, 'RemissMote', { remissmoteDatum: '2026-11-17', insatsordning: 'parallellt', allaEnheterDeltog: true });
  await setClock(due + 3 * DAY);
  await new Promise((r) => setTimeout(r, 1000));
  expect(mine()).toHaveLength(5);

  const audit = env.apps[0].deps.audit;
  expect(await audit.query({ caseRef, action: 'escalation.reminder' })).toHaveLength(1);
  expect((await audit.query({ caseRef, action: 'escalation.breach' })).map((e) => e.details!.step).reverse()).toEqual([1, 2]);
});
