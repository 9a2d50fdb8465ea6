import fs from 'node:fs';
import { evaluate } from 'feelin';
import { z } from 'zod';
import { INPUT_TYPES, inputComponents, type FormComponent, type FormSchema, type FormSidecar } from './form-catalog';

/**
 * Server-side check of a submitted Camunda Form. Only the form's own input fields count; of those, only the
 * visible ones, where visibility (`conditional.hide`) is evaluated on what the server knows — the case's variables
 * and the submitted values of the form's own fields, never keys the browser adds. Hidden fields are dropped, so
 * they can neither skip validation nor reach the process. Returns field key → Swedish message, and the variables
 * to complete the task with.
 */
export type FieldErrors = Record<string, string>;

export interface SubmissionRules {
  /** "Today" for `disallowPassedDates` / `notInPast` (Stockholm calendar day). */
  now?: Date;
  /** Date rules of the form's sidecar (`notAfter` a deadline variable, `notInPast`). */
  dates?: FormSidecar['dates'];
  /** Free-text patterns that must not occur (personnummer, samordningsnummer …), with the message to show. */
  forbiddenText?: ForbiddenText[];
}
export interface ForbiddenText { pattern: RegExp; message: string }

/** Personnummer and samordningsnummer (day + 60), with or without century and separator. */
export const DEFAULT_FORBIDDEN_TEXT: ForbiddenText[] = [{
  pattern: /(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+ ]?\d{4}(?!\d)/,
  message: 'Skriv inte personnummer eller samordningsnummer här. Ärendet identifieras med ärendenumret (VK-…).',
}];

const FreeTextFile = z.object({ forbidden: z.array(z.object({ pattern: z.string().min(1), message: z.string().min(1) })) });

/** The forbidden free-text patterns of a config file (config/free-text.json); a bad file stops the start. */
export function loadForbiddenText(file: string): ForbiddenText[] {
  const parsed = FreeTextFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.forbidden.map((f) => ({ pattern: new RegExp(f.pattern, 'u'), message: f.message }));
}

export function inputKeys(schema: FormSchema): string[] {
  return inputComponents(schema).map((c) => c.key!);
}

export function checkSubmission(schema: FormSchema, submitted: Record<string, unknown>, known: Record<string, unknown>, rules: SubmissionRules = {}): { errors: FieldErrors; variables: Record<string, unknown> } {
  const own = new Set(inputKeys(schema));
  const ownSubmitted = Object.fromEntries(Object.entries(submitted).filter(([k]) => own.has(k)));
  const scope = { ...known, ...ownSubmitted };
  const errors: FieldErrors = {};
  const variables: Record<string, unknown> = {};
  for (const c of visibleInputs(schema.components ?? [], scope)) {
    const key = c.key!;
    const v = ownSubmitted[key];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (c.type === 'checkbox' && v === false);
    if (empty) {
      if (c.validate?.required) errors[key] = `Fältet "${c.label ?? key}" måste fyllas i.`;
      else if (v !== undefined) variables[key] = v === '' ? null : v;
      continue;
    }
    const problem = checkValue(c, v, scope, rules);
    if (problem) errors[key] = problem;
    else variables[key] = v;
  }
  return { errors, variables };
}

/** Errors only (kept for callers that validate without completing). */
export function validateAgainstForm(schema: FormSchema, data: Record<string, unknown>, context: Record<string, unknown> = {}, rules: SubmissionRules = {}): FieldErrors {
  return checkSubmission(schema, data, context, rules).errors;
}

