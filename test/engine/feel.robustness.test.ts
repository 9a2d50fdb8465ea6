import fc from 'fast-check';
import { ExpressionError, evaluate, evaluateCondition, nextTimerSchedule, scheduleTimer } from '../../engine/feel';

/** Whatever a diagram author writes, evaluation ends in a JSON value or an ExpressionError, never another crash. */
function expectValueOrExpressionError(run: () => unknown): void {
  try {
    const value = run();
    expect(JSON.parse(JSON.stringify(value ?? null))).toEqual(value ?? null);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
  }
}

const feelish = fc.stringMatching(/^[a-z0-9 +\-*/()[\]{}.,:"<>=!]{0,40}$/);

describe('engine/feel robustness', () => {
  it('evaluate returns JSON or throws ExpressionError for arbitrary FEEL text', () => {
    fc.assert(
      fc.property(feelish, (source) => {
        expectValueOrExpressionError(() => evaluate(`=${source}`, { a: 1, b: 'text', c: [1, 2], d: { e: true } }));
      }),
      { numRuns: 400 },
    );
  });

  it('evaluateCondition returns a boolean or throws ExpressionError', () => {
    fc.assert(
      fc.property(feelish, (source) => {
        try {
          expect(typeof evaluateCondition(`=${source}`, { a: 1 })).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('scheduleTimer returns a valid future-or-present instant or throws ExpressionError for arbitrary timer text', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.constantFrom('duration', 'date', 'cycle' as const), fc.stringMatching(/^[RPTWDHMSYZ0-9:.\-+/]{1,30}$/), (type, expression) => {
        try {
          const schedule = scheduleTimer({ type: type as 'duration' | 'date' | 'cycle', expression }, {}, now);
          expect(Number.isNaN(Date.parse(schedule.dueAt))).toBe(false);
          if (type === 'duration') expect(Date.parse(schedule.dueAt)).toBeGreaterThanOrEqual(now.getTime());
        } catch (error) {
          expect(error).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('nextTimerSchedule is always strictly after the firing and the previous due date, and counts down', () => {
    const interval = fc.constantFrom('PT1S', 'PT10M', 'PT1H', 'P1D', 'P1W', 'P1M', 'P1Y', '0 0 9 * * MON', '0 */5 * * * *');
    const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) });
    fc.assert(
      fc.property(interval, instant, fc.integer({ min: -86_400_000 * 400, max: 86_400_000 * 400 }), fc.option(fc.nat({ max: 5 }), { nil: null }), (every, due, lateBy, remaining) => {
        const schedule = { dueAt: new Date(due).toISOString(), remaining: remaining === null ? null : remaining + 1, interval: every };
        const firedAt = new Date(due + Math.max(0, lateBy));
        const next = nextTimerSchedule(schedule, firedAt)!;
        expect(Date.parse(next.dueAt)).toBeGreaterThan(firedAt.getTime());
        expect(Date.parse(next.dueAt)).toBeGreaterThan(due);
        expect(next.remaining).toBe(remaining === null ? null : remaining);
      }),
      { numRuns: 300 },
    );
  });
});
