/**
 * The managers' dashboard for the load benchmark (bench/load.ts, phase [5]); the web app (createApp) runs in the
 * driver's process, the engine in its own.
 *
 *  (a) against the engine with the history the benchmark generated: the first build of the read model, incremental
 *      refreshes (default 60 s overlap; 5 min, whose window holds the generated history), forced full sweeps,
 *      GET /api/oversikt as served (stale-while-revalidate, WEB_READMODEL_REFRESH_SECONDS=60) and in the synchronous
 *      mode the tests use (refresh on every view);
 *  (b) over DASH_INSTANCES (100 000) historical instances seeded into the read model (bench/seed-read-model.ts):
 *      GET /api/oversikt over HTTP with and without kommun/period filters, as chef-region and chef-vaxjo, and the CSV
 *      export, DASH_CALLS (50) calls each.
 */
import type { CamundaClient } from '../common/camunda';
import { ReadModel } from '../web/server/dashboard/read-model';
import { DashboardService } from '../web/server/dashboard/service';
import { Agent, startTestWeb } from '../test/web/helpers';
import { seedReadModel } from './seed-read-model';

const INSTANCES = Number(process.env.DASH_INSTANCES ?? 100_000);
const CALLS = Number(process.env.DASH_CALLS ?? 50);

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 100 ? 1 : 0) : 'n/a');
const summary = (v: number[]) => `p50 ${ms(pct(v, 50))} ms, p99 ${ms(pct(v, 99))} ms, max ${ms(Math.max(...v))} ms (n=${v.length})`;

async function timed<T>(n: number, fn: () => Promise<T>): Promise<{ times: number[]; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { times, last };
}

async function get(agent: Agent, p: string): Promise<{ status: number; json: any; text: string }> {
  const r = await agent.get(p);
  if (r.status !== 200) throw new Error(`GET ${p} → ${r.status} ${r.text.slice(0, 200)}`);
  return r;
}

/** (a) The read model against the engine and its generated history. */
export async function dashboardOverEngine(client: CamundaClient, history: number): Promise<void> {
  const historyDone = Date.now();
  const web = await startTestWeb(client, { env: { WEB_READMODEL_REFRESH_SECONDS: '60' } });
  try {
    const chef = await Agent.login(web.url, 'chef-region');
    const first = await timed(1, () => get(chef, '/api/oversikt'));
    const rm = web.app.readModel;
    const n = await web.db.prepare("SELECT COUNT(*) AS n, SUM(state = 'ACTIVE') AS a FROM rm_instances").get() as { n: number; a: number };
    console.log(`    web dashboard over the engine (${history} completed in this phase; read model: ${n.n} instances, ${n.a} active):`);
    console.log(`      first GET /api/oversikt (builds the read model: every instance, task and variable): ${ms(first.times[0])} ms`);
    const counts = (r: { instances: number; tasks: number; variablesRead: number }) => `${r.instances} instances, ${r.tasks} tasks, variables of ${r.variablesRead}`;
    const inc = await timed(5, () => rm.refresh());
    console.log(`      incremental refresh, default 60 s overlap, nothing changed since the previous refresh but the window still holds the history just generated (last: ${counts(inc.last)}): first ${ms(inc.times[0])} ms, ${summary(inc.times)}`);
    const wide = new ReadModel(web.db, client, () => new Date(), 5 * 60_000, 3_600_000);
    const w = await timed(5, () => wide.refresh());
    console.log(`      incremental refresh, 5 min overlap (the window holds this phase's history: ${counts(w.last)}): first ${ms(w.times[0])} ms, ${summary(w.times)}`);
    const full = await timed(3, () => rm.refresh({ full: true }));
    console.log(`      full sweep (all open tasks, variables of all ${n.a} active instances): ${summary(full.times)}`);
    const served = await timed(20, () => get(chef, '/api/oversikt'));
    console.log(`      GET /api/oversikt as served (read model younger than 60 s: SQL only): ${summary(served.times)}`);
    const chefRegion = { id: 'chef-region', name: 'chef-region', groups: ['chef-region'] } as never;
    const sync = new DashboardService({ db: web.db, readModel: rm, audit: web.audit, now: () => new Date(), dueSoonDays: 3, maxAgeMs: 0 });
    const s = await timed(5, () => sync.dashboard(chefRegion, { allowed: 'all' }));
    console.log(`      dashboard with WEB_READMODEL_REFRESH_SECONDS=0 (incremental refresh on every view, in-process): ${summary(s.times)}`);
    await new Promise((r) => setTimeout(r, Math.max(0, historyDone + 65_000 - Date.now())));
    const quiet = await timed(5, () => rm.refresh());
    console.log(`      incremental refresh, default 60 s overlap, > 60 s after the history (last: ${counts(quiet.last)}): ${summary(quiet.times)}`);
  } finally {
    await web.stop();
  }
}

/** (b) The dashboard over INSTANCES seeded historical instances, over HTTP. */
export async function dashboardOverSeededHistory(client: CamundaClient): Promise<void> {
  // A read model that is never older than its max age during the run: every view is SQL over the read model.
  const web = await startTestWeb(client, { env: { WEB_READMODEL_REFRESH_SECONDS: '3600' } });
  try {
    const seeded = await seedReadModel(web.db, { instances: INSTANCES, now: new Date(), audit: web.audit, escalations: 2000 });
    const size = (web.db.prepare('SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()').get() as { b: number }).b;
    console.log(`    web dashboard over ${seeded.instances} seeded historical instances (${seeded.tasks} tasks, ${seeded.active} active with ${seeded.openTasks} open tasks, ${seeded.escalations} escalations; seeded in ${ms(seeded.ms)} ms; web.sqlite ${(size / 1024 / 1024).toFixed(1)} MB), ${CALLS} calls each over HTTP:`);
    const region = await Agent.login(web.url, 'chef-region');
    const vaxjo = await Agent.login(web.url, 'chef-vaxjo');
    const year = new Date().getUTCFullYear() - 1;
    const variants: Array<[string, Agent, string]> = [
      ['chef-region, no filter', region, '/api/oversikt'],
      ['chef-region, kommun=vaxjo', region, '/api/oversikt?kommun=vaxjo'],
      [`chef-region, period ${year}`, region, `/api/oversikt?from=${year}-01-01&to=${year}-12-31`],
      ['chef-region, kommun + period', region, `/api/oversikt?kommun=ljungby&from=${year}-01-01&to=${year}-12-31`],
      ['chef-vaxjo (own kommun only)', vaxjo, '/api/oversikt'],
      ['CSV export, chef-region, no filter', region, '/oversikt.csv'],
      ['CSV export, kommun + period', region, `/oversikt.csv?kommun=vaxjo&from=${year}-01-01&to=${year}-12-31`],
    ];
    for (const [name, agent, p] of variants) {
      await get(agent, p); // warm-up (prepared statements, page cache)
      const r = await timed(CALLS, () => get(agent, p));
      const d = r.last.json as { compliance?: Array<{ total: number }>; executed?: { admitted: number } } | undefined;
      const what = d?.compliance ? `${d.compliance.reduce((s, c) => s + c.total, 0)} tasks with due date, ${d.executed!.admitted} admissions` : `${r.last.text.split('\r\n').length - 2} CSV rows`;
      console.log(`      ${name.padEnd(36)} ${summary(r.times)}  [${what}]`);
    }
  } finally {
    await web.stop();
  }
}
