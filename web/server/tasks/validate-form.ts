import { evaluate } from 'feelin';

/**
 * Server-side validation of submitted task variables against the task's Camunda Form schema: required fields,
 * allowed values of radio/select/checklist, text length, number bounds and patterns. Fields hidden by a
 * `conditional.hide` FEEL expression are skipped (as the form-js viewer does). Returns field key → Swedish message.
 */
export type FieldErrors = Record<string, string>;

interface Component {
  type?: string;
  key?: string;
  label?: string;
  components?: Component[];
  values?: Array<{ value: unknown }>;
  conditional?: { hide?: string };
  validate?: { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number; pattern?: string };
}

const INPUT_TYPES = new Set(['textfield', 'textarea', 'number', 'radio', 'select', 'checkbox', 'checklist', 'taglist', 'datetime']);

export function inputKeys(schema: { components?: unknown }): string[] {
  return walk((schema.components ?? []) as Component[]).filter((c) => c.key && INPUT_TYPES.has(c.type ?? '')).map((c) => c.key!);
}

export function validateAgainstForm(schema: { components?: unknown }, data: Record<string, unknown>, context: Record<string, unknown> = {}): FieldErrors {
  const errors: FieldErrors = {};
  const scope = { ...context, ...data };
  for (const c of walk((schema.components ?? []) as Component[], scope)) {
    if (!c.key || !INPUT_TYPES.has(c.type ?? '')) continue;
    const label = c.label ?? c.key;
    const v = data[c.key];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (c.type === 'checkbox' && v === false);
    if (empty) {
      if (c.validate?.required) errors[c.key] = `Fältet "${label}" måste fyllas i.`;
      continue;
    }
    const allowed = c.values?.map((x) => x.value);
    if (allowed && (c.type === 'radio' || c.type === 'select') && !allowed.includes(v)) errors[c.key] = `Ogiltigt val i "${label}".`;
    else if (allowed && (c.type === 'checklist' || c.type === 'taglist') && (!Array.isArray(v) || v.some((x) => !allowed.includes(x)))) errors[c.key] = `Ogiltigt val i "${label}".`;
    else if (c.type === 'checkbox' && typeof v !== 'boolean') errors[c.key] = `"${label}" ska vara ja eller nej.`;
    else if (c.type === 'number' && (typeof v !== 'number' || (c.validate?.min !== undefined && v < c.validate.min) || (c.validate?.max !== undefined && v > c.validate.max))) errors[c.key] = `"${label}" har ett ogiltigt tal.`;
    else if ((c.type === 'textfield' || c.type === 'textarea' || c.type === 'datetime') && typeof v !== 'string') errors[c.key] = `"${label}" ska vara text.`;
    else if (typeof v === 'string') {
      if (c.validate?.minLength !== undefined && v.length < c.validate.minLength) errors[c.key] = `"${label}" måste vara minst ${c.validate.minLength} tecken.`;
      else if (c.validate?.maxLength !== undefined && v.length > c.validate.maxLength) errors[c.key] = `"${label}" får vara högst ${c.validate.maxLength} tecken.`;
      else if (c.validate?.pattern && !new RegExp(`^(?:${c.validate.pattern})$`).test(v)) errors[c.key] = `"${label}" har fel format.`;
    }
  }
  return errors;
}

/** Visible components (groups flattened); with a scope, conditionally hidden ones are left out. */
function walk(components: Component[], scope?: Record<string, unknown>): Component[] {
  const out: Component[] = [];
  for (const c of components) {
    if (scope && isHidden(c, scope)) continue;
    out.push(c);
    if (c.components) out.push(...walk(c.components, scope));
  }
  return out;
}

function isHidden(c: Component, scope: Record<string, unknown>): boolean {
  const expr = c.conditional?.hide;
  if (!expr) return false;
  try {
    return evaluate(expr.replace(/^=/, ''), scope).value === true;
  } catch {
    return false;
  }
}
