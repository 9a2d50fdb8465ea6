/**
 * Timers moved by pinning the engine clock (PUT /v2/clock), awaited by bounded polling of searches:
 * timer start cycle (R2/PT1H fires twice in all as the clock jumps), intermediate duration from FEEL,
 * interrupting date boundary and non-interrupting duration boundary on a user task, a cycle boundary
 * (R3/PT10M → three ticks in all), the event-based gateway's timer branch; clock pin/reset and bad clock bodies.
 */
import {
  DAY, HOUR, NOW, activateJobs, activateNow, bpmnFile, deploy, expectHttpError, fixtureXml, elementsOf, eventually, expectProblem, pinClock, raw, start,
  storeSnapshot, useEngine, waitForElement, waitForInstanceState, waitForUserTask,
} from '../helpers/api';

const t = useEngine();
const TWO_WEEKS = 14 * DAY;

beforeAll(async () => {
  await deploy(t.client, ['timer-intermediate', 'timer-boundary', 'timer-cycle-boundary', 'event-based-gateway']);
});
afterEach(async () => {
  await t.client.resetClock();
});

/** Pins the clock to "now" (whole seconds) and returns it, so the test controls time from here. */
async function pinNow(): Promise<number> {
  const base = Math.floor(Date.now() / 1000) * 1000;
  await pinClock(t.client, base);
  return base;
}

test('pinning and resetting the clock answer 204; a bad timestamp → 400 problem+json', async () => {
  const pinned = await raw(t.url, 'PUT', '/clock', { timestamp: Date.now() + DAY });
  expect(pinned.status).toBe(204);
  const reset = await raw(t.url, 'POST', '/clock/reset');
  expect(reset.status).toBe(204);
  const before = await storeSnapshot(t.client);
  expectProblem(await raw(t.url, 'PUT', '/clock', { timestamp: 'tomorrow' }), 400);
  expectProblem(await raw(t.url, 'PUT', '/clock', {}), 400);
  expect(await storeSnapshot(t.client)).toEqual(before);
});

test('the pinned clock is the engine time: instance start dates follow it', async () => {
  const base = await pinNow();
  await pinClock(t.client, base + 30 * DAY);
  const pi = await start(t.client, 'timer-intermediate', { waitFor: 'PT1H' });
  const got = await t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW);
  expect(Date.parse(got.startDate)).toBe(base + 30 * DAY);
  await t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
});

test('job deadlines are computed on the pinned clock', async () => {
  await deploy(t.client, ['service-chain']);
  const base = await pinNow();
  await pinClock(t.client, base + 10 * DAY);
  await start(t.client, 'service-chain', { lastType: 'c' });
  const { jobs } = await eventually(
    () => t.client.activateJobs({ type: 'chain.a', maxJobsToActivate: 1, timeout: 5 * 60_000, requestTimeout: -1 }),
    (r) => r.jobs.length === 1,
    { what: 'a chain.a job' },
  );
  expect(Number(jobs[0].deadline)).toBe(base + 10 * DAY + 5 * 60_000);
  await t.client.completeJob({ jobKey: jobs[0].jobKey });
});

test('a job lock expires on the engine clock', async () => {
  await deploy(t.client, ['service-chain']);
  const base = await pinNow();
  await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a', 1, { lockMs: HOUR });
  expect(await activateNow(t.client, 'chain.a')).toHaveLength(0);
  await pinClock(t.client, base + 2 * HOUR);
  const again = await eventually(() => activateNow(t.client, 'chain.a'), (j) => j.length === 1, { what: 'the job after its lock expired' });
  expect(again[0].jobKey).toBe(job.jobKey);
  await t.client.completeJob({ jobKey: again[0].jobKey });
});

test('a timer date already in the past fires at once', async () => {
  const base = await pinNow();
  const pi = (await start(t.client, 'timer-boundary', { deadline: new Date(base - DAY).toISOString() })).processInstanceKey;
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'endOverdue'))[0].state).toBe('COMPLETED');
});

test('timer start cycle R2/PT1H: fires when due, exactly two times in all', async () => {
  const base = await pinNow();
  await deploy(t.client, ['timer-start-cycle']);
  const search = () => t.client.searchProcessInstances({ filter: { processDefinitionId: 'timer-start-cycle' } as never }, NOW);
  expect((await search()).items).toHaveLength(0);
  // Zeebe reschedules a cycle from the trigger time, so each further jump of an interval fires at most one more.
  let clock = base + TWO_WEEKS;
  for (let fired = 1; fired <= 2; fired++) {
    await pinClock(t.client, clock);
    await eventually(search, (r) => r.items.length >= fired, { what: `${fired} timer-started instance(s)` });
    clock += HOUR + 1000;
  }
  await pinClock(t.client, clock + TWO_WEEKS);
  const { items } = await search();
  expect(items).toHaveLength(2);
  for (const pi of items) await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
});

