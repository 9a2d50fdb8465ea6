/**
 * Camunda Forms: every user task of every diagram links a form that exists in forms/, every form is valid
 * form-js schema for Camunda 8.8 (checked by schema, form-js needs a DOM), every input declares its key, a Swedish
 * label and validation; free text is limited and labelled not to contain personal or health data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';

const FORMS_DIR = path.join(ROOT, 'forms');
const BPMN_DIR = path.join(ROOT, 'bpmn');
const INPUT_TYPES = new Set(['textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'datetime', 'taglist']);
const forms = new Map<string, { file: string; json: any }>();
for (const f of fs.readdirSync(FORMS_DIR).filter((x) => x.endsWith('.form')).sort()) {
  const json = JSON.parse(fs.readFileSync(path.join(FORMS_DIR, f), 'utf8'));
  forms.set(json.id, { file: f, json });
}
const userTasks: Array<{ bpmn: string; id: string; formId: string | null; groups: string | null }> = [];
for (const f of fs.readdirSync(BPMN_DIR).filter((x) => x.endsWith('.bpmn'))) {
  const xml = fs.readFileSync(path.join(BPMN_DIR, f), 'utf8');
  for (const m of xml.matchAll(/<bpmn:userTask id="([^"]+)"[^>]*>([\s\S]*?)<\/bpmn:userTask>/g)) {
    userTasks.push({
      bpmn: f, id: m[1],
      formId: /<zeebe:formDefinition formId="([^"]+)"/.exec(m[2])?.[1] ?? null,
      groups: /<zeebe:assignmentDefinition candidateGroups="([^"]+)"/.exec(m[2])?.[1] ?? null,
    });
    expect(m[2]).toContain('<zeebe:userTask />');
  }
}

test('there are user tasks and forms', () => {
  expect(userTasks.length).toBeGreaterThan(30);
  expect(forms.size).toBeGreaterThan(25);
});

test.each(userTasks.map((u) => [`${u.bpmn}#${u.id}`, u] as const))('%s is a Camunda user task with candidate groups and an existing form', (_n, u) => {
  expect(u.groups).toBeTruthy();
  expect(u.formId).toBeTruthy();
  expect(forms.has(u.formId!)).toBe(true);
});

/** Start forms (`zeebe:formDefinition` on a process's none start event), rendered by the web app's start page. */
const startForms = fs.readdirSync(BPMN_DIR).filter((x) => x.endsWith('.bpmn')).flatMap((f) =>
  [...fs.readFileSync(path.join(BPMN_DIR, f), 'utf8').matchAll(/<bpmn:startEvent [^>]*>((?:(?!<\/bpmn:startEvent>)[\s\S])*)<\/bpmn:startEvent>/g)]
    .map((m) => /<zeebe:formDefinition formId="([^"]+)"/.exec(m[1])?.[1]).filter((id): id is string => !!id));

test('every start form exists in forms/', () => {
  expect(startForms.filter((id) => !forms.has(id))).toEqual([]);
});

test('every form is used by at least one user task or start event', () => {
  const used = new Set([...userTasks.map((u) => u.formId), ...startForms]);
  expect([...forms.keys()].filter((id) => !used.has(id))).toEqual([]);
});

test.each([...forms.entries()])('form %s is a valid Camunda 8.8 form with declared, validated, Swedish inputs', (id, { file, json }) => {
  expect(file).toBe(`${id}.form`);
  expect(json).toEqual(expect.objectContaining({ type: 'default', executionPlatform: 'Camunda Cloud', executionPlatformVersion: '8.8.0' }));
  expect(json.schemaVersion).toBeGreaterThanOrEqual(16);
  const comps: any[] = json.components;
  const ids = comps.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  const inputs = comps.filter((c) => INPUT_TYPES.has(c.type));
  expect(inputs.length).toBeGreaterThan(0);
  expect(inputs.some((c) => c.validate?.required === true)).toBe(true);
  const keys = inputs.map((c) => c.key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const c of inputs) {
    expect(c.key).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(typeof c.label).toBe('string');
    expect(c.label.length).toBeGreaterThan(2);
    expect(c.label).not.toMatch(/\b(the|and|date|yes|no)\b/i); // Swedish, not English
    if (c.valuesKey) {
      // options from a process variable (configuration handed in by a job, e.g. the psychiatry units)
      expect(c.valuesKey).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(c.values).toBeUndefined();
    } else if (['radio', 'select', 'checklist'].includes(c.type)) {
      expect(c.values.length).toBeGreaterThan(1);
      expect(new Set(c.values.map((v: any) => v.value)).size).toBe(c.values.length);
    }
    if (c.type === 'textarea' || c.type === 'textfield') {
      expect(c.description).toMatch(/hälsouppgifter/);
      expect(c.validate?.maxLength).toBeLessThanOrEqual(500);
    }
    if (c.conditional) expect(c.conditional.hide).toMatch(/^=/);
  }
  expect(JSON.stringify(json)).not.toMatch(/personnummer"|"key":\s*"(name|namn|diagnos)"/);
});
