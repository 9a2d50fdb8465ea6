/**
 * Runtime internals for events: timers on a pinned clock, message correlation and buffering,
 * signals, BPMN errors and escalations, event sub-processes and event-based gateways.
 */
import { RuntimeHarness } from '../helpers/runtime';
import { completeJob } from '../../engine/runtime/jobs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let h: RuntimeHarness;
beforeEach(() => {
  h = new RuntimeHarness();
});
afterEach(async () => {
  await h.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

test('intermediate timer with a FEEL duration fires only when the clock reaches it', async () => {
  await h.deployFixtures('timer-intermediate');
  const pi = h.start('timer-intermediate', { waitFor: 'P14D' });
  h.advance(14 * DAY - 1000);
  expect(h.state(pi)).toBe('ACTIVE');
  h.advance(1000);
  expect(h.state(pi)).toBe('COMPLETED');
});

test('a timer expression that is not a duration raises EXTRACT_VALUE_ERROR on the catch event', async () => {
  await h.deployFixtures('timer-intermediate');
  const pi = h.start('timer-intermediate', { waitFor: 'two weeks' });
  expect(h.incidents()).toEqual([expect.objectContaining({ error_type: 'EXTRACT_VALUE_ERROR', element_id: 'wait' })]);
  expect(h.elements(pi)).toEqual(['timer-intermediate', 'wait']);
});

test('interrupting date boundary ends the task; the non-interrupting reminder fires first and keeps it', async () => {
  await h.deployFixtures('timer-boundary');
  const now = h.engine.clock.now();
  const pi = h.start('timer-boundary', { deadline: iso(now + 2 * DAY) });
  h.advance(HOUR);
  expect(h.jobs('timer.remind')).toHaveLength(1);
  expect(h.userTasks('CREATED')).toHaveLength(1);
  h.advance(2 * DAY);
  expect(h.userTasks('CANCELED')).toHaveLength(1);
  expect(h.elements(pi, 'COMPLETED')).toEqual(expect.arrayContaining(['deadline', 'endOverdue']));
  expect(h.elements(pi, 'TERMINATED')).toEqual(['work']);
});

test('completing the task before its deadline removes the boundary timers', async () => {
  await h.deployFixtures('timer-boundary');
  const pi = h.start('timer-boundary', { deadline: iso(h.engine.clock.now() + DAY) });
  expect(h.engine.db.prepare('SELECT COUNT(*) AS n FROM timers').get()).toEqual({ n: 2 });
  h.completeTask('work');
  expect(h.engine.db.prepare('SELECT COUNT(*) AS n FROM timers').get()).toEqual({ n: 0 });
  expect(h.state(pi)).toBe('COMPLETED');
});

test('a non-interrupting cycle boundary fires R3 times, then stops', async () => {
  await h.deployFixtures('timer-cycle-boundary');
  h.start('timer-cycle-boundary');
  for (let i = 0; i < 5; i++) h.advance(10 * 60_000);
  expect(h.jobs('timer.tick', 10)).toHaveLength(3);
  expect(h.userTasks('CREATED')).toHaveLength(1);
});

test('a timer start event with a cycle starts one instance per repetition, then stops', async () => {
  await h.deployFixtures('timer-start-cycle');
  h.advance(HOUR);
  expect(h.instancesOf('timer-start-cycle')).toHaveLength(1);
  h.advance(HOUR);
  expect(h.instancesOf('timer-start-cycle')).toHaveLength(2);
  h.advance(5 * HOUR);
  expect(h.instancesOf('timer-start-cycle')).toHaveLength(2);
});

test('messages correlate by name and FEEL correlation key; receive task and boundary too', async () => {
  await h.deployFixtures('message-catch');
  const pi = h.start('message-catch', { caseRef: 'VK-1' });
  const other = h.start('message-catch', { caseRef: 'VK-2' });
  h.publish('payment', 'VK-1', { paid: 100 });
  expect(h.variables(pi)).toEqual(expect.objectContaining({ paid: 100 }));
  expect(h.elements(pi)).toContain('ack');
  expect(h.elements(other)).toContain('payment');
  h.publish('ack', 'ack-VK-1');
  expect(h.userTasks('CREATED').map((t) => t.process_instance_key)).toEqual([pi]);
  h.publish('cancel-work', 'VK-1', { reason: 'moved' });
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'COMPLETED')).toContain('endCancelled');
  expect(h.userTasks('CANCELED')).toHaveLength(1);
});

test('a message with TTL is buffered and correlates when the subscription opens; expired ones do not', async () => {
  await h.deployFixtures('message-catch');
  h.publish('payment', 'VK-9', { early: true }, HOUR);
  h.publish('payment', 'VK-8', {}, HOUR);
  h.advance(2 * HOUR);
  const pi = h.start('message-catch', { caseRef: 'VK-9' });
  expect(h.elements(pi)).toContain('payment');
  h.publish('payment', 'VK-9', { late: true }, DAY);
  const fresh = h.start('message-catch', { caseRef: 'VK-9' });
  // The buffered message reached the first instance; the second got none (one message, one instance of this process).
  expect(h.variables(pi)).toEqual(expect.objectContaining({ late: true }));
  expect(h.elements(fresh)).toContain('payment');
});

