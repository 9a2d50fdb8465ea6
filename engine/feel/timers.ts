import type { Duration } from 'luxon';
import type { TimerDefinition } from '../model/types';
import { ExpressionError } from './errors';
import { describeWarnings, evaluateWithWarnings } from './evaluate';
import { describeValue } from './typed';
import { addDuration, parseIsoDuration, parseIsoInstant } from './iso';
import { looksLikeCron, nextCronTime, parseCron } from './cron';
import { engineLimits } from '../limits';

/**
 * A scheduled timer, JSON-serialisable so the store can persist it.
 * - dueAt: when it fires next (ISO 8601, UTC)
 * - remaining: repetitions left after this one; null = repeats forever; 0 = fires once
 * - interval: ISO 8601 duration between repetitions, or the cron expression (cycles only)
 */
export interface TimerSchedule {
  dueAt: string;
  remaining: number | null;
  interval?: string;
}

type Variables = Record<string, unknown>;

/** First schedule of a timer whose element was just entered (or deployed, for timer start events) at `now`. */
export function scheduleTimer(definition: TimerDefinition, variables: Variables, now: Date): TimerSchedule {
  const text = timerText(definition, variables, now);
  const fail = (reason: string) => new ExpressionError(definition.expression, reason);
  switch (definition.type) {
    case 'duration': {
      const duration = parseIsoDuration(text);
      if (!duration) throw fail(`'${text}' is not a valid ISO 8601 duration. Use e.g. P14D, P2W, PT10M or P1DT2H (negative durations are not allowed).`);
      return { dueAt: addDuration(now, duration).toISOString(), remaining: 0 };
    }
    case 'date': {
      const instant = parseIsoInstant(text);
      if (!instant) throw fail(`'${text}' is not a valid ISO 8601 date-time with offset. Use e.g. 2026-12-01T09:00:00+01:00 or 2026-12-01T08:00:00Z.`);
      return { dueAt: instant.toISOString(), remaining: 0 };
    }
    case 'cycle':
      return scheduleCycle(text, now, fail);
  }
}

/**
 * The schedule after a repetition fired at `firedAt`, or undefined when the timer is done. As in
 * Zeebe (RepeatingInterval.nextOccurrenceAfter): the next due date is the previous one plus the
 * interval; if that already lies at or before `firedAt` (repetitions missed while the engine was
 * down, or a clock jump in tests) it is re-anchored to `firedAt` plus the interval, so missed
 * repetitions are skipped rather than fired in a burst, and count as one.
 */
export function nextTimerSchedule(schedule: TimerSchedule, firedAt: Date): TimerSchedule | undefined {
  if (schedule.remaining === 0 || !schedule.interval) return undefined;
  const next = looksLikeCron(schedule.interval) ? nextCronDue(schedule.interval, schedule, firedAt) : nextIntervalDue(schedule.interval, schedule, firedAt);
  if (!next) return undefined;
  return {
    dueAt: next.toISOString(),
    remaining: schedule.remaining === null ? null : schedule.remaining - 1,
    interval: schedule.interval,
  };
}

function nextIntervalDue(intervalText: string, schedule: TimerSchedule, firedAt: Date): Date | undefined {
  const interval = parseIsoDuration(intervalText);
  if (!interval || isZero(interval)) return undefined;
  const natural = addDuration(new Date(schedule.dueAt), interval);
  return natural.getTime() > firedAt.getTime() ? natural : addDuration(firedAt, interval);
}

function timerText(definition: TimerDefinition, variables: Variables, now: Date): string {
  const { value, warnings } = evaluateWithWarnings(definition.expression, variables, { now });
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ExpressionError(definition.expression, `expected a timer ${definition.type} as ISO 8601 text, but the result was ${describeValue(value)}.${describeWarnings(warnings)}`);
  }
  return value.trim();
}

