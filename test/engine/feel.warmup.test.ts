/**
 * The FEEL budget stops an evaluation as runaway once it has spent half the budget (25 ms of the default 50 ms) in CPU
 * time. The first date-time/duration arithmetic in a process used to cost 30-40 ms CPU (a cold path that the load-time
 * warm-up did not cover), so on a loaded machine orosanmälan's due date `=now() + duration(...)` became an incident
 * and the test waiting for its task failed (test/processes/placeringsforfragan.test.ts). Measured in a fresh process,
 * because only the first evaluation after loading the module is cold.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../../engine/limits';

const ROOT = path.resolve(__dirname, '..', '..');

const FIRST_USES = [
  '=now() + duration(if skyddsbedomningTid = null then "PT24H" else skyddsbedomningTid)', // vk-placeringsforfragan, vk-under-placering
  '=date and time(deadline) - duration("P2D")',
  '=date(day) + duration("P1M")',
];

test.each(FIRST_USES)('the first evaluation of %s after load stays well under the runaway threshold', (expression) => {
  const script = `
    const { evaluate } = require(${JSON.stringify(path.join(ROOT, 'engine', 'feel', 'evaluate.ts'))});
    const before = process.cpuUsage();
    evaluate(${JSON.stringify(expression)}, { deadline: '2026-12-01T16:00:00+01:00', day: '2026-12-01' }, { now: new Date() });
    const used = process.cpuUsage(before);
    process.stdout.write(String((used.user + used.system) / 1000));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  const cpuMs = Number(r.stdout);
  expect(cpuMs).toBeGreaterThan(0);
  expect(cpuMs).toBeLessThan(DEFAULT_LIMITS.feelBudgetMs / 2);
}, 60_000);
