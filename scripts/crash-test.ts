/**
 * Crash test (issue 7): the engine (`engine/main.ts`) and a job-worker process run as child processes on
 * 127.0.0.1 with a temp DATA_DIR; this driver starts care-chain cases (the test fixtures and the real
 * `bpmn/vk-*.bpmn` diagrams), completes user tasks as "users", publishes messages and moves the pinned clock
 * (10× real time) so timers fall due — and kills the engine and/or the worker with SIGKILL at random moments, several rounds.
 * After every kill it reads the SQLite file directly (read-only), restarts what it killed and checks:
 *
 *  - the file passes `PRAGMA integrity_check`;
 *  - every acknowledged instance start, job completion and user-task completion is there (state COMPLETED),
 *    with the variables the completion wrote;
 *  - row counts of instances, element instances, variables, jobs, user tasks and incidents never decrease;
 *  - no job was completed twice: the worker's fsync'ed journal shows at most one successful completion per job,
 *    and no activation of a job after its completion was acknowledged; no element of the loop-free fixtures
 *    ran twice in one instance;
 *  - every waiting timer element still has its timer; at the end the clock is moved past every due date and
 *    every timer instance completes (every due timer fired).
 *
 * Usage: `npm run crash-test` (CRASH_ROUNDS=6, CRASH_CASES=150 at most per round, CRASH_KILL_WITHIN_MS=4000,
 * CRASH_SEED for a replay).
 * The jest suite runs a short form (test/reliability/crash.test.ts). Exit code 1 when an invariant fails.
 *
 * Not covered here (their code does not exist yet): the real workers' e-mail de-duplication and the audit log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createCamundaClient, type CamundaClient } from '../common/camunda';
import { startTestSmtp, type TestSmtp } from '../test/helpers/smtp';
import { useLocalEngineCredentials } from '../test/helpers/credentials';

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const T0 = Date.parse('2026-11-02T08:00:00Z');
const HOUR = 3_600_000;
/** Job lock time (engine clock, which runs 10× real time): after a worker is killed its jobs come back ≈ 3 s later. */
const JOB_LOCK_MS = 30_000;
const FIXTURE_TYPES = ['chain.a', 'chain.b', 'chain.c', 'timer.remind'];
/** Loop-free fixtures: no element may run twice in one instance. */
const LOOP_FREE = ['service-chain', 'user-task', 'timer-intermediate'];
/** A process whose only step is the real workers' e-mail job (vk.notify.task), for the "no e-mail sent twice" check. */
const NOTIFY_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-crash-notify" targetNamespace="http://vardkedjan/crash">
  <bpmn:process id="crash-notify" name="Crash test: notify" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="Meddela">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="vk.notify.task" retries="5"/>
        <zeebe:taskHeaders><zeebe:header key="group" value="socialsekreterare-{kommun}"/></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
const MONOTONE_TABLES = ['process_instances', 'element_instances', 'variables', 'jobs', 'user_tasks', 'incidents'];

export interface CrashOptions {
  rounds: number;
  /** Instances started per round (spread over all processes). */
  casesPerRound: number;
  seed: number;
  /** Engine-clock milliseconds added every 200 ms (default 2000). */
  clockStepMs?: number;
  /** Also run the real job workers (workers/main.ts) for the vk.* job types, with a real SMTP server. */
  realWorkers?: boolean;
  /** The kill comes at a random moment 0.3 s … 0.3 s + killWithinMs into the round (default 4000). */
  killWithinMs?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  rounds: { round: number; killed: string; afterMs: number; started: number; jobsCompleted: number; tasksCompleted: number; restartMs: number }[];
  started: number;
  startedByProcess: Record<string, number>;
  jobCompletionsAcked: number;
  taskCompletionsAcked: number;
  messagesAcked: number;
  timersFired: number;
  duplicateCompletions: number;
  activationsAfterCompletion: number;
  careChainProcesses: string[];
  careChainRefused: Record<string, string>;
  violations: string[];
  finalCounts: Record<string, number>;
  /** With realWorkers: e-mails received by the SMTP server, distinct Message-IDs, Message-IDs received more than once, audit rows. */
  mail?: { received: number; distinct: number; duplicated: string[]; auditRows: number; notifyJobs?: number; uncertain?: number };
  seconds: number;
}

