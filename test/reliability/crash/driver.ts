/**
 * Crash test driver (issue 7): the engine (`engine/main.ts`) and job workers run as child processes on 127.0.0.1
 * with a temp DATA_DIR; the driver starts cases (the test fixtures and the real `bpmn/vk-*.bpmn` diagrams),
 * completes user tasks as "users", publishes messages and moves the pinned clock (10× real time) so timers fall
 * due — and kills the engine and/or the workers with SIGKILL at random moments, several rounds. After every kill
 * it checks the invariants (invariants.ts) on the SQLite file, restarts what it killed and goes on; at the end it
 * moves the clock past every due date and drains the fixtures.
 *
 * `npm run crash-test` runs it (main.ts); the jest suite runs a short form (test/reliability/crash.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCamundaClient, type CamundaClient } from '../../../common/camunda';
import { useLocalEngineCredentials } from '../../helpers/credentials';
import { startTestSmtp, type TestSmtp } from '../../helpers/smtp';
import { freePort, kill, startEngineChild, startJournalWorker, startRealWorkers } from './children';
import { FIXTURE_PROCESSES, FIXTURE_TYPES, LOOP_FREE, deployFixtures, deployNotifyProcess, startVariables } from './fixtures';
import { activeOf, auditRows, check, checkMail, checkTimers, journalCompletions, readJournal, tableCounts } from './invariants';
import { HOUR, T0, rng, sleep, type CrashOptions, type CrashReport, type RoundReport, type Started } from './types';

/** Everything one run shares between its rounds. */
interface Run {
  opts: CrashOptions;
  log: (line: string) => void;
  random: () => number;
  client: CamundaClient;
  url: string;
  port: number;
  dataDir: string;
  dbFile: string;
  journal: string;
  report: CrashReport;
  started: Started[];
  completedTasks: Set<string>;
  /** Job types the journalling worker serves. */
  types: string[];
  /** The engine's pinned time, advanced only once the engine acknowledged it. */
  clockNow: number;
  /**
   * Engine time added every 200 ms of real time (10×). Small on purpose: job locks run on the engine clock (the
   * real workers lock for 60 s), and jumps larger than a lock hand jobs out again while their handler still runs.
   */
  clockStep: number;
  caseNo: number;
  counts: Record<string, number>;
  audit: number;
  engine?: ChildProcess;
  worker?: ChildProcess;
  realWorkers?: ChildProcess;
  smtp?: TestSmtp;
}

export async function runCrashTest(opts: CrashOptions): Promise<CrashReport> {
  const began = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-crashtest-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  useLocalEngineCredentials();
  const run: Run = {
    opts, log: opts.log ?? (() => undefined), random: rng(opts.seed), client: createCamundaClient({ restAddress: url }), url, port, dataDir,
    dbFile: path.join(dataDir, 'engine.sqlite'), journal: path.join(dataDir, 'worker-journal.txt'),
    report: {
      seed: opts.seed, rounds: [], started: 0, startedByProcess: {}, jobCompletionsAcked: 0, taskCompletionsAcked: 0, messagesAcked: 0,
      timersFired: 0, duplicateCompletions: 0, activationsAfterCompletion: 0, careChainProcesses: [], careChainRefused: {}, violations: [], finalCounts: {}, seconds: 0,
    },
    started: [], completedTasks: new Set(), types: [], clockNow: T0, clockStep: opts.clockStepMs ?? 2000, caseNo: 1, counts: {}, audit: 0,
  };
  run.engine = await startEngineChild(dataDir, port);
  try {
    await setUp(run);
    for (let round = 1; round <= opts.rounds; round++) run.report.rounds.push(await runRound(run, round));
    await drain(run);
    await finalChecks(run);
  } finally {
    await kill(run.worker);
    await kill(run.realWorkers);
    await kill(run.engine);
    await run.smtp?.stop();
  }
  summarise(run, began);
  return run.report;
}

async function setUp(run: Run): Promise<void> {
  const careTypes = await deployFixtures(run.client, run.report);
  // With the real workers, they own the vk.* types; the generic worker keeps the fixture types.
  run.types = run.opts.realWorkers ? [...FIXTURE_TYPES] : [...FIXTURE_TYPES, ...careTypes];
  await run.client.pinClock({ timestamp: run.clockNow });
  run.worker = startJournalWorker(run.url, run.journal, run.types);
  if (run.opts.realWorkers) {
    await deployNotifyProcess(run.client);
    run.smtp = await startTestSmtp();
    run.realWorkers = startRealWorkers(run.url, run.dataDir, run.smtp.port);
  }
  run.counts = tableCounts(run.dbFile);
}