function checkValue(c: FormComponent, v: unknown, scope: Record<string, unknown>, rules: SubmissionRules): string | undefined {
  const label = c.label ?? c.key!;
  const allowed = c.values?.map((x) => x.value);
  switch (c.type) {
    case 'radio': case 'select':
      return allowed && !allowed.includes(v) ? `Ogiltigt val i "${label}".` : undefined;
    case 'checklist': case 'taglist':
      return !Array.isArray(v) || (allowed && v.some((x) => !allowed.includes(x))) ? `Ogiltigt val i "${label}".` : undefined;
    case 'checkbox':
      return typeof v !== 'boolean' ? `"${label}" ska vara ja eller nej.` : undefined;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `"${label}" ska vara ett tal.`;
      if (c.validate?.min !== undefined && v < c.validate.min) return `"${label}" får inte vara mindre än ${c.validate.min}.`;
      if (c.validate?.max !== undefined && v > c.validate.max) return `"${label}" får inte vara större än ${c.validate.max}.`;
      return undefined;
    case 'datetime':
      return checkDate(c, v, scope, rules);
    default: {
      if (typeof v !== 'string') return `"${label}" ska vara text.`;
      if (c.validate?.minLength !== undefined && v.length < c.validate.minLength) return `"${label}" måste vara minst ${c.validate.minLength} tecken.`;
      if (c.validate?.maxLength !== undefined && v.length > c.validate.maxLength) return `"${label}" får vara högst ${c.validate.maxLength} tecken (nu ${v.length}).`;
      if (c.validate?.pattern && !new RegExp(`^(?:${c.validate.pattern})$`).test(v)) return `"${label}" har fel format.`;
      const bad = (rules.forbiddenText ?? DEFAULT_FORBIDDEN_TEXT).find((f) => f.pattern.test(v));
      return bad ? bad.message : undefined;
    }
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;

/** A real calendar day (2026-02-30 is not). */
function realDay(y: string, m: string, d: string): boolean {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d) && Number(y) >= 1900 && Number(y) <= 2200;
}

const STOCKHOLM_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
/** The Stockholm calendar day (YYYY-MM-DD) of an ISO date or date-time; undefined when it is neither. */
export function dayOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (DATE.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : STOCKHOLM_DAY.format(new Date(t));
}

function checkDate(c: FormComponent, v: unknown, scope: Record<string, unknown>, rules: SubmissionRules): string | undefined {
  const label = c.label ?? c.key!;
  if (typeof v !== 'string') return `"${label}" ska vara ett datum (ÅÅÅÅ-MM-DD).`;
  const subtype = c.subtype ?? 'date';
  if (subtype === 'time') return TIME.test(v) ? undefined : `"${label}" ska vara en tid (TT:MM).`;
  const m = subtype === 'datetime' ? DATE_TIME.exec(v) : DATE.exec(v);
  if (!m || !realDay(m[1], m[2], m[3])) {
    return subtype === 'datetime' ? `"${label}" ska vara ett datum med tid (ÅÅÅÅ-MM-DD TT:MM).` : `"${label}" ska vara ett riktigt datum (ÅÅÅÅ-MM-DD), t.ex. 2026-12-04.`;
  }
  const day = dayOf(v)!;
  const rule = rules.dates?.[c.key!] ?? {};
  if ((c.disallowPassedDates || rule.notInPast) && day < STOCKHOLM_DAY.format(rules.now ?? new Date())) {
    return `"${label}" får inte ligga bakåt i tiden.`;
  }
  if (rule.notAfter) {
    const limit = dayOf(scope[rule.notAfter]);
    if (limit && day > limit) return `"${label}" måste vara senast ${limit}.`;
  }
  return undefined;
}

/** Visible input components; a component inside a hidden group is hidden too. */
function visibleInputs(components: FormComponent[], scope: Record<string, unknown>): FormComponent[] {
  const out: FormComponent[] = [];
  for (const c of components) {
    if (isHidden(c, scope)) continue;
    if (c.key && INPUT_TYPES.has(c.type ?? '')) out.push(c);
    if (c.components) out.push(...visibleInputs(c.components, scope));
  }
  return out;
}

function isHidden(c: FormComponent, scope: Record<string, unknown>): boolean {
  const expr = c.conditional?.hide;
  if (!expr) return false;
  try {
    return evaluate(expr.replace(/^=/, ''), scope).value === true;
  } catch {
    // An expression that cannot be evaluated shows the field (form-js does the same), so it is validated.
    return false;
  }
}
