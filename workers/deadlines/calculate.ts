import { DateTime, Duration } from 'luxon';
import { isWorkingDay, type WorkingDayOptions } from './holidays';

export const ZONE = 'Europe/Stockholm';

export type Adjust = 'previous-working-day' | 'next-working-day' | 'none';

export interface DeadlineRule {
  /** ISO 8601 duration, may be negative (`-P14D`). */
  offset: string;
  /** ISO 8601 duration: how long before the deadline the at-risk reminder is due. */
  reminderLeadTime: string;
  adjust: Adjust;
  /** Swedish name shown in e-mails ("Överlämningsmöte före flytt"). */
  label: string;
}

export interface DeadlineInput {
  /** `YYYY-MM-DD` or an ISO date-time. */
  base: string;
  rule: DeadlineRule;
  /** Local time of day (`HH:mm`) a date-only deadline falls due: end of the office day. */
  timeOfDay: string;
  workingDays: WorkingDayOptions;
  now: DateTime;
}

export interface Deadline {
  /** ISO date-time with the Europe/Stockholm offset. */
  due: string;
  reminder: string;
  /** true when the working-day adjustment moved the date. */
  adjusted: boolean;
}

/** Parses an ISO 8601 duration with an optional leading minus (luxon does not accept `-P14D`). */
export function parseSignedDuration(text: string): { duration: Duration; sign: 1 | -1 } {
  const negative = text.startsWith('-');
  const duration = Duration.fromISO(negative ? text.slice(1) : text);
  if (!duration.isValid) throw new Error(`"${text}" is not an ISO 8601 duration (examples: P14D, -P14D, P3M, P2W)`);
  return { duration, sign: negative ? -1 : 1 };
}

function addSigned(dt: DateTime, text: string): DateTime {
  const { duration, sign } = parseSignedDuration(text);
  return sign === 1 ? dt.plus(duration) : dt.minus(duration);
}

/** Parses a base date: a date-only value is taken as `timeOfDay` local Stockholm time. */
export function parseBase(base: string, timeOfDay: string): DateTime {
  if (/^\d{4}-\d{2}-\d{2}$/.test(base)) {
    const [h, m] = timeOfDay.split(':').map(Number);
    const dt = DateTime.fromISO(base, { zone: ZONE }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
    if (!dt.isValid) throw new Error(`"${base}" is not a valid date (expected YYYY-MM-DD)`);
    return dt;
  }
  const dt = DateTime.fromISO(base, { setZone: true });
  if (!dt.isValid) throw new Error(`"${base}" is not an ISO 8601 date or date-time (expected e.g. 2026-12-01 or 2026-12-01T09:00:00+01:00)`);
  return dt.setZone(ZONE);
}

/** Moves `dt` day by day (keeping the local time) until it falls on a working day. */
export function adjustToWorkingDay(dt: DateTime, adjust: Adjust, opts: WorkingDayOptions): DateTime {
  if (adjust === 'none') return dt;
  const step = adjust === 'previous-working-day' ? -1 : 1;
  let cur = dt;
  // A year never has more than a handful of consecutive closed days; the bound guards against bad config.
  for (let i = 0; i < 30 && !isWorkingDay(cur.toISODate()!, opts); i++) cur = cur.plus({ days: step });
  return cur;
}

function fmt(dt: DateTime): string {
  return dt.setZone(ZONE).toISO({ suppressMilliseconds: true })!;
}

export function calculateDeadline(input: DeadlineInput): Deadline {
  const base = parseBase(input.base, input.timeOfDay);
  const raw = addSigned(base, input.rule.offset);
  const due = adjustToWorkingDay(raw, input.rule.adjust, input.workingDays);
  let reminder = addSigned(due, '-' + input.rule.reminderLeadTime.replace(/^-/, ''));
  // A reminder in the past would fire at once anyway; "now" makes that explicit (JOB_TYPES.md).
  if (reminder < input.now) reminder = input.now.setZone(ZONE);
  return { due: fmt(due), reminder: fmt(reminder), adjusted: !raw.equals(due) };
}
