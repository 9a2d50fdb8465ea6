import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../../common/paths';

/**
 * The forms of forms/ and their context sidecars (`<formId>.context.json`, docs/web.md "Task context"). A sidecar
 * declares which case variables — answers of earlier steps — a task with that form may show; the web app hands a
 * task page and the form API nothing else (minimum necessary). It also holds date rules the .form cannot express.
 */
export interface FormComponent {
  type?: string;
  key?: string;
  label?: string;
  text?: string;
  subtype?: string;
  disallowPassedDates?: boolean;
  components?: FormComponent[];
  values?: Array<{ label: string; value: unknown }>;
  conditional?: { hide?: string };
  validate?: { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number; pattern?: string };
}
export interface FormSchema { id?: string; components?: FormComponent[] }

const Entry = z.union([
  z.strictObject({ from: z.string().min(1), keys: z.array(z.string().min(1)).min(1), title: z.string().optional() }),
  z.strictObject({ key: z.string().min(1), label: z.string().min(1), type: z.enum(['text', 'date', 'boolean']).default('text') }),
]);
const DateRule = z.strictObject({
  /** The field's date must not be after this variable's date (e.g. a deadline the form shows). */
  notAfter: z.string().min(1).optional(),
  /** The field's date must not be before today (as form-js `disallowPassedDates`, for rules outside the .form). */
  notInPast: z.boolean().optional(),
});
const Sidecar = z.strictObject({
  $comment: z.string().optional(),
  context: z.array(Entry).default([]),
  dates: z.record(z.string(), DateRule).default({}),
  /** Offer a print view of this form's answers on its task. */
  printable: z.boolean().default(false),
});
export type FormSidecar = z.infer<typeof Sidecar>;

/** One declared context value, resolved against the form that asked for it. */
export interface ContextField { key: string; label: string; group: string; component?: FormComponent; type: 'text' | 'date' | 'boolean' }

export const INPUT_TYPES = new Set(['textfield', 'textarea', 'number', 'radio', 'select', 'checkbox', 'checklist', 'taglist', 'datetime']);

/** Every component, groups flattened. */
export function allComponents(components: FormComponent[] | undefined): FormComponent[] {
  const out: FormComponent[] = [];
  for (const c of components ?? []) { out.push(c); out.push(...allComponents(c.components)); }
  return out;
}
export function inputComponents(schema: FormSchema): FormComponent[] {
  return allComponents(schema.components).filter((c) => c.key && INPUT_TYPES.has(c.type ?? ''));
}

/** The form's title: its first markdown heading, else its id. */
export function formTitle(schema: FormSchema): string {
  for (const c of allComponents(schema.components)) {
    const m = c.type === 'text' ? /^#+\s*(.+)$/m.exec(c.text ?? '') : null;
    if (m) return m[1].trim();
  }
  return schema.id ?? '';
}

/** Variables a form reads besides its own fields: `{{x}}` in text and names in FEEL conditions. */
export function referencedVariables(schema: FormSchema): string[] {
  const own = new Set(inputComponents(schema).map((c) => c.key!));
  const names = new Set<string>();
  for (const c of allComponents(schema.components)) {
    for (const m of (c.text ?? '').matchAll(/\{\{\s*([A-Za-z_][\w]*)/g)) names.add(m[1]);
    const expr = c.conditional?.hide?.replace(/^=/, '').replace(/"(?:[^"\\]|\\.)*"/g, '');
    // Names, not function calls (count(x)) or properties (x.y's y).
    for (const m of (expr ?? '').matchAll(/(?<![.\w])([A-Za-z_]\w*)\b(?!\s*\()/g)) {
      if (!['and', 'or', 'not', 'true', 'false', 'null', 'if', 'then', 'else', 'in', 'some', 'every', 'satisfies'].includes(m[1])) names.add(m[1]);
    }
  }
  return [...names].filter((n) => !own.has(n));
}

/** Always available to every form: the pseudonymous case reference the task header shows anyway. */
export const ALWAYS = ['caseRef'];

export class FormCatalog {
  private readonly forms = new Map<string, FormSchema>();
  private readonly sidecars = new Map<string, FormSidecar>();

  constructor(readonly dir: string) {
    for (const file of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, file);
      if (file.endsWith('.form')) {
        const schema = JSON.parse(fs.readFileSync(full, 'utf8')) as FormSchema;
        this.forms.set(schema.id ?? file.slice(0, -'.form'.length), schema);
      } else if (file.endsWith('.context.json')) {
        const parsed = Sidecar.safeParse(JSON.parse(fs.readFileSync(full, 'utf8')));
        if (!parsed.success) throw new Error(`${full}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        this.sidecars.set(file.slice(0, -'.context.json'.length), parsed.data);
      }
    }
    for (const id of this.sidecars.keys()) this.contextFields(id); // fail at start on a sidecar naming unknown forms or keys
  }

  static fromRepo(): FormCatalog {
    return new FormCatalog(path.join(PROJECT_ROOT, 'forms'));
  }

  formIds(): string[] { return [...this.forms.keys()]; }
  schema(formId: string): FormSchema | undefined { return this.forms.get(formId); }
  sidecar(formId: string | undefined): FormSidecar {
    return (formId && this.sidecars.get(formId)) || { context: [], dates: {}, printable: false };
  }

  /** The declared context of a form, each value described by the component of the form that asked for it. */
  contextFields(formId: string | undefined): ContextField[] {
    const out: ContextField[] = [];
    for (const e of this.sidecar(formId).context) {
      if ('from' in e) {
        const source = this.forms.get(e.from);
        if (!source) throw new Error(`forms/${formId}.context.json: the form "${e.from}" does not exist`);
        const group = e.title ?? formTitle(source);
        for (const key of e.keys) {
          const component = inputComponents(source).find((c) => c.key === key);
          if (!component) throw new Error(`forms/${formId}.context.json: the form "${e.from}" has no field "${key}"`);
          out.push({ key, label: component.label ?? key, group, component, type: component.type === 'datetime' ? 'date' : component.type === 'checkbox' ? 'boolean' : 'text' });
        }
      } else {
        out.push({ key: e.key, label: e.label, group: 'Från ärendet', type: e.type });
      }
    }
    return out;
  }

  /** Names of the variables a task with this form may read: its own fields, its declared context, caseRef. */
  readableKeys(formId: string | undefined, schema: FormSchema | null): Set<string> {
    return new Set([...ALWAYS, ...(schema ? inputComponents(schema).map((c) => c.key!) : []), ...this.contextFields(formId).map((c) => c.key)]);
  }
}
