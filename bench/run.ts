/**
 * Engine benchmark (`npm run bench`). Starts the embedded engine as a child process (`engine/main.ts`, run by
 * node with the tsx loader, so the child's PID is the engine's own node process) on a free port and a temp data
 * dir, then measures through the official client (validation off, to measure the engine, not zod):
 *
 *  1. throughput: BENCH_INSTANCES instances of start → 3 service tasks → end, driven by three REST
 *     activate/complete loops (one per job type); prints instances/s from the first create to the last completion,
 *  2. job activation latency: p50/p99 of POST /v2/jobs/activation round trips that returned jobs, and the
 *     hand-off latency from completing job N to activating job N+1 of the same instance,
 *  3. memory: RSS (VmRSS, and peak VmHWM) of the engine process with BENCH_WAITING instances waiting at a user task.
 *
 * Sizes via env: BENCH_INSTANCES (default 1000), BENCH_WAITING (10000), BENCH_CONCURRENCY (16),
 * BENCH_MAX_SECONDS (170; phase 1 may use at most 35 % of it, phase 3 the rest; a phase that runs out of time
 * prints what it reached, clearly marked).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCamundaClient, type CamundaClient } from '../common/camunda';
import { useLocalEngineCredentials } from '../test/helpers/credentials';
import { memoryOf, startEngineProcess, stopEngineProcess } from '../test/helpers/engine-process';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1000);
const WAITING = Number(process.env.BENCH_WAITING ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MAX_MS = Number(process.env.BENCH_MAX_SECONDS ?? 170) * 1000;
const started = Date.now();
const remaining = () => MAX_MS - (Date.now() - started);
/** Phase 1 (throughput) may use at most 35 % of the budget, so the memory phase gets the rest. */
const phase1Left = () => Math.min(remaining(), 0.35 * MAX_MS - (Date.now() - started));

const root = join(__dirname, '..');
const fixture = (name: string, dir = 'bpmn', ext = 'bpmn') =>
  new File([readFileSync(join(root, 'test', 'fixtures', dir, `${name}.${ext}`), 'utf8')], `${name}.${ext}`);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Runs `task(i)` for i in [0, n) with at most `limit` in flight; stops early when `left()` reaches 0 ms. */
async function pool(n: number, limit: number, left: () => number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n && left() > 0) {
      const i = next++;
      await task(i);
      done++;
    }
  }));
  return done;
}

async function throughput(client: CamundaClient): Promise<void> {
  await client.createDeployment({ resources: [fixture('service-chain')] });
  const activationMs: number[] = [];
  const handoffMs: number[] = [];
  const lastCompletedAt = new Map<string, number>();
  let finished = 0;
  let stop = false;

  const loop = async (type: string, last: boolean) => {
    while (!stop && phase1Left() > 0) {
      const t0 = performance.now();
      const { jobs } = await client.activateJobs({ type, maxJobsToActivate: 32, timeout: 60_000, worker: 'bench', requestTimeout: 200 });
      const t1 = performance.now();
      if (!jobs.length) continue;
      activationMs.push(t1 - t0);
      for (const j of jobs) {
        const prev = lastCompletedAt.get(j.processInstanceKey);
        if (prev !== undefined) handoffMs.push(t1 - prev);
      }
      await Promise.all(jobs.map(async (j) => {
        await client.completeJob({ jobKey: j.jobKey, variables: { [`at_${type.replace('.', '_')}`]: Date.now() } });
        if (last) {
          lastCompletedAt.delete(j.processInstanceKey);
          finished++;
        } else {
          lastCompletedAt.set(j.processInstanceKey, performance.now());
        }
      }));
    }
  };

  const t0 = performance.now();
  const workers = [loop('chain.a', false), loop('chain.b', false), loop('chain.c', true)];
  const created = await pool(INSTANCES, CONCURRENCY, phase1Left, async () => {
    await client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'c' } });
  });
  while (finished < created && phase1Left() > 0) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);

  activationMs.sort((a, b) => a - b);
  handoffMs.sort((a, b) => a - b);
  console.log(`\n[1] start → 3 service tasks → end, REST activate/complete loops (batch ≤ 32), ${CONCURRENCY} concurrent creators`);
  console.log(`    instances created ${created}, completed ${finished} in ${fmt(elapsed, 2)} s → ${fmt(finished / elapsed)} instances/s (${fmt((finished * 3) / elapsed)} jobs/s)`);
  console.log(`[2] job activation latency (POST /v2/jobs/activation round trip that returned jobs, n=${activationMs.length}): p50 ${fmt(percentile(activationMs, 50), 2)} ms, p99 ${fmt(percentile(activationMs, 99), 2)} ms`);
  console.log(`    hand-off latency (job N completed → job N+1 of the same instance activated, n=${handoffMs.length}): p50 ${fmt(percentile(handoffMs, 50), 2)} ms, p99 ${fmt(percentile(handoffMs, 99), 2)} ms`);
  if (finished < INSTANCES) console.log(`    NOTE: stopped early (time budget): ${finished}/${INSTANCES} completed`);
}

async function memory(client: CamundaClient, pid: number): Promise<void> {
  await client.createDeployment({ resources: [fixture('user-task'), fixture('review-form', 'forms', 'form')] });
  const idle = memoryOf(pid);
  const t0 = performance.now();
  const created = await pool(WAITING, CONCURRENCY, remaining, async (i) => {
    await client.createProcessInstance({
      processDefinitionId: 'user-task' as never,
      variables: { caseRef: `VK-2026-${String(i).padStart(6, '0')}`, kommun: 'vaxjo', assignee: 'anna', dueDate: '2026-12-01T09:00:00Z', followUpDate: '2026-11-28T09:00:00Z', priority: 50 },
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  const waiting = await client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } });
  const mem = memoryOf(pid);
  console.log(`\n[3] engine memory with instances waiting at a user task (engine child process PID ${pid}, /proc VmRSS)`);
  console.log(`    created ${created} instances in ${fmt(seconds, 2)} s (${fmt(created / seconds)} creates/s); user tasks CREATED per search: ${waiting.page.totalItems}`);
  console.log(`    RSS idle after phase 1: ${fmt(idle.rssMb)} MB; RSS with ${created} waiting: ${fmt(mem.rssMb)} MB; peak RSS (VmHWM): ${fmt(mem.peakMb)} MB`);
  if (created < WAITING) console.log(`    NOTE: stopped early (time budget): ${created}/${WAITING} created`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  useLocalEngineCredentials();
  const engine = await startEngineProcess(dataDir);
  const { child, url } = engine;
  try {
    process.env.CAMUNDA_SDK_VALIDATION = 'req:none,res:none';
    const client = createCamundaClient({ restAddress: url });
    const topo = await client.getTopology();
    console.log(`engine benchmark — engine ${topo.gatewayVersion} at ${url}, data ${dataDir}, node ${process.version}, budget ${MAX_MS / 1000} s`);
    console.log(`sizes: BENCH_INSTANCES=${INSTANCES} BENCH_WAITING=${WAITING} BENCH_CONCURRENCY=${CONCURRENCY}`);
    await throughput(client);
    if (remaining() > 0) await memory(client, child.pid!);
    console.log(`\ntotal ${fmt((Date.now() - started) / 1000, 1)} s`);
  } finally {
    await stopEngineProcess(engine);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
