/**
 * Load benchmark (issue 7, `npm run bench:load`). The embedded engine runs as a child process (`engine/main.ts`)
 * on 127.0.0.1 with a temp data dir; this driver talks to it through the official client (validation off, to
 * measure the engine, not zod) and prints figures:
 *
 *  [1] 10 000+ active instances: LOAD_ACTIVE instances created and left waiting at a user task (create rate, latency);
 *  [2] sustained REST mix with those instances active, for LOAD_SECONDS: inbox searches by candidate group,
 *      instance reads, and end-to-end cases (create → 3 service tasks done by activate/complete loops → end);
 *      ops/s and p50/p99 latency per operation, e2e cases/s and case latency;
 *  [3] timer lateness: LOAD_TIMERS timers (real clock) falling due during [2]; lateness = fired − due, p50/p99/max,
 *      read from the element instances' start/end times in the engine's SQLite file (read-only);
 *  [4] memory: engine RSS (VmRSS / VmHWM from /proc) with the active instances;
 *  [5] history: LOAD_HISTORY completed instances (start → end), then the dashboard-shaped queries over them
 *      (totals by process and state, open tasks per candidate group) p50/p99, and the web app's dashboard
 *      (bench/dashboard.ts): read-model build and refresh times against the engine, GET /api/oversikt p50/p99,
 *      and GET /api/oversikt + CSV over DASH_INSTANCES (100 000) historical instances seeded into the read model;
 *  [6] baseline in the same run: `bpmn-engine` executing the same start → 3 tasks → end diagram in-process, its
 *      state (getState()) persisted to SQLite (WAL, synchronous=FULL) after every step; cases/s and case latency;
 *      the ratios engine / baseline are printed.
 *
 * Sizes via env: LOAD_ACTIVE (10000), LOAD_SECONDS (20), LOAD_TIMERS (1000), LOAD_HISTORY (20000),
 * LOAD_BASELINE (1000), LOAD_CONCURRENCY (16), LOAD_MAX_SECONDS (300: each phase stops early when the budget is
 * spent and says so). Only 127.0.0.1; it stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createCamundaClient, type CamundaClient } from '../common/camunda';
import { BPMN_ENGINE_VERSION, pool, runBpmnEngineBaseline } from './baseline';
import { dashboardOverEngine, dashboardOverSeededHistory } from './dashboard';
import { useLocalEngineCredentials } from '../test/helpers/credentials';
import { engineAuthHeaders } from '../test/helpers/engine';

const ACTIVE = Number(process.env.LOAD_ACTIVE ?? 10_000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const TIMERS = Number(process.env.LOAD_TIMERS ?? 1000);
const HISTORY = Number(process.env.LOAD_HISTORY ?? 20_000);
const BASELINE = Number(process.env.LOAD_BASELINE ?? 1000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 16);
const MAX_MS = Number(process.env.LOAD_MAX_SECONDS ?? 300) * 1000;
const began = Date.now();
const left = () => MAX_MS - (Date.now() - began);

const ROOT = path.join(__dirname, '..');
const fixture = (name: string, dir = 'bpmn', ext = 'bpmn') => new File([fs.readFileSync(path.join(ROOT, 'test', 'fixtures', dir, `${name}.${ext}`), 'utf8')], `${name}.${ext}`);

const ZEEBE_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';
const HISTORY_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${ZEEBE_NS} id="defs-load-history" targetNamespace="http://vardkedjan/bench">
  <bpmn:process id="load-history" name="Historik" isExecutable="true">
    <bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/><bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
// ---------------------------------------------------------------- helpers

function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const lat = (v: number[]) => `p50 ${f(pct(v, 50), 2)} ms, p99 ${f(pct(v, 99), 2)} ms (n=${v.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(/(\d+)\s*kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? NaN);
  return { rssMb: kb('VmRSS:') / 1024, peakMb: kb('VmHWM:') / 1024 };
}

async function startEngineProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'main.ts')], {
    cwd: ROOT, env: { ...process.env, ENGINE_PORT: String(port), ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/v2/topology`, { headers: engineAuthHeaders() })).ok) return { child, url };
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`engine did not start: ${stderr}`);
    await sleep(100);
  }
}

const KOMMUNER = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];

// ---------------------------------------------------------------- phases

async function activeInstances(client: CamundaClient): Promise<number> {
  const latencies: number[] = [];
  const t0 = performance.now();
  const created = await pool(ACTIVE, CONCURRENCY, () => left() - 0.6 * MAX_MS, async (i) => {
    const s = performance.now();
    await client.createProcessInstance({
      processDefinitionId: 'user-task' as never,
      variables: { caseRef: `VK-2026-${String(i).padStart(6, '0')}`, kommun: KOMMUNER[i % KOMMUNER.length], assignee: `user${i % 50}`, priority: 50 },
    });
    latencies.push(performance.now() - s);
  });
  const s = (performance.now() - t0) / 1000;
  console.log(`\n[1] active instances waiting at a user task: ${created} created in ${f(s, 1)} s → ${f(created / s)} creates/s; create latency ${lat(latencies)}`);
  if (created < ACTIVE) console.log(`    NOTE: stopped early (time budget): ${created}/${ACTIVE}`);
  return created;
}

interface Mixed { ops: Record<string, number[]>; e2e: number[]; e2eDone: number; seconds: number }

async function sustained(client: CamundaClient, active: number): Promise<Mixed> {
  const ops: Record<string, number[]> = { 'POST /user-tasks/search (inbox of a group)': [], 'GET /process-instances/{key}': [], 'POST /process-instances (e2e case)': [], 'POST /jobs/activation': [], 'POST /jobs/{key}/completion': [] };
  const e2e: number[] = [];
  const startedAt = new Map<string, number>();
  const instanceKeys: string[] = [];
  let stop = false;
  const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const r = await fn();
    ops[name].push(performance.now() - s);
    return r;
  };
  const deadline = Date.now() + Math.min(SECONDS * 1000, Math.max(0, left() - 0.45 * MAX_MS));
  const running = () => !stop && Date.now() < deadline;
  const worker = async (type: string, last: boolean) => {
    while (running()) {
      const { jobs } = await time('POST /jobs/activation', () => client.activateJobs({ type, maxJobsToActivate: 16, timeout: 60_000, worker: 'load', requestTimeout: 100 }));
      await Promise.all(jobs.map(async (j) => {
        await time('POST /jobs/{key}/completion', () => client.completeJob({ jobKey: j.jobKey, variables: { [`done_${type.replace('.', '_')}`]: true } }));
        if (last) {
          const s = startedAt.get(j.processInstanceKey);
          if (s !== undefined) e2e.push(performance.now() - s);
          startedAt.delete(j.processInstanceKey);
        }
      }));
    }
  };
  const creator = async () => {
    while (running()) {
      const s = performance.now();
      const pi = await time('POST /process-instances (e2e case)', () => client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'c', caseRef: 'VK-2026-E2E' } }));
      startedAt.set(pi.processInstanceKey, s);
      instanceKeys.push(pi.processInstanceKey);
      if (startedAt.size > 200) await sleep(5); // keep the number of unfinished cases bounded
    }
  };
  const reader = async (n: number) => {
    let i = n;
    while (running()) {
      i++;
      const group = i % 2 ? `socialsekreterare-${KOMMUNER[i % KOMMUNER.length]}` : `chef-${KOMMUNER[i % KOMMUNER.length]}`;
      await time('POST /user-tasks/search (inbox of a group)', () => client.searchUserTasks({ filter: { candidateGroup: group, state: 'CREATED' } as never, sort: [{ field: 'creationDate', order: 'DESC' }] as never, page: { limit: 50 } }, { consistency: { waitUpToMs: 0 } }));
      if (instanceKeys.length) {
        const key = instanceKeys[i % instanceKeys.length];
        await time('GET /process-instances/{key}', () => client.getProcessInstance({ processInstanceKey: key as never }, { consistency: { waitUpToMs: 0 } }));
      }
    }
  };
  const t0 = performance.now();
  await Promise.all([worker('chain.a', false), worker('chain.b', false), worker('chain.c', true), creator(), creator(), creator(), creator(), reader(0), reader(1), reader(2), reader(3)]);
  stop = true;
  const seconds = (performance.now() - t0) / 1000;
  const total = Object.values(ops).reduce((n, v) => n + v.length, 0);
  console.log(`\n[2] sustained REST mix for ${f(seconds, 1)} s with ${active} instances active (+ the e2e cases): ${total} requests → ${f(total / seconds)} requests/s`);
  for (const [name, v] of Object.entries(ops)) console.log(`    ${name.padEnd(44)} ${f(v.length / seconds).padStart(7)} /s  ${lat(v)}`);
  console.log(`    end-to-end cases (create → 3 service tasks → end): ${e2e.length} done → ${f(e2e.length / seconds)} cases/s; case latency ${lat(e2e)}`);
  return { ops, e2e, e2eDone: e2e.length, seconds };
}

async function createTimers(client: CamundaClient): Promise<number> {
  const created = await pool(TIMERS, CONCURRENCY, left, async (i) => {
    // Due 4–14 s from now: they fall due while the sustained mix runs.
    await client.createProcessInstance({ processDefinitionId: 'timer-intermediate' as never, variables: { waitFor: `PT${4 + (i % 11)}S` } });
  });
  return created;
}

async function timerLateness(client: CamundaClient, dbFile: string, created: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { page } = await client.searchProcessInstances({ filter: { processDefinitionId: 'timer-intermediate', state: 'ACTIVE' } as never, page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } });
    if (Number(page.totalItems) === 0 || Date.now() > deadline) break;
    await sleep(200);
  }
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare(
    `SELECT e.start_date AS s, e.end_date AS e, v.value AS w FROM element_instances e
       JOIN variables v ON v.process_instance_key = e.process_instance_key AND v.name = 'waitFor'
      WHERE e.bpmn_process_id = 'timer-intermediate' AND e.element_type = 'INTERMEDIATE_CATCH_EVENT'`,
  ).all() as { s: number; e: number | null; w: string }[];
  db.close();
  const lateness = rows.filter((r) => r.e !== null).map((r) => r.e! - (r.s + Number(/PT(\d+)S/.exec(JSON.parse(r.w))![1]) * 1000));
  const unfired = rows.filter((r) => r.e === null).length;
  console.log(`\n[3] timer lateness (real clock, due during [2]): ${lateness.length}/${created} fired, ${unfired} not fired; lateness p50 ${f(pct(lateness, 50))} ms, p99 ${f(pct(lateness, 99))} ms, max ${f(Math.max(...lateness))} ms, min ${f(Math.min(...lateness))} ms`);
}

async function history(client: CamundaClient): Promise<void> {
  await client.createDeployment({ resources: [new File([HISTORY_BPMN], 'load-history.bpmn')] });
  const t0 = performance.now();
  const created = await pool(HISTORY, CONCURRENCY, () => left() - 0.12 * MAX_MS, async () => {
    await client.createProcessInstance({ processDefinitionId: 'load-history' as never });
  });
  const s = (performance.now() - t0) / 1000;
  const queries: Record<string, () => Promise<unknown>> = {
    'completed cases of a process (total)': () => client.searchProcessInstances({ filter: { processDefinitionId: 'load-history', state: 'COMPLETED' } as never, page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } }),
    'active cases of a process (total)': () => client.searchProcessInstances({ filter: { processDefinitionId: 'user-task', state: 'ACTIVE' } as never, page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } }),
    'open tasks of a group (total + first 50)': () => client.searchUserTasks({ filter: { candidateGroup: 'chef-vaxjo', state: 'CREATED' } as never, page: { limit: 50 } }, { consistency: { waitUpToMs: 0 } }),
    'latest 50 completed cases': () => client.searchProcessInstances({ filter: { state: 'COMPLETED' } as never, sort: [{ field: 'endDate', order: 'DESC' }] as never, page: { limit: 50 } }, { consistency: { waitUpToMs: 0 } }),
  };
  const { page } = await client.searchProcessInstances({ page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } });
  console.log(`\n[5] history: ${created} completed instances created in ${f(s, 1)} s (${f(created / s)} /s); ${page.totalItems} instances in the store`);
  if (created < HISTORY) console.log(`    NOTE: stopped early (time budget): ${created}/${HISTORY}`);
  for (const [name, q] of Object.entries(queries)) {
    const v: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await q();
      v.push(performance.now() - t);
    }
    console.log(`    ${name.padEnd(42)} ${lat(v)}`);
  }
  await dashboardOverEngine(client, created);
  await dashboardOverSeededHistory(client);
}

async function baseline(): Promise<{ perSecond: number; latency: number[] }> {
  const base = await runBpmnEngineBaseline(BASELINE, CONCURRENCY, () => left() - 0.02 * MAX_MS);
  console.log(`\n[6] baseline: bpmn-engine ${BPMN_ENGINE_VERSION} in-process, start → 3 tasks → end, state persisted to SQLite (WAL, FULL) after each step, ${CONCURRENCY} concurrent`);
  console.log(`    ${base.cases} cases in ${f(base.seconds, 2)} s → ${f(base.perSecond)} cases/s; case latency ${lat(base.latency)}; state store ${f(base.stateBytes / 1024 / 1024)} MB`);
  return base;
}

async function main(): Promise<void> {
  process.env.CAMUNDA_SDK_VALIDATION = 'req:none,res:none';
  useLocalEngineCredentials();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-load-'));
  const { child, url } = await startEngineProcess(dataDir);
  console.log(`load benchmark — engine at ${url} (child PID ${child.pid}), node ${process.version}, ${os.cpus().length} CPUs, budget ${MAX_MS / 1000} s`);
  console.log(`sizes: LOAD_ACTIVE=${ACTIVE} LOAD_SECONDS=${SECONDS} LOAD_TIMERS=${TIMERS} LOAD_HISTORY=${HISTORY} LOAD_BASELINE=${BASELINE} LOAD_CONCURRENCY=${CONCURRENCY}`);
  try {
    const client = createCamundaClient({ restAddress: url });
    await client.createDeployment({ resources: [fixture('user-task'), fixture('service-chain'), fixture('timer-intermediate'), fixture('review-form', 'forms', 'form')] });
    const idle = memoryOf(child.pid!);
    const active = await activeInstances(client);
    const timers = await createTimers(client);
    const mixed = await sustained(client, active);
    await timerLateness(client, path.join(dataDir, 'engine.sqlite'), timers);
    const mem = memoryOf(child.pid!);
    const dbBytes = ['engine.sqlite', 'engine.sqlite-wal'].map((n) => path.join(dataDir, n)).filter((p) => fs.existsSync(p)).reduce((s, p) => s + fs.statSync(p).size, 0);
    console.log(`\n[4] memory: engine RSS idle ${f(idle.rssMb)} MB → ${f(mem.rssMb)} MB with ${active} active instances (peak VmHWM ${f(mem.peakMb)} MB); data files ${f(dbBytes / 1024 / 1024)} MB`);
    await history(client);
    const base = await baseline();
    const ours = mixed.e2eDone / mixed.seconds;
    console.log(`\nratios (embedded engine over REST, with ${active} active instances and the mixed load / bpmn-engine baseline in-process):`);
    console.log(`    e2e cases/s: ${f(ours)} / ${f(base.perSecond)} = ${f(ours / base.perSecond, 2)}`);
    console.log(`    case latency p50: ${f(pct(mixed.e2e, 50), 1)} / ${f(pct(base.latency, 50), 1)} ms = ${f(pct(mixed.e2e, 50) / pct(base.latency, 50), 2)}; p99: ${f(pct(mixed.e2e, 99), 1)} / ${f(pct(base.latency, 99), 1)} ms = ${f(pct(mixed.e2e, 99) / pct(base.latency, 99), 2)}`);
    console.log(`\ntotal ${f((Date.now() - began) / 1000)} s`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
