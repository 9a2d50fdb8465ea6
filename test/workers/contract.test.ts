/**
 * The diagrams in bpmn/ against the workers: every service-task type has a handler, its headers pass the handler's
 * schema, every deadline rule exists and every escalated deadline has a Swedish label.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allHandlers } from '../../workers/handlers';
import { openDeps } from '../../workers/main';
import { testConfig } from './setup';
import type { Deps } from '../../workers/deps';

const ROOT = path.resolve(__dirname, '..', '..');

interface Task { file: string; id: string; type: string; headers: Record<string, string> }

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function serviceTasks(): Task[] {
  const out: Task[] = [];
  for (const file of fs.readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn'))) {
    const xml = fs.readFileSync(path.join(ROOT, 'bpmn', file), 'utf8');
    for (const m of xml.matchAll(/<bpmn:serviceTask\b[^>]*\bid="([^"]+)"[\s\S]*?<\/bpmn:serviceTask>/g)) {
      const type = /<zeebe:taskDefinition\b[^>]*\btype="([^"]+)"/.exec(m[0])?.[1];
      if (!type) continue;
      const headers: Record<string, string> = {};
      for (const h of m[0].matchAll(/<zeebe:header\b[^>]*\bkey="([^"]+)"[^>]*\bvalue="([^"]*)"/g)) headers[h[1]] = unescape(h[2]);
      out.push({ file, id: m[1], type, headers });
    }
  }
  return out;
}

let deps: Deps;
let close: () => Promise<void>;
let handlers: Map<string, ReturnType<typeof allHandlers>[number]>;
beforeAll(async () => {
  ({ deps, close } = await openDeps(testConfig(2525, fs.mkdtempSync(path.join(os.tmpdir(), 'vk-contract-')))));
  handlers = new Map(allHandlers(deps).map((h) => [h.type, h]));
});
afterAll(() => close());
const tasks = serviceTasks();

test('the diagrams use job types at all (guards against an empty scan)', () => {
  expect(tasks.length).toBeGreaterThan(10);
});

test.each(tasks.map((t) => [`${t.file} ${t.id} (${t.type})`, t] as const))('%s', (_, t) => {
  const h = handlers.get(t.type);
  expect(h).toBeDefined();
  const parsed = h!.headers.safeParse(t.headers);
  if (!parsed.success) throw new Error(`${t.file} ${t.id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (t.type === 'vk.deadline.calculate') expect(Object.keys(deps.deadlines.rules)).toContain(t.headers.rule);
  if (t.type === 'vk.escalate') {
    const label = deps.deadlines.rules[t.headers.deadline]?.label ?? deps.deadlines.labels[t.headers.deadline];
    expect(label).toEqual(expect.any(String));
  }
});
