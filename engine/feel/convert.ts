import { DateTime } from 'luxon';
import { FeelDate, FeelDateTime, FeelDuration, FeelTime, isFunction, isRange } from 'feelin';

/** Thrown by toJson for values that cannot be stored as a variable (functions, ranges). */
export class UnstorableValueError extends Error {}

/**
 * FEEL value → plain JSON value, the form variables are stored in. Temporal values become ISO 8601
 * strings, like Zeebe's JSON serialisation of FEEL results.
 */
export function toJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  // -0 has no JSON form (it is written as 0) and no FEEL meaning apart from 0, as in Zeebe's decimals.
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof FeelDateTime) return dateTimeToIso(value);
  if (value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDuration) return value.iso;
  if (isFunction(value)) throw new UnstorableValueError('the result is a function, which cannot be stored as a variable');
  if (isRange(value)) throw new UnstorableValueError('the result is a range, which cannot be stored as a variable');
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    // fromEntries defines own properties, so a context key like "__proto__" stays data.
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, entry]) => [key, toJson(entry)]));
  }
  throw new UnstorableValueError(`the result has an unsupported type (${typeof value})`);
}

/**
 * Zoned date-times are written with their numeric offset (`2026-01-01T10:00:00+01:00`) so every ISO
 * parser understands them; a named zone (`@Europe/Stockholm`) is resolved to the offset in force.
 * Local date-times (no zone) stay local.
 */
export function dateTimeToIso(value: FeelDateTime): string {
  if (value.zone === null) return value.iso;
  if (value.zone === 'UTC' || value.zone === 'Z') return value.iso.endsWith('Z') ? value.iso : `${value.unwrap().toString()}Z`;
  const local = value.unwrap().toString();
  const zoned = DateTime.fromISO(local, { zone: value.zone });
  if (!zoned.isValid) return value.iso;
  return zoned.toISO({ suppressMilliseconds: true }) ?? value.iso;
}
