/**
 * Inbox and task page under volume: INBOX_TASKS (10 000) open user tasks on the embedded engine, three quarters
 * in Växjö, a tenth with a due date; the web app (createApp) in this process. Prints p50/p99 of the inbox as the
 * API pages it (first page, a deep page, other sorts, the searches) and of the task page, INBOX_CALLS (50) each.
 * Run: npx tsx bench/inbox.ts (INBOX_TASKS=2000 for a quick look). Figures, not assertions.
 */
import { useLocalEngineCredentials } from '../test/helpers/credentials';
import { startTestEngine } from '../test/helpers/engine';
import { Agent, resourceFiles, startTestWeb } from '../test/web/helpers';

const TASKS = Number(process.env.INBOX_TASKS ?? 10_000);
const CALLS = Number(process.env.INBOX_CALLS ?? 50);
const KOMMUNER = ['vaxjo', 'vaxjo', 'vaxjo', 'alvesta'];

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function measure(label: string, agent: Agent, path: string): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const r = await agent.get(path);
    times.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${r.text.slice(0, 200)}`);
  }
  console.log(`  ${label.padEnd(58)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms   p99 ${pct(times, 99).toFixed(1).padStart(6)} ms`);
}

async function main(): Promise<void> {
  useLocalEngineCredentials();
  const engine = await startTestEngine();
  const web = await startTestWeb(engine.client);
  try {
    await engine.client.createDeployment({ resources: resourceFiles() });
    const t0 = performance.now();
    for (let i = 0; i < TASKS; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, TASKS - i) }, (_, j) => engine.client.createProcessInstance({
        processDefinitionId: 'vk-placeringsforfragan' as never,
        variables: { caseRef: `VK-2026-${String(i + j).padStart(6, '0')}`, kommun: KOMMUNER[(i + j) % KOMMUNER.length] },
      })));
    }
    let open = 0;
    for (;;) {
      open = Number((await engine.client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 1 } as never }, { consistency: { waitUpToMs: 0 } } as never)).page.totalItems);
      if (open >= TASKS) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const vaxjo = await engine.client.searchUserTasks({ filter: { state: 'CREATED', candidateGroup: 'socialsekreterare-vaxjo' } as never, page: { limit: 10_000 } as never }, { consistency: { waitUpToMs: 0 } } as never);
    for (let i = 0; i < vaxjo.items.length; i += 10) {
      await engine.client.updateUserTask({ userTaskKey: vaxjo.items[i].userTaskKey, changeset: { dueDate: new Date(Date.now() + (i % 30) * 86_400_000).toISOString() } } as never);
    }
    console.log(`inbox benchmark: ${open} open tasks (${vaxjo.items.length} for socialsekreterare-vaxjo, every tenth with a due date), set up in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${CALLS} calls each`);
    const ss = await Agent.login(web.url, 'ss-vaxjo');
    const region = await Agent.login(web.url, 'chef-region');
    const pages = Math.ceil(vaxjo.items.length / 50);
    await measure('GET /api/uppgifter (first page, due date: dated then undated)', ss, '/api/uppgifter');
    await measure(`GET /api/uppgifter?sida=${pages} (last page)`, ss, `/api/uppgifter?sida=${pages}`);
    await measure('GET /api/uppgifter?sortera=name&ordning=desc', ss, '/api/uppgifter?sortera=name&ordning=desc');
    await measure('GET /api/uppgifter?sortera=creationDate&antal=100', ss, '/api/uppgifter?sortera=creationDate&antal=100');
    await measure('GET /api/uppgifter?arende=vk-2026-000004 (exact)', ss, '/api/uppgifter?arende=vk-2026-000004');
    await measure('GET /api/uppgifter?arende=0012 (part, $like)', ss, '/api/uppgifter?arende=0012');
    await measure('GET /api/uppgifter?filter=snart', ss, '/api/uppgifter?filter=snart');
    await measure('GET /api/uppgifter?kommun=Alvesta as chef-region (all tasks)', region, `/api/uppgifter?kommun=${encodeURIComponent('Alvesta')}`);
    await measure('GET /uppgifter (HTML, first page)', ss, '/uppgifter');
    await measure(`GET /uppgifter/${vaxjo.items[0].userTaskKey} (task page with context)`, ss, `/uppgifter/${vaxjo.items[0].userTaskKey}`);
    await measure('GET /api/uppgifter/:key/formular (form API)', ss, `/api/uppgifter/${vaxjo.items[0].userTaskKey}/formular`);
  } finally {
    await web.stop();
    await engine.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