// ---------------------------------------------------------------- small utilities

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

function tsxChild(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function startEngineChild(dataDir: string, port: number): Promise<ChildProcess> {
  for (let attempt = 0; ; attempt++) {
    const child = tsxChild([path.join(ROOT, 'engine', 'main.ts')], { ENGINE_PORT: String(port), ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir });
    const ok = await new Promise<boolean | string>((resolve) => {
      let output = '';
      const timer = setTimeout(() => resolve(`no start within 60 s: ${output}`), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/serving http/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(`exited with ${code}: ${output}`);
      });
    });
    if (ok === true) return child;
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`engine did not restart: ${ok}`);
    await sleep(300);
  }
}

function startWorkerChild(url: string, journal: string, types: string[]): ChildProcess {
  const child = tsxChild([__filename, '--worker'], { ZEEBE_REST_ADDRESS: url, CRASH_JOURNAL: journal, CRASH_TYPES: types.join(',') });
  child.stderr!.on('data', () => undefined);
  child.stdout!.on('data', () => undefined);
  return child;
}

function startRealWorkers(url: string, dataDir: string, smtpPort: number): ChildProcess {
  const child = tsxChild([path.join(ROOT, 'workers', 'main.ts')], {
    ZEEBE_REST_ADDRESS: url, DATA_DIR: dataDir, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), DEV_MAILBOX: 'false',
  });
  child.stderr!.on('data', () => undefined);
  child.stdout!.on('data', () => undefined);
  return child;
}

/** Rows of the audit log (workers and web append; it must never shrink). */
function auditRows(dataDir: string): number {
  const file = path.join(dataDir, 'audit.sqlite');
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
  } catch {
    return 0; // table not created yet
  } finally {
    db.close();
  }
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

// ---------------------------------------------------------------- the worker process

/** Journal lines: `A <jobKey> <type> <pid>` after an activation, `C <jobKey> <ok|status> <pid>` after a completion answer. */
async function workerMain(): Promise<void> {
  const client = createCamundaClient();
  const fd = fs.openSync(process.env.CRASH_JOURNAL!, 'a');
  const write = (line: string) => {
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  };
  const types = process.env.CRASH_TYPES!.split(',');
  // One long-polling loop per job type, like one createJobWorker per type.
  const loop = async (type: string) => {
    for (;;) {
      let jobs: Awaited<ReturnType<CamundaClient['activateJobs']>>['jobs'] = [];
      try {
        jobs = (await client.activateJobs({ type, maxJobsToActivate: 5, timeout: JOB_LOCK_MS, worker: `crash-${process.pid}`, requestTimeout: 1000 })).jobs;
      } catch {
        await sleep(100); // engine down: try again
        continue;
      }
      for (const job of jobs) {
        write(`A ${job.jobKey} ${type} ${process.pid}`);
        try {
          await client.completeJob({ jobKey: job.jobKey, variables: { [`done_${job.elementId}`]: job.jobKey } });
          write(`C ${job.jobKey} ok ${process.pid}`);
        } catch (e) {
          write(`C ${job.jobKey} ${(e as { status?: number }).status ?? 'net'} ${process.pid}`);
        }
      }
    }
  };
  await Promise.all(types.map(loop));
}

// ---------------------------------------------------------------- the driver

export interface Started { key: string; process: string; ref: string; timerSeconds?: number }

