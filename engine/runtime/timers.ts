import { prepare } from '../store/db';
import type { Ctx } from './context';
import { triggerWait } from './events';
import * as expr from './expressions';
import { insertTimer } from './waits';

/** Firing timers: one due timer per command; cycles are rescheduled before the event is triggered. */

interface TimerRow {
  key: number;
  due_at: number;
  remaining: number | null;
  interval: string | null;
  element_id: string;
  element_instance_key: number | null;
  process_instance_key: number | null;
  process_definition_key: number;
}

export function dueTimerKeys(ctx: Pick<Ctx, 'db' | 'now'>, limit: number): number[] {
  return (prepare(ctx.db, 'SELECT key FROM timers WHERE due_at <= ? ORDER BY due_at, key LIMIT ?').all(ctx.now, limit) as { key: number }[]).map((r) => r.key);
}

export function nextTimerDueAt(ctx: Pick<Ctx, 'db'>): number | undefined {
  const row = prepare(ctx.db, 'SELECT MIN(due_at) AS at FROM timers').get() as { at: number | null };
  return row.at ?? undefined;
}

export function fireTimer(ctx: Ctx, key: number): void {
  const timer = prepare(ctx.db, 'SELECT * FROM timers WHERE key = ?').get(key) as TimerRow | undefined;
  if (!timer || timer.due_at > ctx.now) return;
  prepare(ctx.db, 'DELETE FROM timers WHERE key = ?').run(key);
  ctx.wakeScheduler = true;
  if (timer.interval) {
    const next = expr.nextTimerSchedule(
      { dueAt: new Date(timer.due_at).toISOString(), remaining: timer.remaining, interval: timer.interval },
      ctx.now,
    );
    if (next) {
      insertTimer(ctx, {
        dueAt: Date.parse(next.dueAt), remaining: next.remaining, interval: next.interval ?? null, elementId: timer.element_id,
        elementInstanceKey: timer.element_instance_key, processInstanceKey: timer.process_instance_key,
        processDefinitionKey: timer.process_definition_key,
      });
    }
  }
  triggerWait(ctx, timer, {});
}
