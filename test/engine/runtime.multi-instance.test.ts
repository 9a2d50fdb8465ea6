/**
 * Large parallel multi-instances: inner instances are activated in chunks (each its own transaction, durable
 * through `mi_pending`), completing one inner instance reads and writes a constant amount, and the output
 * collection is assembled in item order when the body completes. Also across a restart mid-activation.
 */
import { MI_ACTIVATION_CHUNK } from '../../engine/runtime/behaviours/multiInstanceBody';
import { cancelProcessInstance } from '../../engine/runtime/instances';
import { completeJob } from '../../engine/runtime/jobs';
import { RuntimeHarness } from '../helpers/runtime';

const N = MI_ACTIVATION_CHUNK * 2 + 17;
const items = Array.from({ length: N }, (_, i) => ({ n: i, label: `item-${i}`.padEnd(40, '.') }));

function countJobs(h: RuntimeHarness, type: string): number {
  return (h.engine.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE type = ? AND state = 'CREATED'`).get(type) as { n: number }).n;
}

test('a collection larger than one chunk: the first chunk comes with the command, the rest with the scheduler, outputs in order', async () => {
  const h = new RuntimeHarness();
  try {
    await h.deployFixtures('mi-parallel');
    const pi = h.start('mi-parallel', { items });
    expect(countJobs(h, 'mi.parallel')).toBe(MI_ACTIVATION_CHUNK);
    expect(h.engine.hasPendingWork()).toBe(true);
    while (h.engine.hasPendingWork()) h.engine.processDueWork();
    expect(countJobs(h, 'mi.parallel')).toBe(N);
    // Complete in reverse order: the collection still follows the items' order.
    const jobs = h.jobs('mi.parallel', N).reverse();
    for (const { job, variables } of jobs) {
      h.engine.run((ctx) => completeJob(ctx, job.key, { res: (variables.item as { n: number }).n * 2 }));
    }
    const [after] = h.jobs('mi.after', 1);
    expect(after.variables.results).toEqual(items.map((i) => i.n * 2));
    expect(h.engine.db.prepare('SELECT COUNT(*) AS n FROM mi_items').get()).toEqual({ n: 0 });
    expect(h.state(pi)).toBe('ACTIVE');
  } finally {
    await h.close();
  }
});

test('a restart while inner instances are still being activated: the rest are activated after the restart, none twice', async () => {
  const h = new RuntimeHarness();
  await h.deployFixtures('mi-parallel');
  h.start('mi-parallel', { items });
  await h.close();
  const again = new RuntimeHarness(h.dataDir);
  try {
    expect(again.engine.hasPendingWork()).toBe(true);
    while (again.engine.hasPendingWork()) again.engine.processDueWork();
    expect(countJobs(again, 'mi.parallel')).toBe(N);
    const loopCounters = again.engine.db.prepare(`SELECT COUNT(DISTINCT value) AS n FROM variables WHERE name = 'loopCounter'`).get();
    expect(loopCounters).toEqual({ n: N });
  } finally {
    await again.close();
  }
});

test('canceling the instance mid-activation stops the activation', async () => {
  const h = new RuntimeHarness();
  try {
    await h.deployFixtures('mi-parallel');
    const pi = h.start('mi-parallel', { items });
    h.engine.run((ctx) => cancelProcessInstance(ctx, pi));
    expect(h.engine.hasPendingWork()).toBe(false);
    expect(h.state(pi)).toBe('TERMINATED');
    expect(countJobs(h, 'mi.parallel')).toBe(0);
  } finally {
    await h.close();
  }
});
