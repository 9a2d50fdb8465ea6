import { nextKey } from '../store/db';
import { activeChildren, getElementInstance, insertElementInstance, markEnded as markEndedRow, updateData } from '../store/elementInstances';
import { addJoinToken, clearJoinTokens, consumeJoinTokens, hasJoinTokens, recordTakenFlow } from '../store/tokens';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow, Flow, Step } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { createIncident, resolveIncidentsOfElement } from './incidents';
import { apiElementType, isScopeType, MI_BODY_TYPE, parseData, processOf, requireNode, ROOT_TYPE, AD_HOC_INNER_TYPE, type ElementData } from './model';
import { propagateVariables, setLocalVariables, visibleVariables, localVariables } from './variables';
import { createJob } from './jobs';
import { createUserTask } from './userTasks';
import { cancelWaits, openBoundaryWaits } from './waits';
import { completeProcessInstanceRow, terminateProcessInstanceRow } from './instances';
import { linkCatchOf } from '../model/links';
import { onAdHocInnerCompleted } from './adHoc';
import { onCompensationHandlerCompleted } from './compensation';
import { awaitExecutionListener, listenersBegan } from './listeners';
import { BEHAVIOURS, behaviourOf, type SharedBehaviours } from './behaviours';
import { onBodyCompleting, onBodyTerminated, onInnerCompleted } from './behaviours/multiInstanceBody';
import { continueTransition } from './taskListeners';

/**
 * The token flow: element instance lifecycle (activate → enter → wait → leave / terminate), sequence
 * flows, gateways, scopes, multi-instance and call activities. Runs synchronously inside the command's
 * transaction; every step that can fail runs in a savepoint so a failure becomes an incident and
 * leaves no half-done writes.
 */

function requireElementInstance(ctx: Ctx, key: number): ElementInstanceRow {
  const ei = getElementInstance(ctx, key);
  if (!ei) throw new Error(`Element instance ${key} vanished`);
  return ei;
}

/** Creates an element instance in `scope` and schedules its entry. */
export function activate(
  ctx: Ctx,
  scope: ElementInstanceRow,
  elementId: string,
  opts: { data?: ElementData; localVars?: Record<string, unknown> } = {},
): ElementInstanceRow {
  const process = processOf(ctx, scope);
  const node = requireNode(process, elementId);
  const data = opts.data ?? {};
  const type = node.multiInstance && !data.inner ? MI_BODY_TYPE : apiElementType(node);
  const key = nextKey(ctx.db);
  insertElementInstance(ctx, {
    key, processInstanceKey: scope.process_instance_key, processDefinitionKey: scope.process_definition_key, bpmnProcessId: scope.bpmn_process_id,
    elementId, elementName: node.name ?? null, elementType: type, flowScopeKey: scope.key, startDate: ctx.now, data,
  });
  if (opts.localVars) setLocalVariables(ctx, key, scope.process_instance_key, opts.localVars);
  ctx.queue.push(() => runStep(ctx, key, 'enter'));
  return requireElementInstance(ctx, key);
}

/**
 * Runs one lifecycle step of an element in a savepoint. An ElementFailure rolls the step back and
 * raises an incident that remembers the step, so resolving the incident retries exactly that step.
 */
export function runStep(ctx: Ctx, key: number, step: Step, jobKey?: number): void {
  const ei = getElementInstance(ctx, key);
  if (!ei || ei.state !== 'ACTIVE') return;
  const queued = ctx.queue.length;
  try {
    ctx.db.transaction(() => (step === 'enter' ? enter(ctx, ei) : step === 'leave' ? leave(ctx, ei) : continueTransition(ctx, ei)))();
  } catch (error) {
    if (!(error instanceof ElementFailure)) throw error;
    ctx.queue.length = queued;
    error.afterRollback?.();
    createIncident(ctx, ei, error.errorType, error.message, step, jobKey);
  }
}

