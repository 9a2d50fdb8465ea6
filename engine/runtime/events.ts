import { prepare } from '../store/db';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import { activate, activeChildren, getElementInstance, runStep, terminate, updateData } from './elements';
import { createProcessInstance } from './instances';
import { eventSubprocessesOf, eventSubprocessStart, isScopeType, MI_BODY_TYPE, parseData, processOf, requireNode, ROOT_TYPE } from './model';
import { setLocalVariables } from './variables';
import { cancelWaits } from './waits';

/**
 * What happens when an awaited event occurs (timer due, message correlated, signal broadcast), and
 * how BPMN errors and escalations travel up the scopes to the nearest catch event.
 */

export interface WaitRef {
  element_id: string;
  element_instance_key: number | null;
  process_definition_key: number;
}

/** Dispatches a triggered wait; returns the process instance it affected (or created). */
export function triggerWait(ctx: Ctx, wait: WaitRef, payload: Record<string, unknown>): number | undefined {
  const deployed = ctx.definition(wait.process_definition_key);
  const node = requireNode(deployed.process, wait.element_id);
  if (wait.element_instance_key === null) {
    return createProcessInstance(ctx, deployed, {}, { startEventId: node.id, startVars: payload });
  }
  const owner = getElementInstance(ctx, wait.element_instance_key);
  if (!owner || owner.state !== 'ACTIVE') return undefined;

  if (node.type === 'boundaryEvent') {
    triggerBoundary(ctx, owner, node, payload);
  } else if (node.type === 'startEvent' && node.parentId && deployed.process.elements[node.parentId]?.triggeredByEvent) {
    triggerEventSubprocess(ctx, owner, node, payload);
  } else if (owner.element_type === 'EVENT_BASED_GATEWAY') {
    cancelWaits(ctx, owner.key);
    prepare(ctx.db, `UPDATE element_instances SET state = 'COMPLETED', end_date = ? WHERE key = ?`).run(ctx.now, owner.key);
    const scope = getElementInstance(ctx, owner.flow_scope_key!)!;
    activate(ctx, scope, node.id, { data: { triggered: true, triggerVars: payload } });
  } else {
    // The waiting element itself (intermediate catch event, receive task) completes with the payload.
    cancelWaits(ctx, owner.key);
    updateData(ctx, owner.key, { ...parseData(owner), triggerVars: payload });
    ctx.queue.push(() => runStep(ctx, owner.key, 'leave'));
  }
  return owner.process_instance_key;
}

function triggerBoundary(ctx: Ctx, host: ElementInstanceRow, boundary: FlowNode, payload: Record<string, unknown>, localVars?: Record<string, unknown>): void {
  const scope = getElementInstance(ctx, host.flow_scope_key!)!;
  if (boundary.cancelActivity !== false) terminate(ctx, host);
  const ei = activate(ctx, scope, boundary.id, { data: { triggered: true, triggerVars: payload } });
  if (localVars) setLocalVariables(ctx, ei.key, ei.process_instance_key, localVars);
}

function triggerEventSubprocess(ctx: Ctx, scope: ElementInstanceRow, start: FlowNode, payload: Record<string, unknown>, localVars?: Record<string, unknown>): void {
  if (start.isInterrupting !== false) {
    for (const child of activeChildren(ctx, scope.key)) terminate(ctx, child);
    prepare(ctx.db, 'DELETE FROM join_tokens WHERE flow_scope_key = ?').run(scope.key);
    closeEventSubprocessWaits(ctx, scope);
  }
  const sub = activate(ctx, scope, start.parentId!, { data: { startEventId: start.id, startVars: payload } });
  if (localVars) setLocalVariables(ctx, sub.key, sub.process_instance_key, localVars);
}

/**
 * After an interrupting event sub-process started, the scope's other event sub-processes stop
 * listening. Boundary events of the scope itself (a sub-process) stay armed, as in Zeebe.
 */
function closeEventSubprocessWaits(ctx: Ctx, scope: ElementInstanceRow): void {
  const process = processOf(ctx, scope);
  const scopeElementId = scope.element_type === ROOT_TYPE ? undefined : scope.element_id;
  const startIds = eventSubprocessesOf(process, scopeElementId)
    .map((sub) => eventSubprocessStart(process, sub)?.id)
    .filter((id): id is string => id !== undefined);
  if (startIds.length === 0) return;
  const marks = startIds.map(() => '?').join(', ');
  const timers = prepare(ctx.db, `DELETE FROM timers WHERE element_instance_key = ? AND element_id IN (${marks})`).run(scope.key, ...startIds);
  if (timers.changes > 0) ctx.wakeScheduler = true;
  prepare(ctx.db, `DELETE FROM subscriptions WHERE element_instance_key = ? AND element_id IN (${marks})`).run(scope.key, ...startIds);
}