/** One round: load until a random moment, kill -9, check the file, restart what was killed. */
async function runRound(run: Run, round: number): Promise<RoundReport> {
  const before = { started: run.started.length, jobs: journalCompletions(run.journal), tasks: run.completedTasks.size };
  const stopLoad = startLoad(run);
  // Let the round make some progress first (so a slow machine still gets load), then kill at a random moment.
  const progressBy = Date.now() + 30_000;
  while (run.started.length < before.started + Math.min(10, run.opts.casesPerRound) && Date.now() < progressBy) await sleep(20);
  const afterMs = 300 + Math.floor(run.random() * (run.opts.killWithinMs ?? 4000));
  await sleep(afterMs);
  const what = run.random();
  // Round 1 always kills the engine, so every run covers an engine crash.
  const killed = round === 1 || what < 0.5 ? 'engine' : what < 0.75 ? 'worker' : 'engine+worker';
  if (killed.includes('engine')) await kill(run.engine);
  if (killed.includes('worker')) {
    await kill(run.worker);
    await kill(run.realWorkers);
  }
  // Let the starters notice, then stop the load.
  await sleep(100);
  await stopLoad();

  // Checks on the file while the engine is down (or, if only the worker died, on the live file).
  check(run.dbFile, run.started, run.completedTasks, run.journal, run.counts, run.report.violations, `round ${round}`);
  run.counts = tableCounts(run.dbFile);
  if (run.opts.realWorkers) {
    const rows = auditRows(run.dataDir);
    if (rows < run.audit) run.report.violations.push(`round ${round}: audit log shrank from ${run.audit} to ${rows}`);
    run.audit = rows;
  }

  const restartBegan = Date.now();
  if (killed.includes('engine')) run.engine = await startEngineChild(run.dataDir, run.port);
  const restartMs = Date.now() - restartBegan;
  if (killed.includes('worker')) {
    run.worker = startJournalWorker(run.url, run.journal, run.types);
    if (run.opts.realWorkers) run.realWorkers = startRealWorkers(run.url, run.dataDir, run.smtp!.port);
  }
  const r: RoundReport = {
    round, killed, afterMs, started: run.started.length - before.started, jobsCompleted: journalCompletions(run.journal) - before.jobs,
    tasksCompleted: run.completedTasks.size - before.tasks, restartMs,
  };
  run.log(`round ${round}: killed ${killed} after ${afterMs} ms; +${r.started} instances, +${r.jobsCompleted} jobs, +${r.tasksCompleted} tasks; restart ${restartMs} ms`);
  return r;
}

/** Starts the load actors (two starters, users, a messenger, the clock); the returned function stops and awaits them. */
function startLoad(run: Run): () => Promise<void> {
  let stop = false;
  const processes = [...FIXTURE_PROCESSES, ...run.report.careChainProcesses, ...(run.opts.realWorkers ? ['crash-notify', 'crash-notify'] : [])];
  const target = run.started.length + run.opts.casesPerRound;
  const starter = async () => {
    while (!stop && run.started.length < target) {
      const processId = processes[Math.floor(run.random() * processes.length)];
      const n = run.caseNo++;
      const timerSeconds = 10 * (1 + Math.floor(run.random() * 12)); // 10 s … 2 min of engine time
      const variables = startVariables(processId, n, timerSeconds);
      try {
        const pi = await run.client.createProcessInstance({ processDefinitionId: processId as never, variables });
        run.started.push({ key: pi.processInstanceKey, process: processId, ref: String(variables.caseRef), timerSeconds: processId === 'timer-intermediate' ? timerSeconds : undefined });
      } catch {
        await sleep(50);
      }
    }
  };
  const users = async () => {
    while (!stop) {
      try {
        const { items } = await run.client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 20 } }, { consistency: { waitUpToMs: 0 } });
        for (const task of items) {
          if (stop) break;
          if (run.random() < 0.3) continue; // users do not finish everything at once
          await run.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { reviewedBy: 'crash-user', [`task_${task.elementId}`]: task.userTaskKey } });
          run.completedTasks.add(task.userTaskKey);
        }
        if (items.length === 0) await sleep(50);
      } catch {
        await sleep(50);
      }
    }
  };
  const messenger = async () => {
    while (!stop) {
      const mine = run.started.filter((s) => s.process === 'message-catch');
      if (mine.length === 0) {
        await sleep(50);
        continue;
      }
      const ref = mine[Math.floor(run.random() * mine.length)].ref;
      try {
        await publishPaymentAndAck(run.client, ref);
        run.report.messagesAcked += 2;
      } catch {
        /* engine down */
      }
      await sleep(20);
    }
  };
  const clock = async () => {
    while (!stop) {
      await sleep(200);
      try {
        await run.client.pinClock({ timestamp: run.clockNow + run.clockStep });
        run.clockNow += run.clockStep; // only once acknowledged
      } catch {
        /* engine down */
      }
    }
  };
  const load = Promise.all([starter(), starter(), users(), messenger(), clock()]);
  return async () => {
    stop = true;
    await load;
  };
}