/** Enters an element: what all kinds share (input mappings, start listeners, boundary waits), then its behaviour. */
function enter(ctx: Ctx, ei: ElementInstanceRow): void {
  const process = processOf(ctx, ei);
  const data = parseData(ei);
  if (ei.element_type === ROOT_TYPE) return BEHAVIOURS.process.onActivate({ ctx, ei, node: undefined, data, shared: SHARED });
  const node = requireNode(process, ei.element_id);
  const behaviour = behaviourOf(ei, node);
  if (!behaviour.ownActivation) {
    const inputs = node.ioMapping?.inputs ?? [];
    if (inputs.length > 0 && !data.triggered && !listenersBegan(data, 'start')) {
      const scopeVars = visibleVariables(ctx, ei.key);
      setLocalVariables(ctx, ei.key, ei.process_instance_key, expr.inputMappings(inputs, scopeVars));
    }
    if (awaitExecutionListener(ctx, process, ei, node, data, 'start')) return;
    const isActivity = node.boundaryEventIds.length > 0 && !data.inner;
    if (isActivity) openBoundaryWaits(ctx, ei, node);
  }
  behaviour.onActivate({ ctx, ei, node, data, shared: SHARED });
}

function requireJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  if (!node.job) throw new ElementFailure('EXTRACT_VALUE_ERROR', `Element '${node.id}' has no zeebe:taskDefinition; add one with a job type.`);
  createJob(ctx, ei, node);
}

function leaveNow(ctx: Ctx, ei: ElementInstanceRow): void {
  ctx.queue.push(() => runStep(ctx, ei.key, 'leave'));
}

/** Completes an element: output variables, bookkeeping, then the outgoing flows or its scope. */
function leave(ctx: Ctx, ei: ElementInstanceRow): void {
  if (ei.element_type === AD_HOC_INNER_TYPE) {
    markEnded(ctx, ei, 'COMPLETED');
    return onAdHocInnerCompleted(ctx, requireElementInstance(ctx, ei.flow_scope_key!));
  }
  const process = processOf(ctx, ei);
  const data = parseData(ei);
  const node = ei.element_type === ROOT_TYPE ? undefined : requireNode(process, ei.element_id);
  const payload = data.triggerVars ?? {};

  if (ei.element_type === MI_BODY_TYPE) {
    onBodyCompleting(ctx, ei, node!);
  } else if (node && !listenersBegan(data, 'end')) {
    const outputs = node.ioMapping?.outputs ?? [];
    if (outputs.length > 0) {
      const results = expr.outputMappings(outputs, Object.assign(visibleVariables(ctx, ei.key), payload));
      propagateVariables(ctx, ei.flow_scope_key!, ei.process_instance_key, results);
    } else if (node.callActivity?.propagateAllChildVariables !== false) {
      propagateVariables(ctx, ei.key, ei.process_instance_key, payload);
    }
  }
  if (awaitExecutionListener(ctx, process, ei, node, data, 'end')) return;
  const outgoing = node ? outgoingOf(ctx, ei, node, data) : [];

  markEnded(ctx, ei, 'COMPLETED');
  if (ei.element_type === ROOT_TYPE) return onProcessCompleted(ctx, ei);
  if (data.compensationThrowKey !== undefined) return onCompensationHandlerCompleted(ctx, data.compensationThrowKey);
  const scope = requireElementInstance(ctx, ei.flow_scope_key!);
  if (scope.element_type === MI_BODY_TYPE && data.inner) return onInnerCompleted(ctx, scope, ei);
  for (const flowId of outgoing) takeFlow(ctx, scope, flowId);
  const linkCatch = node && linkCatchOf(process, node);
  if (linkCatch) return void activate(ctx, scope, linkCatch.id);
  if (outgoing.length === 0) completeScopeIfDone(ctx, scope);
}

/** The flows to take when an element completes: its behaviour's choice, else all outgoing flows. */
function outgoingOf(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode, data: ElementData): string[] {
  const behaviour = behaviourOf(ei, node);
  return behaviour.outgoing ? behaviour.outgoing({ ctx, ei, node, data, shared: SHARED }) : node.outgoing;
}

