/**
 * Long-polling job activation and group commit: a job created by a command committed in the same batch as an
 * empty activation must wake that activation at once, not after its request timeout.
 */
import { RuntimeHarness } from '../helpers/runtime';
import { activateJobsLongPolling } from '../../engine/runtime/activation';
import { createProcessInstance, latestDefinitionById } from '../../engine/runtime/instances';

let h: RuntimeHarness;
beforeEach(() => {
  h = new RuntimeHarness();
});
afterEach(async () => {
  await h.close();
});

const request = { type: 'chain.a', worker: 'test', timeout: 60_000, maxJobsToActivate: 1 };

test('a job created later in the same group commit wakes the waiting activation', async () => {
  await h.deployFixtures('service-chain');
  const aborted = new AbortController();
  const started = Date.now();
  // Both commands are queued in the same tick, so they run in one batch: the activation first (nothing there yet),
  // then the start that creates the job; both are announced after the one commit.
  const polling = activateJobsLongPolling(h.engine, request, 30_000, aborted.signal);
  const created = h.engine.execute((ctx) => createProcessInstance(ctx, latestDefinitionById(ctx, 'service-chain')!, { lastType: 'c' }));
  const timeout = new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 10_000).unref());
  const jobs = await Promise.race([polling, timeout]);
  aborted.abort();
  expect(jobs).not.toBe('timed out');
  expect((jobs as Awaited<typeof polling>).map((j) => j.job.process_instance_key)).toEqual([await created]);
  expect(Date.now() - started).toBeLessThan(10_000);
}, 20_000);

test('with nothing to activate it answers empty after the request timeout; an abort ends it early', async () => {
  await h.deployFixtures('service-chain');
  expect(await activateJobsLongPolling(h.engine, request, 200, new AbortController().signal)).toEqual([]);
  const aborted = new AbortController();
  const polling = activateJobsLongPolling(h.engine, request, 30_000, aborted.signal);
  setTimeout(() => aborted.abort(), 50);
  expect(await polling).toEqual([]);
});