function scheduleCycle(text: string, now: Date, fail: (reason: string) => ExpressionError): TimerSchedule {
  if (looksLikeCron(text)) return scheduleCron(text, now, fail);
  const parts = text.split('/');
  const repeat = /^R(\d*)$/.exec(parts[0] ?? '');
  if (!repeat || parts.length < 2 || parts.length > 3) {
    throw fail(`'${text}' is not a valid ISO 8601 repeating interval. Use e.g. R5/PT10S, R/PT1H or R/2026-01-01T09:00:00+01:00/P1D.`);
  }
  const repetitions = repeat[1] === '' ? null : Number(repeat[1]);
  if (repetitions === 0) throw fail(`'${text}' repeats zero times. Use R1 or more, or R for endless repetition.`);
  const intervalText = parts[parts.length - 1]!;
  const interval = parseIsoDuration(intervalText);
  if (!interval || isZero(interval)) throw fail(`'${intervalText}' in '${text}' is not a positive ISO 8601 duration. Use e.g. PT1H or P1D.`);
  const tooShort = cycleIntervalProblem(text);
  if (tooShort) throw fail(tooShort);
  const remaining = repetitions === null ? null : repetitions - 1;
  if (parts.length === 3) {
    const start = parseIsoInstant(parts[1]!);
    if (!start) throw fail(`'${parts[1]}' in '${text}' is not an ISO 8601 date-time with offset. Use e.g. 2026-01-01T09:00:00+01:00.`);
    // The first repetition is the start itself, even when it lies in the past (then it fires at once).
    return { dueAt: start.toISOString(), remaining, interval: intervalText };
  }
  return { dueAt: addDuration(now, interval).toISOString(), remaining, interval: intervalText };
}

/** Cron cycles repeat forever; the cron text travels in `interval` so the schedule stays three plain fields. */
function scheduleCron(text: string, now: Date, fail: (reason: string) => ExpressionError): TimerSchedule {
  let dueAt: Date | undefined;
  try {
    dueAt = nextCronTime(parseCron(text), now);
  } catch (error) {
    throw fail(`${(error as Error).message}. Use e.g. '0 0 9 * * MON' (every Monday 09:00 UTC) or a repeating interval such as R/P1D.`);
  }
  if (!dueAt) throw fail(`the cron expression '${text}' never matches a date. Check day, month and weekday.`);
  const tooShort = cycleIntervalProblem(text, now);
  if (tooShort) throw fail(tooShort);
  return { dueAt: dueAt.toISOString(), remaining: null, interval: text };
}

function nextCronDue(cron: string, schedule: TimerSchedule, firedAt: Date): Date | undefined {
  return nextCronTime(parseCron(cron), new Date(Math.max(firedAt.getTime(), Date.parse(schedule.dueAt))));
}

/**
 * Why the cycle `text` repeats more often than the minimum interval (ENGINE_LIMIT_MIN_TIMER_CYCLE_MS), or
 * undefined when it does not (or is no cycle this can judge). A cron cycle is judged by its first two matches
 * after `from`. Used at deploy for static cycles and when a computed cycle is scheduled.
 */
export function cycleIntervalProblem(text: string, from = new Date()): string | undefined {
  const minimum = engineLimits().minTimerCycleMs;
  let intervalMs: number | undefined;
  if (looksLikeCron(text)) {
    try {
      const cron = parseCron(text);
      const first = nextCronTime(cron, from);
      const second = first && nextCronTime(cron, first);
      if (first && second) intervalMs = second.getTime() - first.getTime();
    } catch {
      return undefined;
    }
  } else {
    const interval = parseIsoDuration(text.split('/').pop() ?? '');
    if (interval) intervalMs = interval.as('milliseconds');
  }
  if (intervalMs === undefined || intervalMs <= 0 || intervalMs >= minimum) return undefined;
  return `the cycle '${text}' repeats every ${intervalMs} ms, more often than the minimum interval of ${minimum} ms (ENGINE_LIMIT_MIN_TIMER_CYCLE_MS). Use a longer interval, e.g. R/PT1H.`;
}

function isZero(duration: Duration): boolean {
  return duration.as('milliseconds') === 0;
}
