/**
 * Jobs through the official client: activation (fields, headers, fetchVariable, locking and lock expiry),
 * completion with variables, FEEL job types, failure with retries and backoff (moved by pinning the clock),
 * updateJob, job search, the SDK's createJobWorker end to end, and error answers (double completion,
 * unknown keys, bad bodies) with the store unchanged.
 */
import {
  HOUR, NOW, activateJobs, cancelActiveInstances, activateNow, deploy, eventually, expectHttpError, expectProblem, key, pinClock, raw, start,
  expectStoreUnchangedByEachTest, storeSnapshot, useEngine, waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

beforeAll(async () => {
  await deploy(t.client, ['service-chain']);
});
afterEach(async () => {
  await t.client.resetClock();
  await cancelActiveInstances(t.client);
});

test('activated job carries its element, headers, retries, variables and a deadline', async () => {
  const pi = await start(t.client, 'service-chain', { caseRef: 'VK-2026-000010', lastType: 'c', nested: { a: [1, 2] } });
  const [job] = await activateJobs(t.client, 'chain.a');
  expect(job).toEqual(expect.objectContaining({
    type: 'chain.a',
    processInstanceKey: pi.processInstanceKey,
    processDefinitionId: 'service-chain',
    processDefinitionVersion: 1,
    processDefinitionKey: pi.processDefinitionKey,
    elementId: 'taskA',
    retries: 3,
    worker: 'api-test',
    customHeaders: { purpose: 'first' },
    tenantId: '<default>',
    kind: 'BPMN_ELEMENT',
  }));
  expect(job.jobKey).toMatch(/^\d+$/);
  expect(job.elementInstanceKey).toMatch(/^\d+$/);
  expect(job.variables).toEqual({ caseRef: 'VK-2026-000010', lastType: 'c', nested: { a: [1, 2] } });
  expect(job.deadline).toBeGreaterThan(Date.now());
  // locked: a second activation does not hand it out again
  expect((await activateNow(t.client, 'chain.a')).map((j) => j.jobKey)).not.toContain(job.jobKey);
  await t.client.completeJob({ jobKey: job.jobKey });
});

test('completion variables flow to the next job; job type from FEEL; instance completes', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [a] = await activateJobs(t.client, 'chain.a');
  await t.client.completeJob({ jobKey: a.jobKey, variables: { fromA: 1 } });
  const [b] = await activateJobs(t.client, 'chain.b');
  expect(b.processInstanceKey).toBe(pi.processInstanceKey);
  expect(b.variables).toEqual(expect.objectContaining({ fromA: 1, lastType: 'c' }));
  expect(b.retries).toBe(2);
  await t.client.completeJob({ jobKey: b.jobKey, variables: { fromB: 'b' } });
  const [c] = await activateJobs(t.client, 'chain.c');
  expect(c.elementId).toBe('taskC');
  await t.client.completeJob({ jobKey: c.jobKey });
  await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
});

test('long polling: an activation waiting with requestTimeout receives a job created meanwhile', async () => {
  const waiting = t.client.activateJobs({ type: 'chain.a', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: 8000 });
  await new Promise((r) => setImmediate(r));
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const { jobs } = await waiting;
  expect(jobs.map((j) => j.processInstanceKey)).toEqual([pi.processInstanceKey]);
});

test('long polling with nothing to do answers with no jobs when requestTimeout ends', async () => {
  const { jobs } = await t.client.activateJobs({ type: 'nobody.creates.these', maxJobsToActivate: 5, timeout: 60_000, requestTimeout: 300 });
  expect(jobs).toEqual([]);
});

test('maxJobsToActivate caps one activation', async () => {
  for (let i = 0; i < 3; i++) await start(t.client, 'service-chain', { lastType: 'c' });
  await eventually(() => t.client.searchJobs({ filter: { type: 'chain.a', state: 'CREATED' } as never }, NOW), (r) => r.items.length === 3, { what: '3 chain.a jobs' });
  expect(await activateNow(t.client, 'chain.a', 2)).toHaveLength(2);
  expect(await activateNow(t.client, 'chain.a', 2)).toHaveLength(1);
});

test('fetchVariable limits the variables handed to the worker', async () => {
  await start(t.client, 'service-chain', { lastType: 'c', keep: 1, drop: 2 });
  const { jobs } = await eventually(
    () => t.client.activateJobs({ type: 'chain.a', maxJobsToActivate: 1, timeout: 60_000, fetchVariable: ['keep'], requestTimeout: -1 }),
    (r) => r.jobs.length === 1,
    { what: 'a chain.a job' },
  );
  expect(jobs[0].variables).toEqual({ keep: 1 });
  await t.client.completeJob({ jobKey: jobs[0].jobKey });
});

