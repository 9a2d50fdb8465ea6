/**
 * Every user task in bpmn/ is a Camunda user task (zeebe:userTask, not a job-based task) with a linked form
 * (zeebe:formDefinition formId) that exists in forms/: so on a real cluster the same tasks show in Tasklist with
 * their forms (docs/production.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';

const bpmnDir = path.join(ROOT, 'bpmn');
const formIds = new Set(fs.readdirSync(path.join(ROOT, 'forms')).filter((f) => f.endsWith('.form'))
  .map((f) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', f), 'utf8')) as { id: string }).id));

const tasks = fs.readdirSync(bpmnDir).filter((f) => f.endsWith('.bpmn')).flatMap((file) => {
  const xml = fs.readFileSync(path.join(bpmnDir, file), 'utf8');
  return [...xml.matchAll(/<bpmn:userTask\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/bpmn:userTask>/g)].map((m) => ({ file, id: m[1], body: m[2] }));
});

test('the diagrams have user tasks', () => {
  expect(tasks.length).toBeGreaterThan(10);
});

test.each(tasks.map((t) => [`${t.file} ${t.id}`, t] as const))('%s is a Camunda user task with an existing linked form', (_, t) => {
  expect(t.body).toMatch(/<zeebe:userTask\s*\/?>/);
  const formId = /<zeebe:formDefinition\b[^>]*\bformId="([^"]+)"/.exec(t.body)?.[1];
  expect(formId).toBeDefined();
  expect(formIds.has(formId!)).toBe(true);
});