export async function runCrashTest(opts: CrashOptions): Promise<CrashReport> {
  const began = Date.now();
  const log = opts.log ?? (() => undefined);
  const random = rng(opts.seed);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-crashtest-'));
  const dbFile = path.join(dataDir, 'engine.sqlite');
  const journal = path.join(dataDir, 'worker-journal.txt');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  useLocalEngineCredentials();
  const client = createCamundaClient({ restAddress: url });
  const violations: string[] = [];
  const report: CrashReport = {
    seed: opts.seed, rounds: [], started: 0, startedByProcess: {}, jobCompletionsAcked: 0, taskCompletionsAcked: 0, messagesAcked: 0,
    timersFired: 0, duplicateCompletions: 0, activationsAfterCompletion: 0, careChainProcesses: [], careChainRefused: {}, violations, finalCounts: {}, seconds: 0,
  };

  let engine: ChildProcess | undefined = await startEngineChild(dataDir, port);
  let worker: ChildProcess | undefined;
  let realWorkers: ChildProcess | undefined;
  let smtp: TestSmtp | undefined;
  let audit = 0;
  const started: Started[] = [];
  const completedTasks = new Set<string>();
  let clockNow = T0;
  /**
   * Engine time added every 200 ms of real time (10×). Small on purpose: job locks run on the engine clock (the
   * real workers lock for 60 s), and jumps larger than a lock hand jobs out again while their handler still runs.
   */
  const clockStep = opts.clockStepMs ?? 2000;

  try {
    // Deploy fixtures and, when present, the care-chain diagrams with their forms.
    const form = (file: string) => new File([fs.readFileSync(file)], path.basename(file));
    await client.createDeployment({
      resources: ['service-chain', 'user-task', 'timer-intermediate', 'timer-boundary', 'message-catch'].map((n) => form(path.join(FIXTURES, 'bpmn', `${n}.bpmn`)))
        .concat([form(path.join(FIXTURES, 'forms', 'review-form.form'))]),
    });
    const careTypes = new Set<string>();
    const bpmnDir = path.join(ROOT, 'bpmn');
    const careFiles = fs.existsSync(bpmnDir) ? fs.readdirSync(bpmnDir).filter((f) => /^vk-.*\.bpmn$/.test(f)) : [];
    if (careFiles.length > 0) {
      const formsDir = path.join(ROOT, 'forms');
      const forms = fs.existsSync(formsDir) ? fs.readdirSync(formsDir).filter((f) => f.endsWith('.form')).map((f) => form(path.join(formsDir, f))) : [];
      try {
        await client.createDeployment({ resources: [...careFiles.map((f) => form(path.join(bpmnDir, f))), ...forms] });
        for (const f of careFiles) {
          const xml = fs.readFileSync(path.join(bpmnDir, f), 'utf8');
          for (const m of xml.matchAll(/taskDefinition type="([^"=][^"]*)"/g)) careTypes.add(m[1]);
          const id = /<bpmn:process id="([^"]+)"/.exec(xml)?.[1];
          if (!id) continue;
          // A probe start tells whether the process can be started with only caseRef and kommun.
          try {
            await client.createProcessInstance({ processDefinitionId: id as never, variables: careVariables(0) });
            report.careChainProcesses.push(id);
          } catch (e) {
            report.careChainRefused[id] = String((e as Error).message).slice(0, 200);
          }
        }
      } catch (e) {
        report.careChainRefused['(deployment)'] = String((e as Error).message).slice(0, 300);
      }
    }
    // With the real workers, they own the vk.* types; the generic worker keeps the fixture types.
    const types = opts.realWorkers ? [...FIXTURE_TYPES] : [...FIXTURE_TYPES, ...careTypes];
    await client.pinClock({ timestamp: clockNow });
    worker = startWorkerChild(url, journal, types);
    if (opts.realWorkers) {
      await client.createDeployment({ resources: [new File([NOTIFY_BPMN], 'crash-notify.bpmn')] });
      smtp = await startTestSmtp();
      realWorkers = startRealWorkers(url, dataDir, smtp.port);
    }

    let counts = tableCounts(dbFile);
    let caseNo = 1;
    for (let round = 1; round <= opts.rounds; round++) {
      const before = { started: started.length, jobs: journalCompletions(journal), tasks: completedTasks.size };
      let stop = false;
      const processes = ['service-chain', 'service-chain', 'user-task', 'timer-intermediate', 'timer-boundary', 'message-catch', ...report.careChainProcesses, ...(opts.realWorkers ? ['crash-notify', 'crash-notify'] : [])];
      const target = started.length + opts.casesPerRound;
      const starter = async () => {
        while (!stop && started.length < target) {
          const processId = processes[Math.floor(random() * processes.length)];
          const n = caseNo++;
          const timerSeconds = 10 * (1 + Math.floor(random() * 12)); // 10 s … 2 min of engine time
          const variables = processId === 'service-chain' ? { lastType: ['a', 'b', 'c'][n % 3], caseRef: caseRef(n) }
            : processId === 'timer-intermediate' ? { waitFor: `PT${timerSeconds}S`, caseRef: caseRef(n) }
              : processId === 'user-task' || processId === 'message-catch' || processId === 'timer-boundary' ? { caseRef: caseRef(n), kommun: 'vaxjo', assignee: 'anna' }
                : careVariables(n);
          try {
            const pi = await client.createProcessInstance({ processDefinitionId: processId as never, variables });
            started.push({ key: pi.processInstanceKey, process: processId, ref: String(variables.caseRef), timerSeconds: processId === 'timer-intermediate' ? timerSeconds : undefined });
          } catch {
            await sleep(50);
          }
        }
      };
      const users = async () => {
        while (!stop) {
          try {
            const { items } = await client.searchUserTasks({ filter: { state: 'CREATED' } as never, page: { limit: 20 } }, { consistency: { waitUpToMs: 0 } });
            for (const task of items) {
              if (stop) break;
              if (random() < 0.3) continue; // users do not finish everything at once
              await client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { reviewedBy: 'crash-user', [`task_${task.elementId}`]: task.userTaskKey } });
              completedTasks.add(task.userTaskKey);
            }
            if (items.length === 0) await sleep(50);
          } catch {
            await sleep(50);
          }
        }
      };
      const messenger = async () => {
        while (!stop) {
          const mine = started.filter((s) => s.process === 'message-catch');
          if (mine.length === 0) {
            await sleep(50);
            continue;
          }
          const target = mine[Math.floor(random() * mine.length)];
          const ref = target.ref;
          try {
            await client.publishMessage({ name: 'payment', correlationKey: ref, timeToLive: 0 });
            await client.publishMessage({ name: 'ack', correlationKey: `ack-${ref}`, timeToLive: 0 });
            report.messagesAcked += 2;
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
            await client.pinClock({ timestamp: clockNow + clockStep });
            clockNow += clockStep; // only once acknowledged
          } catch {
            /* engine down */
          }
        }
      };
      const load = Promise.all([starter(), starter(), users(), messenger(), clock()]);
      // Kill at a random moment while the load runs.
      // Let the round make some progress first (so a slow machine still gets load), then kill at a random moment.
      const progressBy = Date.now() + 30_000;
      while (started.length < before.started + Math.min(10, opts.casesPerRound) && Date.now() < progressBy) await sleep(20);
      const afterMs = 300 + Math.floor(random() * (opts.killWithinMs ?? 4000));
      await sleep(afterMs);
      const what = random();
      // Round 1 always kills the engine, so every run covers an engine crash.
      const killed = round === 1 || what < 0.5 ? 'engine' : what < 0.75 ? 'worker' : 'engine+worker';
      if (killed.includes('engine')) await kill(engine);
      if (killed.includes('worker')) {
        await kill(worker);
        await kill(realWorkers);
      }
      // Let the starters notice, then stop the load.
      await sleep(100);
      stop = true;
      await load;

      // Checks on the file while the engine is down (or, if only the worker died, on the live file).
      check(dbFile, started, completedTasks, journal, counts, violations, `round ${round}`);
      counts = tableCounts(dbFile);
      if (opts.realWorkers) {
        const rows = auditRows(dataDir);
        if (rows < audit) violations.push(`round ${round}: audit log shrank from ${audit} to ${rows}`);
        audit = rows;
      }

      const restartBegan = Date.now();
      if (killed.includes('engine')) engine = await startEngineChild(dataDir, port);
      const restartMs = Date.now() - restartBegan;
      if (killed.includes('worker')) {
        worker = startWorkerChild(url, journal, types);
        if (opts.realWorkers) realWorkers = startRealWorkers(url, dataDir, smtp!.port);
      }
      // The pinned clock survived: the engine must answer with our last acknowledged time.
      report.rounds.push({
        round, killed, afterMs, started: started.length - before.started, jobsCompleted: journalCompletions(journal) - before.jobs,
        tasksCompleted: completedTasks.size - before.tasks, restartMs,
      });
      log(`round ${round}: killed ${killed} after ${afterMs} ms; +${started.length - before.started} instances, +${journalCompletions(journal) - before.jobs} jobs, +${completedTasks.size - before.tasks} tasks; restart ${restartMs} ms`);
    }

    // Drain: every fixture case must finish once users, messages and time have done their part.
    log('draining: completing tasks, publishing messages, moving the clock past every timer');
    // First let in-flight notification jobs finish: a big clock jump expires every job lock (60 s of engine time),
    // and a job handed out again while its first handler still runs is not what this test is about.
    const notifyBy = Date.now() + 60_000;
    while (activeOf(dbFile, started.filter((s) => s.process === 'crash-notify').map((s) => s.key)).length > 0 && Date.now() < notifyBy) await sleep(200);
    const maxTimer = Math.max(0, ...started.filter((s) => s.timerSeconds).map((s) => s.timerSeconds!));
    clockNow += maxTimer * 1000 + 2 * HOUR;
    await client.pinClock({ timestamp: clockNow });
    const fixtureKeys = started.filter((s) => LOOP_FREE.includes(s.process) || s.process === 'message-catch' || s.process === 'crash-notify');
    const deadline = Date.now() + 60_000;
    for (;;) {
      for (const processDefinitionId of ['user-task', 'message-catch']) {
        const { items } = await client.searchUserTasks({ filter: { state: 'CREATED', processDefinitionId } as never, page: { limit: 100 } }, { consistency: { waitUpToMs: 0 } });
        for (const task of items) {
          try {
            await client.completeUserTask({ userTaskKey: task.userTaskKey, variables: { reviewedBy: 'crash-user' } });
            completedTasks.add(task.userTaskKey);
          } catch {
            /* completed meanwhile (boundary event): the next pass sees the new state */
          }
        }
      }
      for (const s of started.filter((x) => x.process === 'message-catch')) {
        const ref = s.ref;
        await client.publishMessage({ name: 'payment', correlationKey: ref, timeToLive: 0 });
        await client.publishMessage({ name: 'ack', correlationKey: `ack-${ref}`, timeToLive: 0 });
      }
      const active = activeOf(dbFile, fixtureKeys.map((s) => s.key));
      if (active.length === 0) break;
      if (Date.now() > deadline) {
        violations.push(`drain: ${active.length} fixture instances still active after 60 s, e.g. ${active.slice(0, 5).join(', ')}`);
        break;
      }
      await sleep(300);
    }
    check(dbFile, started, completedTasks, journal, counts, violations, 'final');
    const db = new Database(dbFile, { readonly: true });
    try {
      const timerStarted = started.filter((s) => s.process === 'timer-intermediate').map((s) => s.key);
      report.timersFired = (db.prepare(`SELECT COUNT(*) AS n FROM element_instances WHERE bpmn_process_id = 'timer-intermediate' AND element_type = 'INTERMEDIATE_CATCH_EVENT' AND state = 'COMPLETED'`).get() as { n: number }).n;
      if (report.timersFired < timerStarted.length) violations.push(`timers: only ${report.timersFired} of ${timerStarted.length} timer-intermediate timers fired`);
      const due = (db.prepare(`SELECT COUNT(*) AS n FROM timers WHERE due_at <= ?`).get(clockNow) as { n: number }).n;
      if (due > 0) violations.push(`timers: ${due} timers due at the final clock have not fired`);
    } finally {
      db.close();
    }
    report.finalCounts = tableCounts(dbFile);
    if (opts.realWorkers && smtp) {
      await sleep(2000); // let the last outbox entries go out
      const ids = smtp.messages.map((m) => m.messageId);
      const seen = new Map<string, number>();
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      const rows = auditRows(dataDir);
      if (rows < audit) violations.push(`final: audit log shrank from ${audit} to ${rows}`);
      report.mail = { received: ids.length, distinct: seen.size, duplicated, auditRows: rows };
      if (duplicated.length) violations.push(`e-mail sent twice: ${duplicated.length} Message-IDs received more than once, e.g. ${duplicated[0]}`);
      // Every completed notification job: its mail arrived (Message-ID derived from the job key) and it is audited.
      const edb = new Database(dbFile, { readonly: true });
      const notifyJobs = (edb.prepare(`SELECT key FROM jobs WHERE type = 'vk.notify.task' AND state = 'COMPLETED'`).all() as { key: number }[]).map((r) => String(r.key));
      edb.close();
      const adb = new Database(path.join(dataDir, 'audit.sqlite'), { readonly: true });
      const notificationRows = adb.prepare(`SELECT action, details FROM audit WHERE action LIKE 'notification.%'`).all() as { action: string; details: string | null }[];
      const audited = new Set(notificationRows.map((r) => String(JSON.parse(r.details ?? '{}').jobKey)));
      // The workers do not resend a mail whose SMTP transaction was cut by a crash (at most once); they record it
      // as notification.uncertain for the operator. That is a visible, audited non-delivery, not a silent loss.
      const uncertain = new Set(notificationRows.filter((r) => r.action === 'notification.uncertain').map((r) => String(JSON.parse(r.details ?? '{}').jobKey)));
      adb.close();
      const mailed = [...seen.keys()].join(' ');
      const unmailed = notifyJobs.filter((k) => !mailed.includes(`${k}.notify`) && !uncertain.has(k));
      report.mail.uncertain = notifyJobs.filter((k) => uncertain.has(k) && !mailed.includes(`${k}.notify`)).length;
      const unaudited = notifyJobs.filter((k) => !audited.has(k));
      report.mail.notifyJobs = notifyJobs.length;
      if (unmailed.length) violations.push(`e-mail lost: ${unmailed.length} completed notification jobs without a received mail or a notification.uncertain audit entry, e.g. job ${unmailed[0]}`);
      if (unaudited.length) violations.push(`audit lost: ${unaudited.length} completed notification jobs without an audit entry, e.g. job ${unaudited[0]}`);
    }
  } finally {
    await kill(worker);
    await kill(realWorkers);
    await kill(engine);
    await smtp?.stop();
  }
  const j = readJournal(journal);
  report.jobCompletionsAcked = j.completedOk.size;
  report.duplicateCompletions = j.duplicates.length;
  report.activationsAfterCompletion = j.afterCompletion.length;
  report.taskCompletionsAcked = completedTasks.size;
  report.started = started.length;
  for (const s of started) report.startedByProcess[s.process] = (report.startedByProcess[s.process] ?? 0) + 1;
  report.seconds = (Date.now() - began) / 1000;
  if (violations.length === 0) fs.rmSync(dataDir, { recursive: true, force: true });
  else log(`data kept for inspection: ${dataDir}`);
  return report;
}

