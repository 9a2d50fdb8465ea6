import { activeChildren, getElementInstance, markEnded, updateData } from '../store/elementInstances';
import { processInstanceLink } from '../store/processInstances';
import { clearJoinTokens } from '../store/tokens';
import { closeWaitsOf, closeWaitsOfElements, signalSubscriptions } from '../store/waits';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import { createProcessInstance } from './instances';
import { eventSubprocessesOf, eventSubprocessStart, isScopeType, MI_BODY_TYPE, parseData, processOf, requireNode, ROOT_TYPE } from './model';
import { setLocalVariables } from './variables';

/**
 * What happens when an awaited event occurs (timer due, message correlated, signal broadcast), and
 * how BPMN errors and escalations travel up the scopes to the nearest catch event.
 */

export interface WaitRef {
  element_id: string;
  element_instance_key: number | null;
  process_definition_key: number;
}

/** Waits of the triggered element close (waits.ts's cancelWaits, which this module cannot import without a cycle through messages). */
function cancelWaits(ctx: Ctx, elementInstanceKey: number): void {
  if (closeWaitsOf(ctx, elementInstanceKey, ctx.now)) ctx.wakeScheduler = true;
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
    markEnded(ctx, owner.key, 'COMPLETED', ctx.now);
    const scope = getElementInstance(ctx, owner.flow_scope_key!)!;
    ctx.flow.activate(ctx, scope, node.id, { data: { triggered: true, triggerVars: payload } });
  } else {
    // The waiting element itself (intermediate catch event, receive task) completes with the payload.
    cancelWaits(ctx, owner.key);
    updateData(ctx, owner.key, { ...parseData(owner), triggerVars: payload });
    ctx.flow.schedule(ctx, owner.key, 'leave');
  }
  return owner.process_instance_key;
}

function triggerBoundary(ctx: Ctx, host: ElementInstanceRow, boundary: FlowNode, payload: Record<string, unknown>, localVars?: Record<string, unknown>): void {
  const scope = getElementInstance(ctx, host.flow_scope_key!)!;
  if (boundary.cancelActivity !== false) ctx.flow.terminate(ctx, host);
  const ei = ctx.flow.activate(ctx, scope, boundary.id, { data: { triggered: true, triggerVars: payload } });
  if (localVars) setLocalVariables(ctx, ei.key, ei.process_instance_key, localVars);
}

function triggerEventSubprocess(ctx: Ctx, scope: ElementInstanceRow, start: FlowNode, payload: Record<string, unknown>, localVars?: Record<string, unknown>): void {
  if (start.isInterrupting !== false) {
    for (const child of activeChildren(ctx, scope.key)) ctx.flow.terminate(ctx, child);
    clearJoinTokens(ctx, scope.key);
    closeEventSubprocessWaits(ctx, scope);
  }
  const sub = ctx.flow.activate(ctx, scope, start.parentId!, { data: { startEventId: start.id, startVars: payload } });
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
  if (closeWaitsOfElements(ctx, scope.key, startIds)) ctx.wakeScheduler = true;
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
      const caller = processInstanceLink(ctx, current.key)?.parentElementInstanceKey;
      current = caller ? getElementInstance(ctx, caller) : undefined;
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
  for (const sub of signalSubscriptions(ctx, signalName)) triggerWait(ctx, sub, variables);
}
