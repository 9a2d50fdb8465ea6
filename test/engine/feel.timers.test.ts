import { ExpressionError, nextTimerSchedule, scheduleTimer, type TimerSchedule } from '../../engine/feel';
import type { TimerDefinition } from '../../engine/model';

const now = new Date('2026-01-31T10:00:00.000Z');
const duration = (expression: string): TimerDefinition => ({ type: 'duration', expression });
const date = (expression: string): TimerDefinition => ({ type: 'date', expression });
const cycle = (expression: string): TimerDefinition => ({ type: 'cycle', expression });

function timerError(definition: TimerDefinition, variables: Record<string, unknown> = {}): string {
  try {
    scheduleTimer(definition, variables, now);
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
  throw new Error(`expected ${definition.expression} to be refused`);
}

describe('scheduleTimer: durations', () => {
  it.each([
    ['P14D', '2026-02-14T10:00:00.000Z'],
    ['P2W', '2026-02-14T10:00:00.000Z'],
    ['PT10M', '2026-01-31T10:10:00.000Z'],
    ['P1DT2H', '2026-02-01T12:00:00.000Z'],
    ['PT0.5S', '2026-01-31T10:00:00.500Z'],
    ['PT0S', '2026-01-31T10:00:00.000Z'],
    ['P1M', '2026-02-28T10:00:00.000Z'],
    ['P1Y', '2027-01-31T10:00:00.000Z'],
  ])('%s from 2026-01-31T10:00Z is due at %s and does not repeat', (expression, dueAt) => {
    expect(scheduleTimer(duration(expression), {}, now)).toEqual({ dueAt, remaining: 0 });
  });

  it('adds calendar months (end of month clamps) and keeps absolute instants across DST', () => {
    expect(scheduleTimer(duration('P1M'), {}, new Date('2026-03-31T00:00:00Z')).dueAt).toBe('2026-04-30T00:00:00.000Z');
    // Stockholm switches to summer time on 2026-03-29: P1D is still 24 hours of absolute time.
    expect(scheduleTimer(duration('P1D'), {}, new Date('2026-03-28T12:00:00Z')).dueAt).toBe('2026-03-29T12:00:00.000Z');
  });

  it('evaluates FEEL durations, including FEEL duration values and computed strings', () => {
    expect(scheduleTimer(duration('=frist'), { frist: 'P3D' }, now).dueAt).toBe('2026-02-03T10:00:00.000Z');
    expect(scheduleTimer(duration('=duration("P14D")'), {}, now).dueAt).toBe('2026-02-14T10:00:00.000Z');
    expect(scheduleTimer(duration('=duration("P1M")'), {}, now).dueAt).toBe('2026-02-28T10:00:00.000Z');
    expect(scheduleTimer(duration('="PT" + string(minuter) + "M"'), { minuter: 5 }, now).dueAt).toBe('2026-01-31T10:05:00.000Z');
  });

  it.each(['-P1D', 'P', 'PT', '14D', 'P1.5.2D', 'P1DT', 'tomorrow'])('refuses %s with a clear message', (expression) => {
    expect(timerError(duration(expression))).toMatch(new RegExp(`^Failed to evaluate expression '${expression.replace(/[.]/g, '\\.')}': '.*' is not a valid ISO 8601 duration\\. Use e\\.g\\. P14D`));
  });

  it('refuses FEEL results that are not text, naming the missing variable case', () => {
    expect(timerError(duration('=frist'))).toMatch(/expected a timer duration as ISO 8601 text, but the result was null\. .*NO_VARIABLE_FOUND/);
    expect(timerError(duration('=14'))).toMatch(/but the result was number 14/);
  });
});

describe('scheduleTimer: dates', () => {
  it('accepts date-times with offset, Z, zone id in brackets and FEEL date-time values', () => {
    expect(scheduleTimer(date('2026-12-01T09:00:00+01:00'), {}, now)).toEqual({ dueAt: '2026-12-01T08:00:00.000Z', remaining: 0 });
    expect(scheduleTimer(date('2026-12-01T08:00:00Z'), {}, now).dueAt).toBe('2026-12-01T08:00:00.000Z');
    expect(scheduleTimer(date('2026-07-01T09:00:00[Europe/Stockholm]'), {}, now).dueAt).toBe('2026-07-01T07:00:00.000Z');
    expect(scheduleTimer(date('2026-07-01T09:00:00+02:00[Europe/Stockholm]'), {}, now).dueAt).toBe('2026-07-01T07:00:00.000Z');
    expect(scheduleTimer(date('=date and time("2026-07-01T09:00:00@Europe/Stockholm")'), {}, now).dueAt).toBe('2026-07-01T07:00:00.000Z');
    expect(scheduleTimer(date('=date and time(flytt) - duration("P14D")'), { flytt: '2026-12-15T09:00:00+01:00' }, now).dueAt).toBe('2026-12-01T08:00:00.000Z');
  });

  it('keeps dates in the past (the timer is then due at once)', () => {
    expect(scheduleTimer(date('2020-01-01T00:00:00Z'), {}, now).dueAt).toBe('2020-01-01T00:00:00.000Z');
  });

  it.each(['2026-12-01', '2026-12-01T09:00:00', '2026-02-30T09:00:00Z', 'P1D', 'snart'])('refuses %s', (expression) => {
    expect(timerError(date(expression))).toMatch(/is not a valid ISO 8601 date-time with offset\. Use e\.g\. 2026-12-01T09:00:00\+01:00/);
  });
});

describe('scheduleTimer: cycles', () => {
  it('schedules a counted cycle: first after one interval, then remaining repetitions', () => {
    expect(scheduleTimer(cycle('R5/PT10S'), {}, now)).toEqual({ dueAt: '2026-01-31T10:00:10.000Z', remaining: 4, interval: 'PT10S' });
    expect(scheduleTimer(cycle('R1/P1D'), {}, now)).toEqual({ dueAt: '2026-02-01T10:00:00.000Z', remaining: 0, interval: 'P1D' });
  });

  it('schedules an endless cycle with remaining null', () => {
    expect(scheduleTimer(cycle('R/PT1H'), {}, now)).toEqual({ dueAt: '2026-01-31T11:00:00.000Z', remaining: null, interval: 'PT1H' });
  });

  it('schedules a cycle with start date at the start itself, also when it lies in the past', () => {
    expect(scheduleTimer(cycle('R/2026-03-01T09:00:00+01:00/P1D'), {}, now)).toEqual({ dueAt: '2026-03-01T08:00:00.000Z', remaining: null, interval: 'P1D' });
    expect(scheduleTimer(cycle('R3/2026-01-01T09:00:00+01:00/P1W'), {}, now)).toEqual({ dueAt: '2026-01-01T08:00:00.000Z', remaining: 2, interval: 'P1W' });
  });

  it('evaluates FEEL cycles', () => {
    expect(scheduleTimer(cycle('="R" + string(antal) + "/P1D"'), { antal: 2 }, now)).toEqual({ dueAt: '2026-02-01T10:00:00.000Z', remaining: 1, interval: 'P1D' });
  });

  it.each([
    ['R5', /not a valid ISO 8601 repeating interval/],
    ['PT10S', /not a valid ISO 8601 repeating interval/],
    ['Rx/PT10S', /not a valid ISO 8601 repeating interval/],
    ['R/a/b/c', /not a valid ISO 8601 repeating interval/],
    ['R0/PT10S', /repeats zero times/],
    ['R/PT0S', /'PT0S' in 'R\/PT0S' is not a positive ISO 8601 duration/],
    ['R/-PT1S', /is not a positive ISO 8601 duration/],
    ['R/2026-01-01/P1D', /'2026-01-01' in .* is not an ISO 8601 date-time with offset/],
    ['0 9 * * MON', /cron expression needs six fields .* has 5/],
    ['0 0 25 * * *', /'25' is not a valid hour \(0-23\)/],
    ['0 0 9 * * FUN', /'FUN' is not a valid day of week/],
    ['0 0 9 31 2 *', /never matches a date/],
    ['0 0 9 L * *', /'L' is not a valid day of month/],
    ['0 */0 * * * *', /invalid step in the minute field/],
  ])('refuses %s', (expression, text) => {
    expect(timerError(cycle(expression))).toMatch(text);
  });
});

describe('scheduleTimer: cron cycles (Spring six-field form, UTC)', () => {
  // 2026-01-31 is a Saturday.
  it('schedules the next matching instant strictly after now, repeating forever', () => {
    expect(scheduleTimer(cycle('0 0 9 * * MON'), {}, now)).toEqual({ dueAt: '2026-02-02T09:00:00.000Z', remaining: null, interval: '0 0 9 * * MON' });
    expect(scheduleTimer(cycle('0 0 10 * * *'), {}, now).dueAt).toBe('2026-02-01T10:00:00.000Z');
    expect(scheduleTimer(cycle('30 */15 * * * *'), {}, now).dueAt).toBe('2026-01-31T10:00:30.000Z');
    expect(scheduleTimer(cycle('0 0 8 1 * ?'), {}, now).dueAt).toBe('2026-02-01T08:00:00.000Z');
    expect(scheduleTimer(cycle('0 0 7 * JUN-AUG MON-FRI'), {}, now).dueAt).toBe('2026-06-01T07:00:00.000Z');
    expect(scheduleTimer(cycle('@daily'), {}, now).dueAt).toBe('2026-02-01T00:00:00.000Z');
    expect(scheduleTimer(cycle('0 0 12 29 2 *'), {}, now).dueAt).toBe('2028-02-29T12:00:00.000Z');
  });

  it('treats 0 and 7 as Sunday and lists/ranges/steps as cron does', () => {
    expect(scheduleTimer(cycle('0 0 9 * * 7'), {}, now).dueAt).toBe('2026-02-01T09:00:00.000Z');
    expect(scheduleTimer(cycle('0 0 9,17 * * 1-5'), {}, new Date('2026-02-02T12:00:00Z')).dueAt).toBe('2026-02-02T17:00:00.000Z');
    expect(scheduleTimer(cycle('0 0 0/6 * * *'), {}, new Date('2026-02-02T12:00:00Z')).dueAt).toBe('2026-02-02T18:00:00.000Z');
  });

  it('moves to the next match after each firing, skipping missed ones', () => {
    const first = scheduleTimer(cycle('0 0 9 * * MON'), {}, now);
    expect(nextTimerSchedule(first, new Date(first.dueAt))).toEqual({ dueAt: '2026-02-09T09:00:00.000Z', remaining: null, interval: '0 0 9 * * MON' });
    expect(nextTimerSchedule(first, new Date('2026-03-01T00:00:00Z'))!.dueAt).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('nextTimerSchedule', () => {
  const fire = (schedule: TimerSchedule) => nextTimerSchedule(schedule, new Date(schedule.dueAt));

  it('returns undefined for one-shot timers', () => {
    expect(fire(scheduleTimer(duration('P1D'), {}, now))).toBeUndefined();
    expect(fire({ dueAt: now.toISOString(), remaining: 3 })).toBeUndefined();
  });

  it('counts a counted cycle down to its last repetition', () => {
    let schedule: TimerSchedule | undefined = scheduleTimer(cycle('R3/PT10S'), {}, now);
    const dueTimes: string[] = [];
    while (schedule) {
      dueTimes.push(schedule.dueAt);
      schedule = fire(schedule);
    }
    expect(dueTimes).toEqual(['2026-01-31T10:00:10.000Z', '2026-01-31T10:00:20.000Z', '2026-01-31T10:00:30.000Z']);
  });

  it('repeats an endless cycle forever, each repetition one interval after the previous due date', () => {
    const first = scheduleTimer(cycle('R/2026-01-01T09:00:00+01:00/P1D'), {}, now);
    const second = fire(first)!;
    const third = fire(second)!;
    expect([second.dueAt, third.dueAt]).toEqual(['2026-01-02T08:00:00.000Z', '2026-01-03T08:00:00.000Z']);
    expect(third.remaining).toBeNull();
    expect(third.interval).toBe('P1D');
  });

  it('keeps the previous due date as anchor when firing a little late', () => {
    const daily: TimerSchedule = { dueAt: '2026-01-01T08:00:00.000Z', remaining: null, interval: 'P1D' };
    expect(nextTimerSchedule(daily, new Date('2026-01-01T08:00:05Z'))!.dueAt).toBe('2026-01-02T08:00:00.000Z');
  });

  it('re-anchors to the firing time when repetitions were missed (Zeebe), so they are skipped, not fired in a burst', () => {
    const daily: TimerSchedule = { dueAt: '2026-01-01T08:00:00.000Z', remaining: null, interval: 'P1D' };
    expect(nextTimerSchedule(daily, new Date('2026-01-15T10:00:00Z'))!.dueAt).toBe('2026-01-16T10:00:00.000Z');
    const everyTenSeconds: TimerSchedule = { dueAt: '2026-01-01T00:00:00.000Z', remaining: 5, interval: 'PT10S' };
    expect(nextTimerSchedule(everyTenSeconds, new Date('2026-01-15T00:00:05Z'))).toEqual({ dueAt: '2026-01-15T00:00:15.000Z', remaining: 4, interval: 'PT10S' });
    const naturalEqualsNow: TimerSchedule = { dueAt: '2026-01-01T00:00:00.000Z', remaining: null, interval: 'PT10S' };
    expect(nextTimerSchedule(naturalEqualsNow, new Date('2026-01-01T00:00:10Z'))!.dueAt).toBe('2026-01-01T00:00:20.000Z');
  });

  it('steps calendar months from the previous due date', () => {
    const monthly: TimerSchedule = { dueAt: '2026-01-15T08:00:00.000Z', remaining: null, interval: 'P1M' };
    expect(fire(monthly)!.dueAt).toBe('2026-02-15T08:00:00.000Z');
    expect(nextTimerSchedule(monthly, new Date('2026-04-20T00:00:00Z'))!.dueAt).toBe('2026-05-20T00:00:00.000Z');
  });

  it('produces JSON-serialisable schedules', () => {
    const schedule = scheduleTimer(cycle('R/PT1H'), {}, now);
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
  });
});
