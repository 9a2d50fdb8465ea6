import { nextKey } from '../store/db';
import { activeChildren, getElementInstance, insertElementInstance, markEnded as markEndedRow } from '../store/elementInstances';
import { addJoinToken, clearJoinTokens, consumeJoinTokens, hasJoinTokens, recordTakenFlow } from '../store/tokens';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow, Flow, Step } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { createIncident, resolveIncidentsOfElement } from './incidents';
import { apiElementType, isScopeType, MI_BODY_TYPE, parseData, processOf, requireNode, ROOT_TYPE, AD_HOC_INNER_TYPE, type ElementData } from './model';
import { propagateVariables, setLocalVariables, visibleVariables } from './variables';
import { createJob } from './jobs';
import { createUserTask } from './userTasks';
import { cancelWaits, openBoundaryWaits } from './waits';
import { linkCatchOf } from '../model/links';
import { onCompensationHandlerCompleted } from './compensation';
import { awaitExecutionListener, listenersBegan } from './listeners';
import { BEHAVIOURS, behaviourOf, behaviourOfInstance, type HookArgs, type SharedBehaviours } from './behaviours';
import { continueTransition } from './taskListeners';

/**
 * The token flow's dispatcher: element instance lifecycle (activate → enter → wait → leave / terminate),
 * what every kind shares (mappings, listeners, boundary waits, flow taking, joins, scope completion), and
 * the kind's own hooks from the behaviour table (./behaviours, one module per element kind). Runs synchronously inside the command's
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

/** Completes an element: output variables, end listeners, bookkeeping, then its behaviour's continuation. */
function leave(ctx: Ctx, ei: ElementInstanceRow): void {
  const data = parseData(ei);
  if (ei.element_type === AD_HOC_INNER_TYPE) {
    // It only groups one activated element of an ad-hoc sub-process: no mappings, listeners or flows of its own.
    markEnded(ctx, ei, 'COMPLETED');
    return continueInScope(ctx, ei, undefined, data, []);
  }
  const process = processOf(ctx, ei);
  const node = ei.element_type === ROOT_TYPE ? undefined : requireNode(process, ei.element_id);
  const behaviour = behaviourOfInstance(ei, node);
  const args: HookArgs<FlowNode | undefined> = { ctx, ei, node, data, shared: SHARED };
  if (behaviour.onCompleting) behaviour.onCompleting(args);
  else if (node && !listenersBegan(data, 'end')) applyOutputs(ctx, ei, node, data.triggerVars ?? {});
  if (awaitExecutionListener(ctx, process, ei, node, data, 'end')) return;
  const outgoing = node ? outgoingOf(ctx, ei, node, data) : [];

  markEnded(ctx, ei, 'COMPLETED');
  if (behaviour.onCompleted) return behaviour.onCompleted(args);
  continueInScope(ctx, ei, node, data, outgoing);
}

/** Output mappings to the scope above, else the completion's variables (not a call activity's that propagates none). */
function applyOutputs(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode, payload: Record<string, unknown>): void {
  const outputs = node.ioMapping?.outputs ?? [];
  if (outputs.length > 0) {
    const results = expr.outputMappings(outputs, Object.assign(visibleVariables(ctx, ei.key), payload));
    propagateVariables(ctx, ei.flow_scope_key!, ei.process_instance_key, results);
  } else if (node.callActivity?.propagateAllChildVariables !== false) {
    propagateVariables(ctx, ei.key, ei.process_instance_key, payload);
  }
}

/**
 * A completed element continues in its flow scope: a compensation handler resumes its throw event, a scope
 * whose behaviour decides on its children's completion (multi-instance body, ad-hoc sub-process) is told,
 * else the outgoing flows (or a link throw's catch) are taken, and without any the scope completes when done.
 */
function continueInScope(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode | undefined, data: ElementData, outgoing: string[]): void {
  if (data.compensationThrowKey !== undefined) return onCompensationHandlerCompleted(ctx, data.compensationThrowKey);
  const scope = requireElementInstance(ctx, ei.flow_scope_key!);
  if (scope.element_type !== AD_HOC_INNER_TYPE) {
    const scopeNode = scope.element_type === ROOT_TYPE ? undefined : requireNode(processOf(ctx, scope), scope.element_id);
    const scopeBehaviour = behaviourOfInstance(scope, scopeNode);
    if (scopeBehaviour.onChildCompleted) {
      return scopeBehaviour.onChildCompleted({ ctx, ei: scope, node: scopeNode, data: parseData(scope), shared: SHARED }, ei);
    }
  }
  for (const flowId of outgoing) takeFlow(ctx, scope, flowId);
  const linkCatch = node && linkCatchOf(processOf(ctx, ei), node);
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

/** Terminates an element and everything below it: children, jobs, tasks, waits, called instances. */
export function terminate(ctx: Ctx, ei: ElementInstanceRow): void {
  if (ei.state !== 'ACTIVE') return;
  for (const child of activeChildren(ctx, ei.key)) terminate(ctx, child);
  clearJoinTokens(ctx, ei.key);
  // An ad-hoc inner instance has no behaviour of its own: it ends with its element.
  const node = ei.element_type === ROOT_TYPE || ei.element_type === AD_HOC_INNER_TYPE ? undefined : requireNode(processOf(ctx, ei), ei.element_id);
  const behaviour = ei.element_type === AD_HOC_INNER_TYPE ? undefined : behaviourOfInstance(ei, node);
  const args: HookArgs<FlowNode | undefined> = { ctx, ei, node, data: parseData(ei), shared: SHARED };
  behaviour?.onTerminate?.(args);
  resolveIncidentsOfElement(ctx, ei.key);
  markEnded(ctx, ei, 'TERMINATED');
  behaviour?.onTerminated?.(args);
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
