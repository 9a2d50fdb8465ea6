/**
 * Inbox, task page and case page under volume: INBOX_TASKS (10 000) open user tasks on the embedded engine, three
 * quarters in Växjö, a tenth of those with a due date; the web app (createApp) in this process. Prints p50/p99 of
 * the inbox as the API pages it (first page, a deep page, other sorts, the searches), of the task page and of the
 * case page, INBOX_CALLS (50) each, with the load average (the machine is shared). Figures, not assertions.
 *
 * Run: `npm run bench:inbox` (INBOX_TASKS=2000 for a quick look). INBOX_DATA=<dir> keeps the seeded engine data
 * there and reuses it on the next run (seeding 10 000 instances takes minutes on a loaded machine).
 * The web app's SDK client validates like production's default (CAMUNDA_SDK_VALIDATION unset = none); set
 * INBOX_SDK_VALIDATION=strict to measure with the tests' strict response checks. INBOX_ONLY=<regex> measures only the
 * calls whose label matches; INBOX_PROFILE=<dir> writes a CPU profile of each measured group there.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { useLocalEngineCredentials } from '../test/helpers/credentials';
import { startTestEngine } from '../test/helpers/engine';
import { Agent, resourceFiles, startTestWeb } from '../test/web/helpers';
import type { CamundaClient } from '../common/camunda';

const TASKS = Number(process.env.INBOX_TASKS ?? 10_000);
const CALLS = Number(process.env.INBOX_CALLS ?? 50);
const KOMMUNER = ['vaxjo', 'vaxjo', 'vaxjo', 'alvesta'];
/** INBOX_ONLY=<regex>: measure only the calls whose label matches (to profile one of them). */
const ONLY = process.env.INBOX_ONLY ? new RegExp(process.env.INBOX_ONLY) : undefined;
/** INBOX_PROFILE=<dir>: a CPU profile (.cpuprofile, for Chrome DevTools) of each measured group of calls there. */
const PROFILE = process.env.INBOX_PROFILE;
const NOW = { consistency: { waitUpToMs: 0 } } as never;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const summary: Array<{ label: string; p50: number; p99: number }> = [];

async function measure(label: string, agent: Agent, path: string): Promise<void> {
  if (ONLY && !ONLY.test(label)) return;
  const times: number[] = [];
  const profiler = PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const r = await agent.get(path);
    times.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${r.text.slice(0, 200)}`);
  }
  // CPU time per call of this process (web app, SDK and engine together): the figure the machine's load does not
  // change much, beside wall-clock percentiles that it does.
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1000 / CALLS;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.mkdirSync(PROFILE!, { recursive: true });
    fs.writeFileSync(join(PROFILE!, `${label.replace(/[^\w]+/g, '-').slice(0, 60)}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  summary.push({ label, p50: pct(times, 50), p99: pct(times, 99) });
  console.log(`  ${label.padEnd(62)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms   p99 ${pct(times, 99).toFixed(1).padStart(6)} ms   cpu ${cpu.toFixed(1).padStart(5)} ms/call   (load ${load()})`);
}