test('a job whose lock expires can be activated again', async () => {
  await start(t.client, 'service-chain', { lastType: 'c' });
  const [first] = await activateJobs(t.client, 'chain.a', 1, { lockMs: 1000 });
  const again = await eventually(() => activateNow(t.client, 'chain.a'), (jobs) => jobs.length > 0, { what: 'the timed-out job again' });
  expect(again.map((j) => j.jobKey)).toContain(first.jobKey);
  for (const j of again) await t.client.completeJob({ jobKey: j.jobKey });
  // the first worker lost the job: completing with its (same) key now fails as already completed
  await expectHttpError(t.client.completeJob({ jobKey: first.jobKey }), [404, 409]);
});

test('failJob with retries and backoff: not activatable until the backoff passed on the engine clock', async () => {
  const base = Date.now();
  await pinClock(t.client, base);
  await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 2, errorMessage: 'socialtjänstens system svarar inte', retryBackOff: HOUR });
  expect(await activateNow(t.client, 'chain.a')).toHaveLength(0);
  const searched = await t.client.searchJobs({ filter: { jobKey: job.jobKey } as never }, NOW);
  expect(searched.items[0]).toEqual(expect.objectContaining({ retries: 2, errorMessage: 'socialtjänstens system svarar inte' }));

  await pinClock(t.client, base + HOUR + 1000);
  const [retried] = await activateJobs(t.client, 'chain.a');
  expect(retried.jobKey).toBe(job.jobKey);
  expect(retried.retries).toBe(2);
  await t.client.completeJob({ jobKey: retried.jobKey });
});

test('failJob without backoff makes the job activatable at once with the new retries', async () => {
  await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.failJob({ jobKey: job.jobKey, retries: 1, errorMessage: 'try again', variables: { attempt: 1 } });
  const [again] = await activateJobs(t.client, 'chain.a');
  expect(again.jobKey).toBe(job.jobKey);
  expect(again.retries).toBe(1);
  expect(again.variables).toEqual(expect.objectContaining({ attempt: 1 }));
  await t.client.completeJob({ jobKey: again.jobKey });
});

test('updateJob changes retries and the lock timeout', async () => {
  await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.updateJob({ jobKey: job.jobKey, changeset: { retries: 7 } });
  const { items } = await t.client.searchJobs({ filter: { jobKey: job.jobKey } as never }, NOW);
  expect(items[0].retries).toBe(7);
  await t.client.updateJob({ jobKey: job.jobKey, changeset: { timeout: 1 } });
  const again = await eventually(() => activateNow(t.client, 'chain.a'), (jobs) => jobs.some((j) => j.jobKey === job.jobKey), { what: 'job after shortened timeout' });
  for (const j of again) await t.client.completeJob({ jobKey: j.jobKey });
});

test('searchJobs filters by type and state', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const { items } = await eventually(
    () => t.client.searchJobs({ filter: { processInstanceKey: pi.processInstanceKey } as never }, NOW),
    (r) => r.items.length === 1,
    { what: 'one job for the instance' },
  );
  expect(items[0]).toEqual(expect.objectContaining({ type: 'chain.a', state: 'CREATED', elementId: 'taskA', processInstanceKey: pi.processInstanceKey }));
  const [job] = await activateJobs(t.client, 'chain.a');
  await t.client.completeJob({ jobKey: job.jobKey });
  const done = await t.client.searchJobs({ filter: { jobKey: job.jobKey } as never }, NOW);
  expect(done.items[0].state).toBe('COMPLETED');
});

test('the SDK job worker drives instances to completion', async () => {
  const keys = await Promise.all([1, 2, 3].map((i) => start(t.client, 'service-chain', { lastType: 'c', n: i })));
  const seen: string[] = [];
  const workers = ['chain.a', 'chain.b', 'chain.c'].map((jobType) =>
    t.client.createJobWorker({
      jobType,
      jobTimeoutMs: 30_000,
      maxParallelJobs: 4,
      pollIntervalMs: 20,
      jobHandler: (job) => {
        seen.push(`${job.type}:${String(job.variables.n)}`);
        return job.complete({ [`done_${job.type.replace('.', '_')}`]: true });
      },
    }));
  try {
    for (const pi of keys) await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED', 20_000);
  } finally {
    workers.forEach((w) => w.stop());
  }
  expect(seen.sort()).toEqual(['chain.a:1', 'chain.a:2', 'chain.a:3', 'chain.b:1', 'chain.b:2', 'chain.b:3', 'chain.c:1', 'chain.c:2', 'chain.c:3']);
});