test('a new version of a process with a timer start replaces the old version\'s timer', async () => {
  const base = await pinNow();
  const v1 = fixtureXml('timer-start-cycle').replace(/"timer-start-cycle"/g, '"timer-start-versions"');
  const v2 = v1.replace('name="Timer start cycle"', 'name="Timer start cycle v2"');
  await t.client.createDeployment({ resources: [bpmnFile('timer-start-versions', v1)] });
  await t.client.createDeployment({ resources: [bpmnFile('timer-start-versions', v2)] });
  await pinClock(t.client, base + HOUR + 1000);
  const { items } = await eventually(
    () => t.client.searchProcessInstances({ filter: { processDefinitionId: 'timer-start-versions' } as never }, NOW),
    (r) => r.items.length >= 1,
    { what: 'a timer-started instance' },
  );
  expect(items.map((i) => i.processDefinitionVersion)).toEqual([2]);
});

test('intermediate duration timer from a FEEL variable fires only when due', async () => {
  const base = await pinNow();
  const pi = (await start(t.client, 'timer-intermediate', { waitFor: 'PT2H' })).processInstanceKey;
  await waitForElement(t.client, pi, 'wait', 'ACTIVE');
  await pinClock(t.client, base + HOUR);
  expect((await t.client.getProcessInstance({ processInstanceKey: pi }, NOW)).state).toBe('ACTIVE');
  await pinClock(t.client, base + 2 * HOUR + 1000);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  const [wait] = await elementsOf(t.client, pi, 'wait');
  expect(wait.state).toBe('COMPLETED');
});

test('a timer duration given as a FEEL duration value (duration(if x = null then "PT3H" else x))', async () => {
  const xml = fixtureXml('timer-intermediate')
    .replace(/"timer-intermediate"/g, '"timer-feel-duration"')
    .replace('>=waitFor<', '>=duration(if waitFor = null then "PT3H" else waitFor)<');
  expect(xml).toContain('duration(if waitFor');
  await t.client.createDeployment({ resources: [bpmnFile('timer-feel-duration', xml)] });
  const base = await pinNow();
  const byDefault = (await start(t.client, 'timer-feel-duration', {})).processInstanceKey;
  const explicit = (await start(t.client, 'timer-feel-duration', { waitFor: 'PT1H' })).processInstanceKey;
  await waitForElement(t.client, byDefault, 'wait', 'ACTIVE');
  await waitForElement(t.client, explicit, 'wait', 'ACTIVE');
  await pinClock(t.client, base + HOUR + 1000);
  await waitForInstanceState(t.client, explicit, 'COMPLETED');
  expect((await t.client.getProcessInstance({ processInstanceKey: byDefault }, NOW)).state).toBe('ACTIVE');
  await pinClock(t.client, base + 3 * HOUR + 1000);
  await waitForInstanceState(t.client, byDefault, 'COMPLETED');
});

test('boundaries on a user task: non-interrupting reminder after 1h, interrupting deadline date', async () => {
  const base = await pinNow();
  const deadline = new Date(base + 3 * DAY).toISOString();
  const pi = (await start(t.client, 'timer-boundary', { deadline })).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'work');

  await pinClock(t.client, base + HOUR + 1000);
  const [reminder] = await activateJobs(t.client, 'timer.remind');
  expect(reminder.processInstanceKey).toBe(pi);
  await t.client.completeJob({ jobKey: reminder.jobKey });
  await waitForElement(t.client, pi, 'endReminded', 'COMPLETED');
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CREATED');

  await pinClock(t.client, base + 3 * DAY + 1000);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CANCELED');
  expect((await elementsOf(t.client, pi, 'endOverdue'))[0].state).toBe('COMPLETED');
  expect(await elementsOf(t.client, pi, 'endDone')).toHaveLength(0);
});