function caseRef(n: number): string {
  return `VK-2026-${String(n).padStart(6, '0')}`;
}


/** Variables a care-chain case starts with (pseudonymous case reference and kommun, per docs/CONVENTIONS.md). */
function careVariables(n: number): Record<string, unknown> {
  const kommuner = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];
  return { caseRef: `VK-2026-9${String(n).padStart(5, '0')}`, kommun: kommuner[n % kommuner.length] };
}

function tableCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of MONOTONE_TABLES) out[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return out;
  } finally {
    db.close();
  }
}

function activeOf(file: string, keys: string[]): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const active = new Set((db.prepare(`SELECT key FROM process_instances WHERE state = 'ACTIVE'`).all() as { key: number }[]).map((r) => String(r.key)));
    return keys.filter((k) => active.has(k));
  } finally {
    db.close();
  }
}

function journalCompletions(file: string): number {
  return readJournal(file).completedOk.size;
}

function readJournal(file: string) {
  const completedOk = new Map<string, number>(); // job key → line number of the first ok completion
  const duplicates: string[] = [];
  const afterCompletion: string[] = [];
  if (!fs.existsSync(file)) return { completedOk, duplicates, afterCompletion };
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const [kind, key, what] = line.split(' ');
    if (kind === 'C' && what === 'ok') {
      if (completedOk.has(key)) duplicates.push(key);
      else completedOk.set(key, i);
    } else if (kind === 'A' && completedOk.has(key)) {
      afterCompletion.push(key);
    }
  });
  return { completedOk, duplicates, afterCompletion };
}