type CatchMatch = { kind: 'boundary'; host: ElementInstanceRow; node: FlowNode } | { kind: 'subprocess'; scope: ElementInstanceRow; node: FlowNode };

/** Finds the nearest catch event for an error/escalation code, walking scopes and call activities upward. */
function findCatch(ctx: Ctx, from: ElementInstanceRow, kind: 'error' | 'escalation', code: string): CatchMatch | undefined {
  const codeOf = (n: FlowNode) =>
    n.eventDefinition?.kind === 'error' ? n.eventDefinition.errorCode : n.eventDefinition?.kind === 'escalation' ? n.eventDefinition.escalationCode : undefined;
  const pick = (candidates: FlowNode[]) => {
    const matching = candidates.filter((n) => n.eventDefinition?.kind === kind);
    return matching.find((n) => codeOf(n) === code) ?? matching.find((n) => !codeOf(n));
  };
  let current: ElementInstanceRow | undefined = from;
  while (current) {
    const process = processOf(ctx, current);
    const node = current.element_type === ROOT_TYPE ? undefined : process.elements[current.element_id];
    const isInner = parseData(current).inner;
    if (node && !isInner) {
      const boundary = pick(node.boundaryEventIds.map((id) => requireNode(process, id)));
      if (boundary) return { kind: 'boundary', host: current, node: boundary };
    }
    if (isScopeType(current.element_type) && current.element_type !== MI_BODY_TYPE) {
      const starts = eventSubprocessesOf(process, node?.id)
        .map((sub) => eventSubprocessStart(process, sub))
        .filter((s): s is FlowNode => s !== undefined && s.parentId !== from.element_id);
      const start = pick(starts);
      if (start) return { kind: 'subprocess', scope: current, node: start };
    }
    if (current.flow_scope_key !== null) {
      current = getElementInstance(ctx, current.flow_scope_key);
    } else {
      const parent = prepare(ctx.db, 'SELECT parent_element_instance_key AS p FROM process_instances WHERE key = ?').get(current.key) as { p: number | null } | undefined;
      current = parent?.p ? getElementInstance(ctx, parent.p) : undefined;
    }
  }
  return undefined;
}

/** Throws a BPMN error from `from`; without a catch event the element gets an UNHANDLED_ERROR_EVENT incident. */
export function throwError(ctx: Ctx, from: ElementInstanceRow, code: string, message: string, variables: Record<string, unknown>): void {
  const match = findCatch(ctx, from, 'error', code);
  if (!match) {
    throw new ElementFailure(
      'UNHANDLED_ERROR_EVENT',
      `Expected to throw an error event with the code '${code}'${message ? ` with message '${message}'` : ''}, but it was not caught. No error events are available in the scope.`,
    );
  }
  const def = match.node.eventDefinition;
  const localVars: Record<string, unknown> = {};
  if (def?.kind === 'error') {
    if (def.errorCodeVariable) localVars[def.errorCodeVariable] = code;
    if (def.errorMessageVariable) localVars[def.errorMessageVariable] = message;
  }
  if (match.kind === 'boundary') triggerBoundary(ctx, match.host, match.node, variables, localVars);
  else triggerEventSubprocess(ctx, match.scope, match.node, variables, localVars);
}

/** Throws an escalation; an uncaught escalation is not an error in Zeebe, the flow just continues. */
export function throwEscalation(ctx: Ctx, from: ElementInstanceRow, code: string): void {
  const match = findCatch(ctx, from, 'escalation', code);
  if (!match) return;
  const def = match.node.eventDefinition;
  const localVars = def?.kind === 'escalation' && def.escalationCodeVariable ? { [def.escalationCodeVariable]: code } : undefined;
  if (match.kind === 'boundary') triggerBoundary(ctx, match.host, match.node, {}, localVars);
  else triggerEventSubprocess(ctx, match.scope, match.node, {}, localVars);
}

/** Triggers every signal subscription with that name (catch events, boundaries, event sub-processes, start events). */
export function broadcastSignal(ctx: Ctx, signalName: string, variables: Record<string, unknown>): void {
  const subs = prepare(ctx.db, `SELECT element_id, element_instance_key, process_definition_key FROM subscriptions WHERE kind = 'signal' AND name = ? ORDER BY key`)
    .all(signalName) as WaitRef[];
  for (const sub of subs) triggerWait(ctx, sub, variables);
}
