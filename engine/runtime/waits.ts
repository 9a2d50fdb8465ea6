import { nextKey } from '../store/db';
import { closeWaitsOf, insertSubscription, insertTimerRow, type NewTimer } from '../store/waits';
import type { EventDefinition, FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { eventSubprocessesOf, eventSubprocessStart, processOf, requireNode } from './model';
import { visibleVariables } from './variables';
import { correlateBufferedMessages } from './messages';

/**
 * What an element waits for besides its job or user task (jobs.ts, userTasks.ts): timers, message and signal
 * subscriptions. Opened when an element is entered; closed by cancelWaits (with its job or task) when it
 * completes or is terminated.
 */

/** Opens the wait of one event definition on behalf of `ei` (the waiting element, host or scope). */
function openWait(ctx: Ctx, ei: ElementInstanceRow, eventElementId: string, def: EventDefinition | undefined): void {
  if (!def) return;
  const vars = () => visibleVariables(ctx, ei.key);
  if (def.kind === 'timer') {
    const schedule = expr.scheduleTimer(def.timer, vars(), ctx.now, eventElementId);
    insertTimer(ctx, {
      dueAt: Date.parse(schedule.dueAt), remaining: schedule.remaining, interval: schedule.interval ?? null, elementId: eventElementId,
      elementInstanceKey: ei.key, processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
  } else if (def.kind === 'message') {
    const correlationKey = expr.evaluateCorrelationKey(def.correlationKey, vars(), eventElementId);
    const key = nextKey(ctx.db);
    insertSubscription(ctx, {
      key, kind: 'message', name: def.messageName, correlationKey, elementId: eventElementId, elementInstanceKey: ei.key,
      processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
    ctx.queue.push(() => correlateBufferedMessages(ctx, key));
  } else if (def.kind === 'signal') {
    insertSubscription(ctx, {
      key: nextKey(ctx.db), kind: 'signal', name: def.signalName, correlationKey: null, elementId: eventElementId, elementInstanceKey: ei.key,
      processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
  }
}

export type TimerInsert = Omit<NewTimer, 'key'>;

export function insertTimer(ctx: Ctx, timer: TimerInsert): void {
  insertTimerRow(ctx, { key: nextKey(ctx.db), ...timer });
  ctx.wakeScheduler = true;
}

export function openBoundaryWaits(ctx: Ctx, host: ElementInstanceRow, node: FlowNode): void {
  const process = processOf(ctx, host);
  for (const id of node.boundaryEventIds) openWait(ctx, host, id, requireNode(process, id).eventDefinition);
}

export function openEventSubprocessWaits(ctx: Ctx, scope: ElementInstanceRow, scopeElementId: string | undefined): void {
  const process = processOf(ctx, scope);
  for (const sub of eventSubprocessesOf(process, scopeElementId)) {
    const start = eventSubprocessStart(process, sub);
    if (start) openWait(ctx, scope, start.id, start.eventDefinition);
  }
}

export function openCatchWait(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  if (!node.eventDefinition || node.eventDefinition.kind === 'none') {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Element '${node.id}' has nothing to wait for (no event definition).`);
  }
  openWait(ctx, ei, node.id, node.eventDefinition);
}

export function openEventGatewayWaits(ctx: Ctx, gateway: ElementInstanceRow, node: FlowNode): void {
  const process = processOf(ctx, gateway);
  for (const flowId of node.outgoing) {
    const target = requireNode(process, process.flows[flowId].targetRef);
    openWait(ctx, gateway, target.id, target.eventDefinition);
  }
}

/** Closes everything `ei` waits for; jobs and user tasks still open are canceled. */
export function cancelWaits(ctx: Ctx, elementInstanceKey: number): void {
  if (closeWaitsOf(ctx, elementInstanceKey, ctx.now)) ctx.wakeScheduler = true;
}
