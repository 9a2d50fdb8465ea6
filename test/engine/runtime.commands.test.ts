/**
 * Command execution: group commit keeps each command atomic on its own, and answers only after commit.
 */
import { RuntimeHarness } from '../helpers/runtime';
import { createProcessInstance, latestDefinitionById } from '../../engine/runtime/instances';
import { completeJob } from '../../engine/runtime/jobs';
import type { Ctx } from '../../engine/runtime/context';

let h: RuntimeHarness;
beforeEach(() => {
  h = new RuntimeHarness();
});
afterEach(async () => {
  await h.close();
});

const startChain = (ctx: Ctx) =>
  createProcessInstance(ctx, latestDefinitionById(ctx, 'service-chain')!, { lastType: 'c' });

test('commands submitted together commit together, but a failing one changes nothing', async () => {
  await h.deployFixtures('service-chain');
  const first = h.engine.execute(startChain);
  const failing = h.engine.execute((ctx) => {
    startChain(ctx); // written, then undone by the failure below
    completeJob(ctx, 1, {});
  });
  const third = h.engine.execute(startChain);
  const results = await Promise.allSettled([first, failing, third]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason.status).toBe(404);
  expect(h.instancesOf('service-chain')).toEqual([(results[0] as PromiseFulfilledResult<number>).value, (results[2] as PromiseFulfilledResult<number>).value]);
  expect(h.jobs('chain.a', 10)).toHaveLength(2);
});

test('an executed command is not visible before its promise settles, and is after', async () => {
  await h.deployFixtures('service-chain');
  const pending = h.engine.execute(startChain);
  expect(h.instancesOf('service-chain')).toHaveLength(0);
  const key = await pending;
  expect(h.instancesOf('service-chain')).toEqual([key]);
});

test('closing the engine flushes commands still waiting for their group commit', async () => {
  await h.deployFixtures('service-chain');
  const pending = h.engine.execute(startChain);
  const dataDir = h.dataDir;
  await h.close();
  const key = await pending;
  h = new RuntimeHarness(dataDir);
  expect(h.instancesOf('service-chain')).toEqual([key]);
});
