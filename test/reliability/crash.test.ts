/**
 * Short form of the crash test (scripts/crash-test.ts, `npm run crash-test` for the long one): the engine and a
 * job-worker process as children, care-chain load (fixtures + bpmn/vk-*.bpmn), SIGKILL of the engine and/or the
 * worker at random moments in every round, restart, and the invariants checked on the SQLite file after each kill:
 * nothing acknowledged lost, counts never shrink, no job completed twice, every due timer fired at the end.
 */
import { runCrashTest } from '../../scripts/crash-test';

jest.setTimeout(240_000);

test('kill -9 of engine and worker at random moments loses nothing and completes nothing twice', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const lines: string[] = [];
  const report = await runCrashTest({ rounds: Number(process.env.CRASH_ROUNDS ?? 3), casesPerRound: 30, killWithinMs: 1500, seed, log: (l) => lines.push(l) });
  const summary = `seed ${seed}\n${lines.join('\n')}\n${report.violations.join('\n')}`;
  expect({ violations: report.violations, summary }).toEqual({ violations: [], summary });
  // The load really ran: instances of every kind, jobs and tasks completed, timers fired, kills happened.
  expect(report.rounds.length).toBeGreaterThanOrEqual(3);
  expect(report.started).toBeGreaterThan(40);
  expect(report.jobCompletionsAcked).toBeGreaterThan(0);
  expect(report.taskCompletionsAcked).toBeGreaterThan(0);
  expect(report.timersFired).toBeGreaterThan(0);
  expect(report.duplicateCompletions).toBe(0);
  expect(report.activationsAfterCompletion).toBe(0);
});
