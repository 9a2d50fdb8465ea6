import { randomUUID } from 'node:crypto';
import { FeelDate, FeelDateTime, FeelFunction } from 'feelin';

/**
 * Camunda 8 FEEL extension functions that feelin does not ship, so expressions written for Zeebe
 * behave the same here instead of silently yielding null. Given to feelin as context functions
 * (a variable of the same name takes precedence, as with any context entry).
 * Deliberate approximation: `is defined(x)` is false for a null value as well as a missing one
 * (feelin cannot tell them apart).
 */
const fn = (names: string[], body: (...args: any[]) => unknown) => new FeelFunction(body, names);

const isString = (value: unknown): value is string => typeof value === 'string';

export const CAMUNDA_FUNCTIONS: Readonly<Record<string, FeelFunction>> = {
  'is blank': fn(['string'], (s: unknown) => (isString(s) ? s.trim() === '' : null)),
  trim: fn(['string'], (s: unknown) => (isString(s) ? s.trim() : null)),
  uuid: fn([], () => randomUUID()),
  extract: fn(['string', 'pattern'], (s: unknown, pattern: unknown) => {
    if (!isString(s) || !isString(pattern)) return null;
    try {
      return [...s.matchAll(new RegExp(pattern, 'g'))].map((m) => m[0]);
    } catch {
      return null;
    }
  }),
  'is empty': fn(['list'], (list: unknown) => (Array.isArray(list) ? list.length === 0 : null)),
  'duplicate values': fn(['list'], (list: unknown) => {
    if (!Array.isArray(list)) return null;
    const seen = new Map<string, number>();
    for (const item of list) seen.set(JSON.stringify(item), (seen.get(JSON.stringify(item)) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([key]) => JSON.parse(key) as unknown);
  }),
  partition: fn(['list', 'size'], (list: unknown, size: unknown) => {
    if (!Array.isArray(list) || typeof size !== 'number' || !Number.isInteger(size) || size < 1) return null;
    const parts: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) parts.push(list.slice(i, i + size));
    return parts;
  }),
  'get or else': fn(['value', 'default'], (value: unknown, fallback: unknown) => value ?? fallback ?? null),
  'is defined': fn(['value'], (value: unknown) => value !== null && value !== undefined),
  'last day of month': fn(['date'], (date: unknown) => {
    if (!(date instanceof FeelDate) && !(date instanceof FeelDateTime)) return null;
    // Day 0 of the next month is the last day of this one.
    return new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  }),
  'random number': fn([], () => Math.random()),
};

/**
 * The evaluation context: the variables plus the extension functions the expression mentions and
 * the variables do not shadow (only mentioned ones: every context entry costs feelin parse time).
 */
export function withExtensions(source: string, variables: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...variables };
  for (const [name, extension] of Object.entries(CAMUNDA_FUNCTIONS)) {
    if (source.includes(name) && !(name in variables)) context[name] = extension;
  }
  return context;
}
