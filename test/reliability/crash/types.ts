/** Options, report and shared constants of the crash test (driver.ts runs it, main.ts is `npm run crash-test`). */

export const T0 = Date.parse('2026-11-02T08:00:00Z');
export const HOUR = 3_600_000;
/** Job lock time (engine clock, which runs 10× real time): after a worker is killed its jobs come back ≈ 3 s later. */
export const JOB_LOCK_MS = 30_000;

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

export interface RoundReport { round: number; killed: string; afterMs: number; started: number; jobsCompleted: number; tasksCompleted: number; restartMs: number }

/** With realWorkers: e-mails received by the SMTP server, distinct Message-IDs, Message-IDs received more than once, audit rows. */
export interface MailReport { received: number; distinct: number; duplicated: string[]; auditRows: number; notifyJobs?: number; uncertain?: number }

export interface CrashReport {
  seed: number;
  rounds: RoundReport[];
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
  mail?: MailReport;
  seconds: number;
}

/** An instance start the engine acknowledged. */
export interface Started { key: string; process: string; ref: string; timerSeconds?: number }

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** xorshift32: the run is replayable from its seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}
