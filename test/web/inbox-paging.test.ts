/**
 * The inbox with volume, against a real embedded engine: 1 200 open tasks of one group, paged by the API
 * (every task reachable, no cap), sorted (dated tasks first by due date, then the rest), searched by case
 * reference in any form, by process and by kommun (in words).
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { NOW } from '../helpers/api';
import { Agent, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

const N = 1200;
const DATED = 40;
let engine: TestEngine;
let web: TestWeb;
let ss: Agent;
const ref = (i: number) => `VK-2026-${String(700000 + i).padStart(6, '0')}`;

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
  for (let i = 0; i < N; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, N - i) }, (_, j) => engine.client.createProcessInstance({ processDefinitionId: 'vk-placeringsforfragan' as never, variables: { caseRef: ref(i + j), kommun: 'vaxjo' } })));
  }
  // Two Alvesta cases: another kommun's group, never in a Växjö inbox.
  for (const i of [N, N + 1]) await engine.client.createProcessInstance({ processDefinitionId: 'vk-placeringsforfragan' as never, variables: { caseRef: ref(i), kommun: 'alvesta' } });
  const all = await until(async () => {
    const r = await engine.client.searchUserTasks({ filter: { state: 'CREATED', candidateGroup: 'socialsekreterare-vaxjo' } as never, page: { limit: 10_000 } as never }, NOW);
    return r.items.length === N ? r.items : undefined;
  }, `${N} tasks`, 120_000);
  // Due dates on a few, in reverse order of creation, so the sort is visible.
  for (let i = 0; i < DATED; i++) {
    await engine.client.updateUserTask({ userTaskKey: all[i].userTaskKey, changeset: { dueDate: new Date(Date.UTC(2026, 11, 31) - i * 86_400_000).toISOString() } } as never);
  }
  ss = await Agent.login(web.url, 'ss-vaxjo');
}, 300_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

/** esc() writes every "/" and "=" as a character reference. */
const decode = (h: string) => h.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

async function inbox(query: string) {
  const res = await ss.get(`/api/uppgifter?${query}`);
  expect(res.status).toBe(200);
  return res.json as { items: Array<{ userTaskKey: string; caseRef: string; dueDate?: string; kommun: string }>; total: number; pages: number };
}

test('1 200 tasks: every one is reachable through the pages, none twice; dated tasks first by due date', async () => {
  const seen = new Map<string, number>();
  const first = await inbox('antal=100');
  expect(first.total).toBe(N);
  expect(first.pages).toBe(12);
  const rows: Array<{ caseRef: string; dueDate?: string }> = [];
  for (let p = 1; p <= first.pages; p++) {
    const page = await inbox(`antal=100&sida=${p}`);
    expect(page.items.length).toBe(100);
    for (const t of page.items) { seen.set(t.userTaskKey, (seen.get(t.userTaskKey) ?? 0) + 1); rows.push(t); }
  }
  expect(seen.size).toBe(N);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(rows.map((r) => r.caseRef))).toEqual(new Set(Array.from({ length: N }, (_, i) => ref(i))));
  const dues = rows.slice(0, DATED).map((r) => Date.parse(r.dueDate!));
  expect(dues).toEqual([...dues].sort((a, b) => a - b));
  expect(rows.slice(DATED).every((r) => !r.dueDate)).toBe(true);
  // A page beyond the last is empty, not an error; the descending sort starts with the latest due date.
  expect((await inbox('antal=100&sida=13')).items).toEqual([]);
  expect(Date.parse((await inbox('ordning=desc&antal=25')).items[0].dueDate!)).toBe(Math.max(...dues));
});

test('the HTML inbox pages too, with counts and page links', async () => {
  const html = decode(await ss.html('/uppgifter?sida=24'));
  expect(html).toMatch(/Visar 1\s151–1\s200 av 1\s200 uppgifter/);
  expect(html).toContain('href="/uppgifter?sida=23"');
  expect(html).not.toContain('rel="next"');
  expect((html.match(/<tr data-task=/g) ?? []).length).toBe(50);
  const sorted = await ss.html('/uppgifter?sortera=name&ordning=desc');
  expect(sorted).toContain('aria-sort="descending"');
});

test('search by case reference in any form, by process and by kommun', async () => {
  for (const q of ['VK-2026-700777', 'vk-2026-700777', '2026-700777', '2026700777', ' vk2026700777 ']) {
    const r = await inbox(`arende=${encodeURIComponent(q)}`);
    expect(r.items.map((t) => t.caseRef)).toEqual(['VK-2026-700777']);
  }
  const part = await inbox('arende=70077&antal=100');
  expect(part.items.map((t) => t.caseRef).sort()).toEqual(Array.from({ length: 10 }, (_, i) => ref(770 + i)));
  expect((await inbox('arende=VK-2026-999999')).total).toBe(0);
  expect((await ss.get('/api/uppgifter?arende=drop%20table')).status).toBe(400);
  // Another kommun's case is not found by its reference either.
  expect((await inbox(`arende=${ref(N)}`)).total).toBe(0);
  expect((await inbox('process=vk-placeringsforfragan')).total).toBe(N);
  expect((await inbox('process=vk-sip')).total).toBe(0);
  expect((await inbox(`kommun=${encodeURIComponent('Växjö')}`)).total).toBe(N);
  expect((await inbox('kommun=vaxjo&arende=700001')).items.map((t) => t.caseRef)).toEqual(['VK-2026-700001']);
  expect((await inbox('kommun=alvesta')).total).toBe(0);
  const bad = await ss.get('/api/uppgifter?kommun=Atlantis');
  expect(bad.status).toBe(400);
  expect(bad.json.error).toContain('Okänd kommun');
  expect((await ss.get('/api/uppgifter?antal=5000')).status).toBe(400);
});