/** The invariants, read from the SQLite file directly (read-only); exported so a test can show it catches violations. */
export function check(file: string, started: Started[], completedTasks: Set<string>, journal: string, previous: Record<string, number>, violations: string[], when: string): void {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') violations.push(`${when}: integrity_check: ${String(integrity)}`);
    const instances = new Set((db.prepare('SELECT key FROM process_instances').all() as { key: number }[]).map((r) => String(r.key)));
    const lost = started.filter((s) => !instances.has(s.key));
    if (lost.length) violations.push(`${when}: ${lost.length} acknowledged instances lost, e.g. ${lost[0].key} (${lost[0].process})`);

    const jobState = db.prepare('SELECT state, element_id, process_instance_key FROM jobs WHERE key = ?');
    const variable = db.prepare('SELECT value FROM variables WHERE process_instance_key = ? AND name = ?');
    const j = readJournal(journal);
    for (const key of j.completedOk.keys()) {
      const row = jobState.get(Number(key)) as { state: string; element_id: string; process_instance_key: number } | undefined;
      if (!row || row.state !== 'COMPLETED') {
        violations.push(`${when}: job ${key} acknowledged as completed is ${row?.state ?? 'missing'}`);
        continue;
      }
      const v = variable.get(row.process_instance_key, `done_${row.element_id}`) as { value: string } | undefined;
      if (!v) violations.push(`${when}: variable done_${row.element_id} written by job ${key} is missing`);
    }
    if (j.duplicates.length) violations.push(`${when}: ${j.duplicates.length} jobs completed twice, e.g. ${j.duplicates[0]}`);
    if (j.afterCompletion.length) violations.push(`${when}: ${j.afterCompletion.length} jobs activated again after their completion was acknowledged, e.g. ${j.afterCompletion[0]}`);

    const taskState = db.prepare('SELECT state FROM user_tasks WHERE key = ?');
    for (const key of completedTasks) {
      const row = taskState.get(Number(key)) as { state: string } | undefined;
      if (!row || row.state !== 'COMPLETED') violations.push(`${when}: user task ${key} acknowledged as completed is ${row?.state ?? 'missing'}`);
    }

    const counts: Record<string, number> = {};
    for (const t of MONOTONE_TABLES) {
      counts[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      if (counts[t] < (previous[t] ?? 0)) violations.push(`${when}: ${t} shrank from ${previous[t]} to ${counts[t]}`);
    }

    const twice = db.prepare(
      `SELECT process_instance_key AS pi, element_id AS el, COUNT(*) AS n FROM element_instances
       WHERE bpmn_process_id IN (${LOOP_FREE.map(() => '?').join(',')}) GROUP BY process_instance_key, element_id HAVING COUNT(*) > 1 LIMIT 5`,
    ).all(...LOOP_FREE) as { pi: number; el: string; n: number }[];
    for (const t of twice) violations.push(`${when}: element ${t.el} ran ${t.n} times in instance ${t.pi}`);

    const openJobs = db.prepare(
      `SELECT p.key FROM process_instances p WHERE p.bpmn_process_id = 'service-chain' AND p.state = 'ACTIVE'
         AND (SELECT COUNT(*) FROM jobs j WHERE j.process_instance_key = p.key AND j.state NOT IN ('COMPLETED', 'CANCELED')) <> 1
         AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.process_instance_key = p.key)`,
    ).all() as { key: number }[];
    if (openJobs.length) violations.push(`${when}: ${openJobs.length} active service-chain instances without exactly one open job, e.g. ${openJobs[0].key}`);

    const timerless = db.prepare(
      `SELECT e.key FROM element_instances e WHERE e.state = 'ACTIVE' AND e.element_type = 'INTERMEDIATE_CATCH_EVENT' AND e.bpmn_process_id = 'timer-intermediate'
         AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.element_instance_key = e.key)`,
    ).all() as { key: number }[];
    if (timerless.length) violations.push(`${when}: ${timerless.length} waiting timer events without their timer, e.g. ${timerless[0].key}`);
  } finally {
    db.close();
  }
}