/** TASKS instances waiting at their first user task (an instance that raised an incident is counted and reported). */
async function seed(client: CamundaClient): Promise<void> {
  await client.createDeployment({ resources: resourceFiles() });
  const t0 = performance.now();
  for (let i = 0; i < TASKS; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, TASKS - i) }, (_, j) => client.createProcessInstance({
      processDefinitionId: 'vk-placeringsforfragan' as never,
      variables: { caseRef: `VK-2026-${String(i + j).padStart(6, '0')}`, kommun: KOMMUNER[(i + j) % KOMMUNER.length] },
    })));
  }
  for (;;) {
    const open = Number((await client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 1 } as never }, NOW)).page.totalItems);
    const incidents = Number((await client.searchIncidents({ filter: { state: 'ACTIVE' } as never, page: { limit: 1 } as never }, NOW)).page.totalItems);
    if (open + incidents >= TASKS) {
      if (incidents > 0) console.log(`  (${incidents} instances raised an incident instead of reaching their task)`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const vaxjo = await client.searchUserTasks({ filter: { state: 'CREATED', candidateGroup: 'socialsekreterare-vaxjo' } as never, page: { limit: 10_000 } as never }, NOW);
  for (let i = 0; i < vaxjo.items.length; i += 10) {
    await client.updateUserTask({ userTaskKey: vaxjo.items[i].userTaskKey, changeset: { dueDate: new Date(Date.now() + (i % 30) * 86_400_000).toISOString() } } as never);
  }
  console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  useLocalEngineCredentials();
  const dataDir = process.env.INBOX_DATA;
  const reuse = !!dataDir && fs.existsSync(`${dataDir}/engine.sqlite`);
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  // A FEEL evaluation budget meant for runaway expressions must not fail instances on a machine shared by many.
  const engine = await startTestEngine({ dataDir, limits: { feelBudgetMs: 2_000 } });
  const validation = process.env.INBOX_SDK_VALIDATION ?? 'none';
  const config = {
    ZEEBE_REST_ADDRESS: engine.url, CAMUNDA_SDK_VALIDATION: validation, CAMUNDA_AUTH_STRATEGY: 'BASIC',
    CAMUNDA_BASIC_AUTH_USERNAME: process.env.CAMUNDA_BASIC_AUTH_USERNAME!, CAMUNDA_BASIC_AUTH_PASSWORD: process.env.CAMUNDA_BASIC_AUTH_PASSWORD!,
  };
  const webClient: CamundaClient = new Camunda8(config as never).getOrchestrationClusterApiClient(config as never, { cached: false });
  const web = await startTestWeb(webClient);
  try {
    if (!reuse) await seed(engine.client);
    const open = Number((await engine.client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 1 } as never }, NOW)).page.totalItems);
    const vaxjo = await engine.client.searchUserTasks({ filter: { state: 'CREATED', candidateGroup: 'socialsekreterare-vaxjo' } as never, page: { limit: 10_000 } as never }, NOW);
    console.log(`inbox benchmark: ${open} open tasks (${vaxjo.items.length} for socialsekreterare-vaxjo, every tenth with a due date)${reuse ? ` reused from ${dataDir}` : ''}; ${CALLS} calls each; SDK validation ${validation}; ${os.cpus().length} cores, load ${load()}`);
    const ss = await Agent.login(web.url, 'ss-vaxjo');
    const region = await Agent.login(web.url, 'chef-region');
    const pages = Math.ceil(vaxjo.items.length / 50);
    const task = vaxjo.items[0];
    await measure('GET /api/uppgifter (first page, due date: dated then undated)', ss, '/api/uppgifter');
    await measure(`GET /api/uppgifter?sida=${pages} (last page)`, ss, `/api/uppgifter?sida=${pages}`);
    await measure('GET /api/uppgifter?sortera=name&ordning=desc', ss, '/api/uppgifter?sortera=name&ordning=desc');
    await measure('GET /api/uppgifter?sortera=creationDate&antal=100', ss, '/api/uppgifter?sortera=creationDate&antal=100');
    await measure('GET /api/uppgifter?arende=vk-2026-000004 (exact)', ss, '/api/uppgifter?arende=vk-2026-000004');
    await measure('GET /api/uppgifter?arende=0012 (part, $like)', ss, '/api/uppgifter?arende=0012');
    await measure('GET /api/uppgifter?filter=snart', ss, '/api/uppgifter?filter=snart');
    await measure('GET /api/uppgifter?kommun=Alvesta as chef-region (all tasks)', region, `/api/uppgifter?kommun=${encodeURIComponent('Alvesta')}`);
    await measure('GET /uppgifter (HTML, first page)', ss, '/uppgifter');
    await measure(`GET /uppgifter/:key (task page with context)`, ss, `/uppgifter/${task.userTaskKey}`);
    await measure('GET /api/uppgifter/:key/formular (form API)', ss, `/api/uppgifter/${task.userTaskKey}/formular`);
    await measure('GET /arenden/:processInstanceKey (case page, HTML)', ss, `/arenden/${task.processInstanceKey}`);
    await measure('GET /api/arenden/:processInstanceKey/oversikt (case summary API)', ss, `/api/arenden/${task.processInstanceKey}/oversikt`);
    const worst = summary.reduce((a, b) => (b.p99 > a.p99 ? b : a), { label: 'none', p50: 0, p99: 0 });
    console.log(`worst p99: ${worst.p99.toFixed(1)} ms (${worst.label}); target < 300 ms; load ${load()}`);
  } finally {
    await web.stop();
    await engine.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
