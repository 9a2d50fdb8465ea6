/**
 * Short form of the crash test (test/reliability/crash/, `npm run crash-test` for the long one): the engine and a
 * job-worker process as children, care-chain load (fixtures + bpmn/vk-*.bpmn), SIGKILL of the engine and/or the
 * worker processes (a generic one and the real workers/main.ts with a real SMTP server) at random moments in every round, restart, and the invariants checked on the SQLite file after each kill:
 * nothing acknowledged lost, counts never shrink, no job completed twice, every due timer fired at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestEngine } from '../helpers/engine';
import { runCrashTest } from './crash/driver';
import { check } from './crash/invariants';

jest.setTimeout(240_000);

test('kill -9 of engine and worker at random moments loses nothing and completes nothing twice', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const lines: string[] = [];
  const report = await runCrashTest({ rounds: Number(process.env.CRASH_ROUNDS ?? 3), casesPerRound: 30, killWithinMs: 1500, realWorkers: true, seed, log: (l) => lines.push(l) });
  const summary = `seed ${seed}\n${lines.join('\n')}\n${report.violations.join('\n')}`;
  expect({ violations: report.violations, summary }).toEqual({ violations: [], summary });
  // The load really ran: instances of every kind, jobs and tasks completed, timers fired, kills happened.
  expect(report.rounds.length).toBeGreaterThanOrEqual(3);
  expect(report.started).toBeGreaterThanOrEqual(30); // every round waits for 10 starts before its kill window
  expect(report.jobCompletionsAcked).toBeGreaterThan(0);
  expect(report.taskCompletionsAcked).toBeGreaterThan(0);
  expect(report.timersFired).toBeGreaterThan(0);
  expect(report.duplicateCompletions).toBe(0);
  expect(report.activationsAfterCompletion).toBe(0);
  // The real workers (workers/main.ts) sent the notification mails through the test SMTP server, none twice.
  expect(report.mail?.duplicated).toEqual([]);
  expect(report.mail?.received).toBe(report.mail?.distinct);
});

test('the invariant checker itself catches a lost instance, a double completion, a lost task completion and a shrinking table', async () => {
  const engine = await startTestEngine();
  try {
    await engine.client.createDeployment({ resources: [new File([fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'bpmn', 'service-chain.bpmn'))], 'service-chain.bpmn')] });
    const pi = await engine.client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'a' } });
    const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-journal-')), 'journal.txt');
    fs.writeFileSync(journal, 'A 1 chain.a 1\nC 1 ok 1\nA 1 chain.a 2\nC 1 ok 2\n');
    const violations: string[] = [];
    check(
      path.join(engine.dataDir, 'engine.sqlite'),
      [{ key: String(pi.processInstanceKey), process: 'service-chain', ref: 'x' }, { key: '42', process: 'service-chain', ref: 'y' }],
      new Set(['43']),
      journal,
      { process_instances: 99 },
      violations,
      'self-test',
    );
    const text = violations.join('\n');
    expect(text).toMatch(/1 acknowledged instances lost, e\.g\. 42/);
    expect(text).toMatch(/jobs completed twice/);
    expect(text).toMatch(/activated again after their completion/);
    expect(text).toMatch(/job 1 acknowledged as completed is missing/);
    expect(text).toMatch(/user task 43 acknowledged as completed is missing/);
    expect(text).toMatch(/process_instances shrank from 99/);
  } finally {
    await engine.stop();
  }
});