function printReport(r: CrashReport): void {
  console.log(`crash test: seed ${r.seed}, ${r.rounds.length} rounds, ${r.seconds.toFixed(1)} s`);
  for (const round of r.rounds) {
    console.log(`  round ${round.round}: kill -9 ${round.killed.padEnd(13)} after ${String(round.afterMs).padStart(4)} ms  +${round.started} instances  +${round.jobsCompleted} jobs  +${round.tasksCompleted} tasks  engine restart ${round.restartMs} ms`);
  }
  console.log(`  instances started (acknowledged): ${r.started} ${JSON.stringify(r.startedByProcess)}`);
  console.log(`  job completions acknowledged: ${r.jobCompletionsAcked}, user-task completions: ${r.taskCompletionsAcked}, messages published: ${r.messagesAcked}, timers fired: ${r.timersFired}`);
  console.log(`  jobs completed twice: ${r.duplicateCompletions}, activations after acknowledged completion: ${r.activationsAfterCompletion}`);
  console.log(`  care-chain processes driven: ${r.careChainProcesses.join(', ') || '(none)'}`);
  for (const [id, why] of Object.entries(r.careChainRefused)) console.log(`  care-chain process not startable with {caseRef, kommun}: ${id}: ${why}`);
  console.log(`  final row counts: ${JSON.stringify(r.finalCounts)}`);
  if (r.mail) console.log(`  real workers: ${r.mail.notifyJobs ?? 0} notification jobs completed, ${r.mail.received} e-mails received, ${r.mail.distinct} distinct Message-IDs, ${r.mail.duplicated.length} received twice, ${r.mail.uncertain ?? 0} not resent after a cut SMTP transaction (audited notification.uncertain); audit rows ${r.mail.auditRows}`);
  console.log(r.violations.length === 0 ? '  RESULT: all invariants hold' : `  RESULT: ${r.violations.length} violations:\n    ${r.violations.join('\n    ')}`);
}

if (require.main === module) {
  if (process.argv.includes('--worker')) {
    workerMain().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    runCrashTest({
      rounds: Number(process.env.CRASH_ROUNDS ?? 6),
      casesPerRound: Number(process.env.CRASH_CASES ?? 150),
      killWithinMs: Number(process.env.CRASH_KILL_WITHIN_MS ?? 4000),
      clockStepMs: process.env.CRASH_CLOCK_STEP_MS ? Number(process.env.CRASH_CLOCK_STEP_MS) : undefined,
      realWorkers: process.env.CRASH_REAL_WORKERS !== '0' && fs.existsSync(path.join(ROOT, 'workers', 'main.ts')),
      seed,
      log: (l) => console.log(l),
    }).then((r) => {
      printReport(r);
      process.exit(r.violations.length === 0 ? 0 : 1);
    }, (e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