test('two workers completing the same job at once: exactly one succeeds', async () => {
  const pi = await start(t.client, 'service-chain', { lastType: 'c' });
  const [job] = await activateJobs(t.client, 'chain.a');
  const results = await Promise.allSettled([1, 2, 3, 4].map((n) => t.client.completeJob({ jobKey: job.jobKey, variables: { winner: n } })));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  for (const r of results) if (r.status === 'rejected') expect([404, 409]).toContain((r.reason as { status?: number }).status);
  const [b] = await activateJobs(t.client, 'chain.b');
  expect(b.processInstanceKey).toBe(pi.processInstanceKey);
  expect([1, 2, 3, 4]).toContain(b.variables.winner);
});

test('completing a job while the instance is cancelled: the instance ends terminated, no next job appears', async () => {
  for (let round = 0; round < 5; round++) {
    const pi = await start(t.client, 'service-chain', { lastType: 'c' });
    const [job] = await activateJobs(t.client, 'chain.a');
    await Promise.allSettled([
      t.client.completeJob({ jobKey: job.jobKey }),
      t.client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey }),
    ]);
    await waitForInstanceState(t.client, pi.processInstanceKey, 'TERMINATED');
    expect(await activateNow(t.client, 'chain.b')).toHaveLength(0);
  }
});

describe('error answers', () => {
  test('completing a job twice → 404/409 per spec', async () => {
    await start(t.client, 'service-chain', { lastType: 'c' });
    const [job] = await activateJobs(t.client, 'chain.a');
    await t.client.completeJob({ jobKey: job.jobKey });
    const before = await storeSnapshot(t.client);
    const err = await expectHttpError(t.client.completeJob({ jobKey: job.jobKey }), [404, 409]);
    expect(err.detail).toEqual(expect.any(String));
    expect(await storeSnapshot(t.client)).toEqual(before);
  });

  test('unknown job key → 404 for complete, fail, error and update', async () => {
    const before = await storeSnapshot(t.client);
    const unknown = key('2251799813000404');
    await expectHttpError(t.client.completeJob({ jobKey: unknown }), 404);
    await expectHttpError(t.client.failJob({ jobKey: unknown, retries: 0 }), 404);
    await expectHttpError(t.client.throwJobError({ jobKey: unknown, errorCode: 'X' }), 404);
    await expectHttpError(t.client.updateJob({ jobKey: unknown, changeset: { retries: 1 } }), 404);
    expect(await storeSnapshot(t.client)).toEqual(before);
  });

  describe('bad bodies → 400 problem+json, store unchanged', () => {
    let jobKey: string;
    beforeEach(async () => {
      await start(t.client, 'service-chain', { lastType: 'c' });
      jobKey = (await activateJobs(t.client, 'chain.a'))[0].jobKey;
    });
    expectStoreUnchangedByEachTest(t);

    test('malformed JSON on completion', async () => {
      expectProblem(await raw(t.url, 'POST', `/jobs/${jobKey}/completion`, '{"variables": {'), 400);
    });
    test('completion variables as an array', async () => {
      expectProblem(await raw(t.url, 'POST', `/jobs/${jobKey}/completion`, { variables: ['a'] }), 400);
    });
    test('an unknown property in the completion body', async () => {
      expectProblem(await raw(t.url, 'POST', `/jobs/${jobKey}/completion`, { varaibles: { a: 1 } }), 400);
    });
    test('activation without type', async () => {
      expectProblem(await raw(t.url, 'POST', '/jobs/activation', { maxJobsToActivate: 1, timeout: 1000 }), 400);
    });
    test('activation with a negative maxJobsToActivate', async () => {
      expectProblem(await raw(t.url, 'POST', '/jobs/activation', { type: 'chain.a', maxJobsToActivate: -1, timeout: 1000 }), 400);
    });
    test('failJob with retries as a string', async () => {
      expectProblem(await raw(t.url, 'POST', `/jobs/${jobKey}/failure`, { retries: 'three' }), 400);
    });
    test('throwJobError without errorCode', async () => {
      expectProblem(await raw(t.url, 'POST', `/jobs/${jobKey}/error`, { errorMessage: 'no code' }), 400);
    });
    test('a job key that is not a number', async () => {
      expectProblem(await raw(t.url, 'POST', '/jobs/abc/completion', {}), 400);
    });
  });
});