test('message start event creates one instance per correlation key while it is active', async () => {
  await h.deployFixtures('message-start');
  h.publish('referral-received', 'VK-1', { caseRef: 'VK-1' });
  h.publish('referral-received', 'VK-1', { caseRef: 'VK-1' });
  h.publish('referral-received', 'VK-2', { caseRef: 'VK-2' });
  const instances = h.instancesOf('message-start');
  expect(instances).toHaveLength(2);
  expect(h.variables(instances[0])).toEqual({ caseRef: 'VK-1' });
});

test('signal catch events continue on broadcast, with the signal variables', async () => {
  await h.deployFixtures('signal-catch');
  const a = h.start('signal-catch');
  const b = h.start('signal-catch');
  h.signal('other');
  expect(h.state(a)).toBe('ACTIVE');
  h.signal('alarm', { level: 2 });
  expect([h.state(a), h.state(b)]).toEqual(['COMPLETED', 'COMPLETED']);
  expect(h.variables(a)).toEqual({ level: 2 });
});

test('a BPMN error from a job is caught by the matching boundary event', async () => {
  await h.deployFixtures('error-boundary');
  const pi = h.start('error-boundary');
  const [job] = h.jobs('err.check');
  h.throwError(job.job.key, 'NOT_ELIGIBLE', { reason: 'age' });
  expect(h.elements(pi, 'TERMINATED')).toEqual(['check']);
  expect(h.variables(pi)).toEqual({ reason: 'age' });
  h.completeOne('err.handle');
  expect(h.elements(pi, 'COMPLETED')).toContain('endRejected');
});

test('an uncaught BPMN error raises UNHANDLED_ERROR_EVENT; resolving gives the job back', async () => {
  await h.deployFixtures('error-boundary');
  const pi = h.start('error-boundary');
  const [job] = h.jobs('err.check');
  h.throwError(job.job.key, 'SOMETHING_ELSE');
  const [incident] = h.incidents();
  expect(incident).toEqual(expect.objectContaining({ error_type: 'UNHANDLED_ERROR_EVENT', element_id: 'check', job_key: job.job.key }));
  h.resolve(incident.key);
  const [again] = h.jobs('err.check');
  expect(again.job.key).toBe(job.job.key);
  h.engine.run((ctx) => completeJob(ctx, again.job.key, {}));
  expect(h.state(pi)).toBe('COMPLETED');
});

test('a non-interrupting escalation boundary on a sub-process starts a parallel path', async () => {
  await h.deployFixtures('escalation-boundary');
  const pi = h.start('escalation-boundary');
  expect(h.jobs('esc.notify')).toHaveLength(1);
  expect(h.jobs('esc.inside')).toHaveLength(1);
  expect(h.elements(pi)).toEqual(expect.arrayContaining(['sub', 'inside', 'notify']));
});

test('non-interrupting message event sub-process runs beside the main flow, repeatedly', async () => {
  await h.deployFixtures('event-subprocess');
  const pi = h.start('event-subprocess', { caseRef: 'VK-5' });
  h.publish('case-updated', 'VK-5', { update: 1 });
  h.publish('case-updated', 'VK-5', { update: 2 });
  expect(h.jobs('evt.update', 10)).toHaveLength(2);
  expect(h.userTasks('CREATED')).toHaveLength(1);
  expect(h.variables(pi).update).toBe(2);
  h.completeTask('work');
  // The event sub-processes still run, so the instance waits for them.
  expect(h.state(pi)).toBe('ACTIVE');
});

test('event-based gateway: the first event wins and the other waits are closed', async () => {
  await h.deployFixtures('event-based-gateway');
  const answered = h.start('event-based-gateway', { caseRef: 'VK-7' });
  const silent = h.start('event-based-gateway', { caseRef: 'VK-8' });
  h.publish('answer', 'VK-7', { answer: 'ja' });
  expect(h.state(answered)).toBe('COMPLETED');
  expect(h.elements(answered, 'COMPLETED')).toContain('endAnswered');
  h.advance(DAY);
  expect(h.elements(silent, 'COMPLETED')).toContain('endTimedOut');
  expect(h.engine.db.prepare('SELECT COUNT(*) AS n FROM subscriptions WHERE element_instance_key IS NOT NULL').get()).toEqual({ n: 0 });
});

test('job lock expiry and retry back-off follow the engine clock', async () => {
  await h.deployFixtures('service-chain');
  h.start('service-chain', { lastType: 'c' });
  const [job] = h.jobs('chain.a');
  expect(h.jobs('chain.a')).toHaveLength(0);
  h.advance(60_000);
  const [again] = h.jobs('chain.a');
  expect(again.job.key).toBe(job.job.key);
  h.fail(job.job.key, 2, HOUR);
  expect(h.jobs('chain.a')).toHaveLength(0);
  h.advance(HOUR);
  expect(h.jobs('chain.a').map((j) => j.job.retries)).toEqual([2]);
});
