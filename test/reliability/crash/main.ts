/**
 * `npm run crash-test`: the long crash test (driver.ts). CRASH_ROUNDS=6, CRASH_CASES=150 at most per round,
 * CRASH_KILL_WITHIN_MS=4000, CRASH_CLOCK_STEP_MS, CRASH_REAL_WORKERS=0 to leave out the real workers, CRASH_SEED for
 * a replay. Exit code 1 when an invariant fails.
 */
import { runCrashTest } from './driver';
import { printReport } from './report';

const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
runCrashTest({
  rounds: Number(process.env.CRASH_ROUNDS ?? 6),
  casesPerRound: Number(process.env.CRASH_CASES ?? 150),
  killWithinMs: Number(process.env.CRASH_KILL_WITHIN_MS ?? 4000),
  clockStepMs: process.env.CRASH_CLOCK_STEP_MS ? Number(process.env.CRASH_CLOCK_STEP_MS) : undefined,
  realWorkers: process.env.CRASH_REAL_WORKERS !== '0',
  seed,
  log: (l) => console.log(l),
}).then((r) => {
  printReport(r);
  process.exit(r.violations.length === 0 ? 0 : 1);
}, (e) => {
  console.error(e);
  process.exit(1);
});
