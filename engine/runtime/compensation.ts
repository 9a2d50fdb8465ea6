import { completedChildrenLatestFirst, getElementInstance, updateData } from '../store/elementInstances';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { parseData, processOf } from './model';

/**
 * Compensation (Zeebe 8.8 semantics for one scope): a compensation intermediate throw or end event runs the
 * compensation handlers of the completed activities of its (sub)process scope that have a compensation boundary event
 * (only those of activityRef when it is set), one after another in reverse order of completion, each activity once;
 * the event completes when the last handler has completed (at once when there is nothing to compensate).
 * A handler runs in the scope of its activity and sees that scope's variables.
 */

export function enterCompensationThrow(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const process = processOf(ctx, ei);
  const activityRef = node.eventDefinition?.kind === 'compensation' ? node.eventDefinition.activityRef : undefined;
  const pending = completedChildrenLatestFirst(ctx, ei.flow_scope_key!)
    .filter((done) => {
      const activity = process.elements[done.element_id];
      if (!activity?.compensationHandlerId || parseData(done).compensated) return false;
      return activityRef === undefined || activity.id === activityRef;
    })
    .map((done) => done.key);
  updateData(ctx, ei.key, { ...parseData(ei), compensationPending: pending });
  runNextHandler(ctx, ei.key);
}

/** A handler completed (the caller marked it completed): the next one, or the throw event goes on. */
export function onCompensationHandlerCompleted(ctx: Ctx, throwKey: number): void {
  runNextHandler(ctx, throwKey);
}

function runNextHandler(ctx: Ctx, throwKey: number): void {
  const throwEvent = getElementInstance(ctx, throwKey);
  if (!throwEvent || throwEvent.state !== 'ACTIVE') return;
  const data = parseData(throwEvent);
  const [next, ...rest] = data.compensationPending ?? [];
  if (next === undefined) return ctx.flow.schedule(ctx, throwKey, 'leave');
  updateData(ctx, throwKey, { ...data, compensationPending: rest });
  const activity = getElementInstance(ctx, next)!;
  updateData(ctx, activity.key, { ...parseData(activity), compensated: true });
  const handlerId = processOf(ctx, activity).elements[activity.element_id]!.compensationHandlerId!;
  ctx.flow.activate(ctx, getElementInstance(ctx, activity.flow_scope_key!)!, handlerId, { data: { compensationThrowKey: throwKey } });
}