async function publishPaymentAndAck(client: CamundaClient, ref: string): Promise<void> {
  await client.publishMessage({ name: 'payment', correlationKey: ref, timeToLive: 0 });
  await client.publishMessage({ name: 'ack', correlationKey: `ack-${ref}`, timeToLive: 0 });
}

/** Every fixture case must finish once users, messages and time have done their part. */
async function drain(run: Run): Promise<void> {
  run.log('draining: completing tasks, publishing messages, moving the clock past every timer');
  // First let in-flight notification jobs finish: a big clock jump expires every job lock (60 s of engine time),
  // and a job handed out again while its first handler still runs is not what this test is about.
  const notifyBy = Date.now() + 60_000;
  while (activeOf(run.dbFile, run.started.filter((s) => s.process === 'crash-notify').map((s) => s.key)).length > 0 && Date.now() < notifyBy) await sleep(200);
  const maxTimer = Math.max(0, ...run.started.filter((s) => s.timerSeconds).map((s) => s.timerSeconds!));
  run.clockNow += maxTimer * 1000 + 2 * HOUR;
  await run.client.pinClock({ timestamp: run.clockNow });
  const fixtureKeys = run.started.filter((s) => LOOP_FREE.includes(s.process) || s.process === 'message-catch' || s.process === 'crash-notify').map((s) => s.key);
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const processDefinitionId of ['user-task', 'message-catch']) {
      const { items } = await run.client.searchUserTasks({ filter: { state: 'CREATED', processDefinitionId } as never, page: { limit: 100 } }, { consistency: { waitUpToMs: 0 } });
      for (const task of items) {
        try {
          await run.client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { reviewedBy: 'crash-user' } });
          run.completedTasks.add(task.userTaskKey);
        } catch {
          /* completed meanwhile (boundary event): the next pass sees the new state */
        }
      }
    }
    for (const s of run.started.filter((x) => x.process === 'message-catch')) await publishPaymentAndAck(run.client, s.ref);
    const active = activeOf(run.dbFile, fixtureKeys);
    if (active.length === 0) break;
    if (Date.now() > deadline) {
      run.report.violations.push(`drain: ${active.length} fixture instances still active after 60 s, e.g. ${active.slice(0, 5).join(', ')}`);
      break;
    }
    await sleep(300);
  }
}

async function finalChecks(run: Run): Promise<void> {
  check(run.dbFile, run.started, run.completedTasks, run.journal, run.counts, run.report.violations, 'final');
  run.report.timersFired = checkTimers(run.dbFile, run.started, run.clockNow, run.report.violations);
  run.report.finalCounts = tableCounts(run.dbFile);
  if (run.opts.realWorkers && run.smtp) {
    await sleep(2000); // let the last outbox entries go out
    run.report.mail = checkMail(run.dataDir, run.dbFile, run.smtp, run.audit, run.report.violations);
  }
}

function summarise(run: Run, began: number): void {
  const { report } = run;
  const j = readJournal(run.journal);
  report.jobCompletionsAcked = j.completedOk.size;
  report.duplicateCompletions = j.duplicates.length;
  report.activationsAfterCompletion = j.afterCompletion.length;
  report.taskCompletionsAcked = run.completedTasks.size;
  report.started = run.started.length;
  for (const s of run.started) report.startedByProcess[s.process] = (report.startedByProcess[s.process] ?? 0) + 1;
  report.seconds = (Date.now() - began) / 1000;
  if (report.violations.length === 0) fs.rmSync(run.dataDir, { recursive: true, force: true });
  else run.log(`data kept for inspection: ${run.dataDir}`);
}
