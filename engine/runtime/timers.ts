import { deleteTimer, getTimer } from '../store/waits';
import type { Ctx } from './context';
import { triggerWait } from './events';
import * as expr from './expressions';
import { insertTimer } from './waits';

/** Firing timers: one due timer per command; cycles are rescheduled before the event is triggered. */

export { dueTimerKeys, nextTimerDueAt } from '../store/waits';

export function fireTimer(ctx: Ctx, key: number): void {
  const timer = getTimer(ctx, key);
  if (!timer || timer.due_at > ctx.now) return;
  deleteTimer(ctx, key);
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
