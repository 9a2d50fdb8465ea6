import type { Db } from '../store/db';
import type { EngineClock } from './clock';
import { nextJobDeadline, nextRetryAt } from './jobs';
import { nextTimerDueAt } from './timers';

/** setTimeout cannot wait longer than ~24.8 days; longer waits are re-armed. */
const MAX_DELAY = 2 ** 31 - 1;
/** Pause before retrying due work that failed. */
const RETRY_DELAY = 1000;
/** Timers fired per tick before yielding to HTTP requests. */
const BATCH = 200;

/** What the scheduler drives (the Engine); an interface so the two modules do not import each other. */
export interface SchedulerHost {
  readonly db: Db;
  readonly clock: EngineClock;
  hasPendingWork(): boolean;
  /** Runs due work, at most `limit` items; returns how many ran. */
  processDueWork(limit: number): number;
}

/**
 * Time-driven work: due timers, job deadlines, back-offs ending, expired messages. Sleeps with
 * setTimeout until the next due instant; with a pinned clock time only moves on PUT /clock, which
 * wakes it. Each timer fires in its own command, so a crash loses at most the timer being fired
 * (it is still stored and fires after restart).
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;

  constructor(private readonly engine: SchedulerHost) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Re-check soon (after the current command finished). */
  wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || this.running) return;
    this.running = true;
    let more = false;
    try {
      // Most wake-ups only mean "something may have moved": do work only when something is due.
      const next = this.nextDueAt();
      if (this.engine.hasPendingWork() || (next !== undefined && next <= this.engine.clock.now())) {
        more = this.engine.processDueWork(BATCH) === BATCH || this.engine.hasPendingWork();
      }
    } catch (error) {
      console.error('engine: scheduled work failed:', error);
    } finally {
      this.running = false;
    }
    if (more) this.wake();
    else this.schedule();
  }

  /** Earliest due timer, job lock deadline or back-off end. */
  private nextDueAt(): number | undefined {
    const ctx = { db: this.engine.db };
    const candidates = [nextTimerDueAt(ctx), nextJobDeadline(ctx), nextRetryAt(ctx)].filter((t): t is number => t !== undefined);
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  }

  private schedule(): void {
    if (this.stopped) return;
    const engine = this.engine;
    if (engine.clock.isPinned()) return; // time stands still until the clock is moved
    const now = engine.clock.now();
    const next = this.nextDueAt();
    if (next === undefined) return;
    // Something already due is still there: it failed just now. Retry later instead of spinning.
    const delay = next <= now ? RETRY_DELAY : Math.min(next - now + 1, MAX_DELAY);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delay);
  }
}
