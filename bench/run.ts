/**
 * Engine benchmark (`npm run bench`). Starts the embedded engine as a child process (`engine/main.ts`, run by
 * node with the tsx loader, so the child's PID is the engine's own node process) on a free port and a temp data
 * dir, then measures through the official client (validation off, to measure the engine, not zod):
 *
 *  1. throughput: BENCH_INSTANCES instances of start → 3 service tasks → end, driven by three REST
 *     activate/complete loops (one per job type); prints instances/s from the first create to the last completion,
 *  2. job activation latency: p50/p99 of POST /v2/jobs/activation round trips that returned jobs, and the
 *     hand-off latency from completing job N to activating job N+1 of the same instance,
 *  4. the same workload run by bpmn-engine in-process (state to SQLite after each step) and the ratio
 *     engine / baseline; 5. the disk's SQLite durable-commit ceiling beside the engine's acknowledged commands/s;
 *  6. a parallel multi-instance over BENCH_MI_ITEMS (10 000) items: time to all inner jobs, the longest probe
 *     request meanwhile, and the cost of completing one inner instance at 30 and at BENCH_MI_ITEMS items,
 *  7. memory: RSS (VmRSS, and peak VmHWM) of the engine process with BENCH_WAITING instances waiting at a user task;
 *  8. the FEEL evaluation budget (bench/feel-budget.ts): when a runaway expression is stopped, wall-clock and CPU,
 *     the incident it becomes and the engine's answers meanwhile, with the load average (runs whatever budget is
 *     left: a few seconds).
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
import { BPMN_ENGINE_VERSION, pool, runBpmnEngineBaseline, sqliteCommitCeiling } from './baseline';
import { feelBudget } from './feel-budget';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1000);
const WAITING = Number(process.env.BENCH_WAITING ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MI_ITEMS = Number(process.env.BENCH_MI_ITEMS ?? 10_000);
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

interface Throughput { finished: number; elapsed: number; commands: number }

async function throughput(client: CamundaClient): Promise<Throughput> {
  await client.createDeployment({ resources: [fixture('service-chain')] });
  const activationMs: number[] = [];
  const handoffMs: number[] = [];
  const lastCompletedAt = new Map<string, number>();
  let finished = 0;
  let commands = 0;
  let stop = false;

  const loop = async (type: string, last: boolean) => {
    while (!stop && phase1Left() > 0) {
      const t0 = performance.now();
      const { jobs } = await client.activateJobs({ type, maxJobsToActivate: 32, timeout: 60_000, worker: 'bench', requestTimeout: 200 });
      const t1 = performance.now();
      commands++;
      if (!jobs.length) continue;
      activationMs.push(t1 - t0);
      for (const j of jobs) {
        const prev = lastCompletedAt.get(j.processInstanceKey);
        if (prev !== undefined) handoffMs.push(t1 - prev);
      }
      await Promise.all(jobs.map(async (j) => {
        await client.completeJob({ jobKey: j.jobKey, variables: { [`at_${type.replace('.', '_')}`]: Date.now() } });
        commands++;
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
  // CONCURRENCY workers (long-polling activate/complete loops), spread over the three job types.
  const types = ['chain.a', 'chain.b', 'chain.c'];
  const workers = Array.from({ length: CONCURRENCY }, (_, i) => loop(types[i % 3], i % 3 === 2));
  const created = await pool(INSTANCES, CONCURRENCY, phase1Left, async () => {
    await client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'c' } });
    commands++;
  });
  while (finished < created && phase1Left() > 0) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);

  activationMs.sort((a, b) => a - b);
  handoffMs.sort((a, b) => a - b);
  console.log(`\n[1] start → 3 service tasks → end, ${CONCURRENCY} concurrent workers (REST activate/complete loops, batch ≤ 32), ${CONCURRENCY} concurrent creators`);
  console.log(`    instances created ${created}, completed ${finished} in ${fmt(elapsed, 2)} s → ${fmt(finished / elapsed)} instances/s (${fmt((finished * 3) / elapsed)} jobs/s)`);
  console.log(`[2] job activation latency (POST /v2/jobs/activation round trip that returned jobs, n=${activationMs.length}): p50 ${fmt(percentile(activationMs, 50), 2)} ms, p99 ${fmt(percentile(activationMs, 99), 2)} ms`);
  console.log(`    hand-off latency (job N completed → job N+1 of the same instance activated, n=${handoffMs.length}): p50 ${fmt(percentile(handoffMs, 50), 2)} ms, p99 ${fmt(percentile(handoffMs, 99), 2)} ms`);
  if (finished < INSTANCES) console.log(`    NOTE: stopped early (time budget): ${finished}/${INSTANCES} completed`);
  return { finished, elapsed, commands };
}

/** The same workload in bpmn-engine (in-process, state to SQLite after each step), the ratio, and the disk's ceiling. */
async function baselineAndCeiling(ours: Throughput): Promise<void> {
  const base = await runBpmnEngineBaseline(Math.max(ours.finished, 1), CONCURRENCY, () => remaining() - 0.3 * MAX_MS);
  const engineRate = ours.finished / ours.elapsed;
  console.log(`\n[4] baseline: bpmn-engine ${BPMN_ENGINE_VERSION} in-process, the same start → 3 tasks → end, ${CONCURRENCY} concurrent, state persisted to SQLite (WAL, FULL) after each step`);
  console.log(`    ${base.cases} cases in ${fmt(base.seconds, 2)} s → ${fmt(base.perSecond)} cases/s`);
  console.log(`    ratio engine / bpmn-engine baseline (instances/s, same workload): ${fmt(engineRate)} / ${fmt(base.perSecond)} = ${fmt(engineRate / base.perSecond, 2)}`);
  const ceiling = sqliteCommitCeiling(1500);
  console.log(`[5] SQLite durable-commit ceiling on this disk (one-row transactions, WAL, synchronous=FULL): ${fmt(ceiling.perSecond)} commits/s`);
  console.log(`    engine in [1]: ${fmt(ours.commands / ours.elapsed)} acknowledged commands/s (creates + activations + completions; group commit shares one fsync among the commands of one event-loop turn)`);
}