test('an interrupting timer on a service task cancels its job: completing it afterwards → 404', async () => {
  const xml = fixtureXml('timer-boundary')
    .replace(/"timer-boundary"/g, '"timer-boundary-job"')
    .replace('<bpmn:userTask id="work" name="Handlägg">', '<bpmn:serviceTask id="work" name="Handlägg">')
    .replace('<zeebe:userTask />', '<zeebe:taskDefinition type="timer.work" />')
    .replace('</bpmn:userTask>', '</bpmn:serviceTask>');
  await t.client.createDeployment({ resources: [bpmnFile('timer-boundary-job', xml)] });
  const base = await pinNow();
  const pi = (await start(t.client, 'timer-boundary-job', { deadline: new Date(base + DAY).toISOString() })).processInstanceKey;
  const [work] = await activateJobs(t.client, 'timer.work');
  await pinClock(t.client, base + DAY + 1000);
  await eventually(() => elementsOf(t.client, pi, 'endOverdue'), (e) => e.some((x) => x.state === 'COMPLETED'), { what: 'deadline path taken' });
  const [reminder] = await activateJobs(t.client, 'timer.remind');
  await t.client.completeJob({ jobKey: reminder.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  await expectHttpError(t.client.completeJob({ jobKey: work.jobKey }), 404);
  const { items } = await t.client.searchJobs({ filter: { jobKey: work.jobKey } as never }, NOW);
  expect(items[0].state).toBe('CANCELED');
});

test('completing the task before its timers are due cancels them', async () => {
  const base = await pinNow();
  const pi = (await start(t.client, 'timer-boundary', { deadline: new Date(base + DAY).toISOString() })).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'work');
  await t.client.completeUserTask({ userTaskKey: task.userTaskKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  await pinClock(t.client, base + TWO_WEEKS);
  expect(await activateNow(t.client, 'timer.remind')).toHaveLength(0);
  expect(await elementsOf(t.client, pi, 'endOverdue')).toHaveLength(0);
});

test('cycle boundary R3/PT10M: ticks as time passes, three in all, task still open', async () => {
  const base = await pinNow();
  const pi = (await start(t.client, 'timer-cycle-boundary', {})).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'work');
  const ticks: string[] = [];
  let clock = base + TWO_WEEKS;
  for (let step = 1; step <= 3 && ticks.length < 3; step++) {
    await pinClock(t.client, clock);
    const jobs = await eventually(() => activateNow(t.client, 'timer.tick'), (j) => j.length > 0, { what: `tick after jump ${step}` });
    for (const j of jobs) {
      expect(j.processInstanceKey).toBe(pi);
      ticks.push(j.jobKey);
      await t.client.completeJob({ jobKey: j.jobKey });
    }
    clock += 10 * 60_000 + 1000;
  }
  expect(ticks).toHaveLength(3);
  await pinClock(t.client, clock + TWO_WEEKS);
  expect(await activateNow(t.client, 'timer.tick')).toHaveLength(0);
  expect((await t.client.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CREATED');
  await t.client.completeUserTask({ userTaskKey: task.userTaskKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('cycle with a start date ="R/" + deadline + "/P1D" (the care-chain escalation pattern): first at the deadline, then daily, unbounded', async () => {
  const xml = fixtureXml('timer-cycle-boundary')
    .replace(/"timer-cycle-boundary"/g, '"timer-daily-after-deadline"')
    .replace('>R3/PT10M<', '>="R/" + deadline + "/P1D"<');
  expect(xml).toContain('"R/" + deadline');
  await t.client.createDeployment({ resources: [bpmnFile('timer-daily-after-deadline', xml)] });
  const base = await pinNow();
  const deadline = new Date(base + 3 * DAY).toISOString();
  const pi = (await start(t.client, 'timer-daily-after-deadline', { deadline })).processInstanceKey;
  const task = await waitForUserTask(t.client, pi, 'work');
  await pinClock(t.client, base + 2 * DAY);
  expect(await activateNow(t.client, 'timer.tick')).toHaveLength(0);
  for (let day = 0; day < 4; day++) {
    await pinClock(t.client, base + (3 + day) * DAY + (day + 1) * 1000);
    const ticks = await activateJobs(t.client, 'timer.tick', 1);
    expect(ticks[0].processInstanceKey).toBe(pi);
    await t.client.completeJob({ jobKey: ticks[0].jobKey });
  }
  await t.client.completeUserTask({ userTaskKey: task.userTaskKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  await pinClock(t.client, base + 30 * DAY);
  expect(await activateNow(t.client, 'timer.tick')).toHaveLength(0);
});

test('event-based gateway: the timer wins when no message comes', async () => {
  const base = await pinNow();
  const pi = (await start(t.client, 'event-based-gateway', { caseRef: 'VK-T' })).processInstanceKey;
  await waitForElement(t.client, pi, 'race', 'ACTIVE');
  await pinClock(t.client, base + DAY + 1000);
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect((await elementsOf(t.client, pi, 'endTimedOut'))[0].state).toBe('COMPLETED');
  expect(await elementsOf(t.client, pi, 'endAnswered')).toHaveLength(0);
});