function takeFlow(ctx: Ctx, scope: ElementInstanceRow, flowId: string): void {
  const process = processOf(ctx, scope);
  const flow = process.flows[flowId];
  const target = requireNode(process, flow.targetRef);
  // Taken flows are what Operate highlights on the diagram (GET /process-instances/{key}/sequence-flows).
  recordTakenFlow(ctx, scope.process_instance_key, flowId, scope.process_definition_key, scope.bpmn_process_id);
  if (target.type === 'parallelGateway' && target.incoming.length > 1) return arriveAtJoin(ctx, scope, target, flowId);
  activate(ctx, scope, target.id);
}

/** Parallel join: activates the gateway once a token waits on every incoming flow. */
function arriveAtJoin(ctx: Ctx, scope: ElementInstanceRow, gateway: FlowNode, flowId: string): void {
  const arrived = addJoinToken(ctx, scope.key, gateway.id, flowId);
  if (!gateway.incoming.every((id) => arrived.includes(id))) return;
  consumeJoinTokens(ctx, scope.key, gateway.id);
  activate(ctx, scope, gateway.id);
}

/** A scope completes when no child is active and no token waits at a join. */
export function completeScopeIfDone(ctx: Ctx, scope: ElementInstanceRow): void {
  if (scope.state !== 'ACTIVE' || !(isScopeType(scope.element_type) || scope.element_type === AD_HOC_INNER_TYPE)) return;
  if (activeChildren(ctx, scope.key).length > 0) return;
  if (hasJoinTokens(ctx, scope.key)) return;
  leaveNow(ctx, scope);
}

function markEnded(ctx: Ctx, ei: ElementInstanceRow, state: 'COMPLETED' | 'TERMINATED'): void {
  cancelWaits(ctx, ei.key);
  markEndedRow(ctx, ei.key, state, ctx.now);
  ei.state = state;
}

function onProcessCompleted(ctx: Ctx, root: ElementInstanceRow): void {
  const parentKey = completeProcessInstanceRow(ctx, root.key);
  if (parentKey === undefined) return;
  const parent = getElementInstance(ctx, parentKey);
  if (!parent || parent.state !== 'ACTIVE') return;
  // Output mappings of the call activity see the child's variables even when they are not propagated.
  updateData(ctx, parent.key, { ...parseData(parent), triggerVars: localVariables(ctx, root.key) });
  leaveNow(ctx, parent);
}

/** Terminates an element and everything below it: children, jobs, tasks, waits, called instances. */
export function terminate(ctx: Ctx, ei: ElementInstanceRow): void {
  if (ei.state !== 'ACTIVE') return;
  for (const child of activeChildren(ctx, ei.key)) terminate(ctx, child);
  clearJoinTokens(ctx, ei.key);
  const childKey = parseData(ei).childProcessInstanceKey;
  if (childKey !== undefined) {
    const childRoot = getElementInstance(ctx, childKey);
    if (childRoot) terminate(ctx, childRoot);
  }
  resolveIncidentsOfElement(ctx, ei.key);
  if (ei.element_type === MI_BODY_TYPE) onBodyTerminated(ctx, ei);
  markEnded(ctx, ei, 'TERMINATED');
  if (ei.element_type === ROOT_TYPE) terminateProcessInstanceRow(ctx, ei.key);
}

/** The token-flow operations handed to the rest of the runtime through the command context. */
export const FLOW: Flow = {
  schedule: (ctx, key, step, jobKey) => ctx.queue.push(() => runStep(ctx, key, step, jobKey)),
  activate: (ctx, scope, elementId, opts) => activate(ctx, scope, elementId, opts),
  terminate: (ctx, ei) => terminate(ctx, ei),
};

/** The shared behaviours handed to the element behaviours (engine/runtime/behaviours). */
const SHARED: SharedBehaviours = {
  ...FLOW,
  complete: leaveNow,
  createJob,
  requireJob,
  createUserTask,
  openBoundaryWaits,
};

/** Runs queued steps until every token waits. */
export function drain(ctx: Ctx): void {
  for (let i = 0; i < ctx.queue.length; i++) ctx.queue[i]();
  ctx.queue.length = 0;
}