/**
 * A parallel multi-instance over BENCH_MI_ITEMS items: time until every inner job is there, the longest wait of a
 * probe request (GET /topology every 25 ms) meanwhile, and the cost of completing one inner instance at that size
 * against the same at 30 items.
 */
async function multiInstance(client: CamundaClient): Promise<void> {
  const xml = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-${id}" targetNamespace="http://vardkedjan/bench">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="each"/>
    <bpmn:serviceTask id="each"><bpmn:extensionElements><zeebe:taskDefinition type="${id}.item"/></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>
        <zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=done"/>
      </bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
  const completeCost = async (id: string, n: number) => {
    await client.createDeployment({ resources: [new File([xml(id)], `${id}.bpmn`)] });
    const items = Array.from({ length: n }, (_, i) => ({ ref: `VK-2026-${String(i).padStart(6, '0')}`, kommun: 'vaxjo' }));
    let probeMax = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await client.getTopology();
        probeMax = Math.max(probeMax, performance.now() - t);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const t0 = performance.now();
    await client.createProcessInstance({ processDefinitionId: id as never, variables: { items } });
    const createdMs = performance.now() - t0;
    for (;;) {
      const res = await client.searchJobs({ filter: { type: `${id}.item`, state: 'CREATED' }, page: { limit: 1 } } as never, { consistency: { waitUpToMs: 0 } });
      if ((res.page.totalItems as number) >= n || remaining() <= 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const allMs = performance.now() - t0;
    probing = false;
    await probe;
    const costs: number[] = [];
    for (let i = 0; i < 20 && remaining() > 0; i++) {
      const { jobs } = await client.activateJobs({ type: `${id}.item`, maxJobsToActivate: 1, timeout: 60_000, worker: 'bench', fetchVariable: ['item'], requestTimeout: 5000 } as never);
      if (jobs.length === 0) break;
      const t = performance.now();
      await client.completeJob({ jobKey: jobs[0].jobKey, variables: { done: true } });
      costs.push(performance.now() - t);
    }
    costs.sort((a, b) => a - b);
    return { createdMs, allMs, probeMax, completeP50: percentile(costs, 50), completeMax: costs[costs.length - 1] };
  };
  const small = await completeCost('mi-small', 30);
  const large = await completeCost('mi-large', MI_ITEMS);
  console.log(`\n[6] parallel multi-instance over ${MI_ITEMS} items (job-worker task): create answered in ${fmt(large.createdMs)} ms, all ${MI_ITEMS} inner jobs there after ${fmt(large.allMs)} ms; longest GET /topology meanwhile ${fmt(large.probeMax)} ms`);
  console.log(`    completing one inner instance (n=20): p50 ${fmt(small.completeP50, 2)} ms at 30 items, ${fmt(large.completeP50, 2)} ms at ${MI_ITEMS} items (max ${fmt(small.completeMax, 2)} / ${fmt(large.completeMax, 2)} ms)`);
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
  console.log(`\n[7] engine memory with instances waiting at a user task (engine child process PID ${pid}, /proc VmRSS)`);
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
    const ours = await throughput(client);
    await baselineAndCeiling(ours);
    if (remaining() > 0) await multiInstance(client);
    if (remaining() > 0) await memory(client, child.pid!);
    await feelBudget(client);
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
