import { nextKey } from '../store/db';
import { activeChildren, getElementInstance, insertElementInstance, markEnded as markEndedRow, updateData } from '../store/elementInstances';
import {
  addJoinToken, clearJoinTokens, clearMultiInstancePending, consumeJoinTokens, deleteMultiInstanceItems, hasJoinTokens, insertMultiInstanceItems,
  markMultiInstancePending, multiInstanceItem, multiInstanceOutputs, recordMultiInstanceOutput, recordTakenFlow,
} from '../store/tokens';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow, Flow, Step } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { createIncident, resolveIncidentsOfElement } from './incidents';
import {
  apiElementType, childrenOf, eventSubprocessStart, isNoneStart, isScopeType, MI_BODY_TYPE, parseData,
  processOf, requireNode, ROOT_TYPE, AD_HOC_INNER_TYPE, type ElementData,
} from './model';
import { propagateVariables, setLocalVariable, setLocalVariables, visibleVariables, localVariables } from './variables';
import { createJob } from './jobs';
import { createUserTask } from './userTasks';
import { cancelWaits, openBoundaryWaits, openEventSubprocessWaits, openCatchWait, openEventGatewayWaits } from './waits';
import { throwError, throwEscalation, broadcastSignal } from './events';
import { calledDefinition, completeProcessInstanceRow, createProcessInstance, terminateProcessInstanceRow } from './instances';
import { engineLimits } from '../limits';
import { linkCatchOf } from '../model/links';
import { runScript } from './script';
import { evaluateCalledDecision } from './businessRuleTask';
import { enterAdHocSubProcess, onAdHocInnerCompleted } from './adHoc';
import { enterCompensationThrow, onCompensationHandlerCompleted } from './compensation';
import { awaitExecutionListener, listenersBegan } from './listeners';

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
    ctx.db.transaction(() => (step === 'enter' ? enter(ctx, ei) : leave(ctx, ei)))();
  } catch (error) {
    if (!(error instanceof ElementFailure)) throw error;
    ctx.queue.length = queued;
    error.afterRollback?.();
    createIncident(ctx, ei, error.errorType, error.message, step, jobKey);
  }
}

function enter(ctx: Ctx, ei: ElementInstanceRow): void {
  const process = processOf(ctx, ei);
  const data = parseData(ei);
  if (ei.element_type === ROOT_TYPE) {
    if (awaitExecutionListener(ctx, process, ei, undefined, data, 'start')) return;
    return enterScope(ctx, ei, undefined, data);
  }
  const node = requireNode(process, ei.element_id);
  if (ei.element_type === MI_BODY_TYPE) return enterMultiInstanceBody(ctx, ei, node);

  const inputs = node.ioMapping?.inputs ?? [];
  if (inputs.length > 0 && !data.triggered && !listenersBegan(data, 'start')) {
    const scopeVars = visibleVariables(ctx, ei.key);
    setLocalVariables(ctx, ei.key, ei.process_instance_key, expr.inputMappings(inputs, scopeVars));
  }
  if (awaitExecutionListener(ctx, process, ei, node, data, 'start')) return;
  const isActivity = node.boundaryEventIds.length > 0 && !data.inner;
  if (isActivity) openBoundaryWaits(ctx, ei, node);

  switch (node.type) {
    case 'startEvent':
    case 'boundaryEvent':
    case 'task':
    case 'manualTask':
    case 'exclusiveGateway':
    case 'inclusiveGateway':
    case 'parallelGateway':
      return leaveNow(ctx, ei);
    case 'intermediateCatchEvent':
    case 'receiveTask':
      // A link catch event is entered by its link throw and continues at once.
      if (data.triggered || node.eventDefinition?.kind === 'link') return leaveNow(ctx, ei);
      return openCatchWait(ctx, ei, node);
    case 'eventBasedGateway':
      return openEventGatewayWaits(ctx, ei, node);
    case 'scriptTask':
      if (node.script) return runScript(ctx, ei, node);
      return requireJob(ctx, ei, node);
    case 'businessRuleTask':
      if (node.calledDecision) return evaluateCalledDecision(ctx, ei, node, () => leaveNow(ctx, ei));
      return requireJob(ctx, ei, node);
    case 'serviceTask':
    case 'sendTask':
      return requireJob(ctx, ei, node);
    case 'userTask':
      // Without <zeebe:userTask/> it is a job-based user task: a job for a task-list worker.
      return node.job ? createJob(ctx, ei, node) : createUserTask(ctx, ei, node);
    case 'intermediateThrowEvent':
    case 'endEvent':
      return enterThrowEvent(ctx, ei, node);
    case 'subProcess':
      return enterScope(ctx, ei, node, data);
    case 'callActivity':
      return enterCallActivity(ctx, ei, node);
    case 'adHocSubProcess':
      return enterAdHocSubProcess(ctx, ei, node);
  }
}

function requireJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  if (!node.job) throw new ElementFailure('EXTRACT_VALUE_ERROR', `Element '${node.id}' has no zeebe:taskDefinition; add one with a job type.`);
  createJob(ctx, ei, node);
}

function leaveNow(ctx: Ctx, ei: ElementInstanceRow): void {
  ctx.queue.push(() => runStep(ctx, ei.key, 'leave'));
}

function enterThrowEvent(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  if (node.job) return createJob(ctx, ei, node);
  const def = node.eventDefinition;
  switch (def?.kind) {
    case 'terminate': {
      const scope = requireElementInstance(ctx, ei.flow_scope_key!);
      for (const sibling of activeChildren(ctx, scope.key)) if (sibling.key !== ei.key) terminate(ctx, sibling);
      clearJoinTokens(ctx, scope.key);
      return leaveNow(ctx, ei);
    }
    case 'error':
      return throwError(ctx, ei, def.errorCode ?? '', `Error end event '${node.id}'`, {});
    case 'escalation': {
      throwEscalation(ctx, ei, def.escalationCode ?? '');
      if (requireElementInstance(ctx, ei.key).state === 'ACTIVE') leaveNow(ctx, ei);
      return;
    }
    case 'signal': {
      broadcastSignal(ctx, def.signalName, {});
      return leaveNow(ctx, ei);
    }
    case 'compensation':
      return enterCompensationThrow(ctx, ei, node);
    default:
      return leaveNow(ctx, ei);
  }
}

/** Process root, embedded and event sub-process: open event sub-process waits, start the flow. */
function enterScope(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode | undefined, data: ElementData): void {
  const process = processOf(ctx, ei);
  openEventSubprocessWaits(ctx, ei, node?.id);
  let startId = data.startEventId;
  if (!startId) {
    const start = node?.triggeredByEvent
      ? eventSubprocessStart(process, node)
      : childrenOf(process, node?.id).find((n) => isNoneStart(n));
    if (!start) throw new ElementFailure('EXTRACT_VALUE_ERROR', `Scope '${ei.element_id}' has no none start event to begin with.`);
    startId = start.id;
  }
  activate(ctx, ei, startId, { data: { triggered: true, triggerVars: data.startVars } });
}

function enterCallActivity(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const call = node.callActivity!;
  const vars = visibleVariables(ctx, ei.key);
  const processId = expr.evaluateString(call.processId, vars, `the called element of '${node.id}'`);
  const target = calledDefinition(ctx, ctx.definition(ei.process_definition_key), processId, call.bindingType, call.versionTag);
  if (!target) {
    const which = call.bindingType === 'versionTag' ? ` and version tag '${call.versionTag}'` : call.bindingType === 'deployment' ? ' in the same deployment as the calling process' : '';
    throw new ElementFailure(
      'CALLED_ELEMENT_ERROR',
      `Expected process with BPMN process id '${processId}'${which} to be deployed, but not found. Deploy it, then resolve this incident.`,
    );
  }
  const childVars = call.propagateAllParentVariables === false ? localVariables(ctx, ei.key) : vars;
  const childKey = createProcessInstance(ctx, target, childVars, { parentElementInstance: ei });
  updateData(ctx, ei.key, { ...parseData(ei), childProcessInstanceKey: childKey });
}

function enterMultiInstanceBody(ctx: Ctx, body: ElementInstanceRow, node: FlowNode): void {
  const mi = node.multiInstance!;
  const vars = visibleVariables(ctx, body.key);
  const items = expr.evaluateValue(mi.inputCollection, vars, `the input collection of '${node.id}'`);
  if (!Array.isArray(items)) {
    throw new ElementFailure(
      'EXTRACT_VALUE_ERROR',
      `Expected the input collection '${mi.inputCollection}' of '${node.id}' to be a list, but it was ${JSON.stringify(items) ?? 'null'}.`,
    );
  }
  const cap = engineLimits().maxMultiInstanceItems;
  if (items.length > cap) {
    throw new ElementFailure(
      'EXTRACT_VALUE_ERROR',
      `The input collection '${mi.inputCollection}' of '${node.id}' has ${items.length} items; the limit is ${cap} (ENGINE_LIMIT_MULTI_INSTANCE_ITEMS). Split the work into smaller collections, then resolve the incident.`,
    );
  }
  if (node.boundaryEventIds.length > 0) openBoundaryWaits(ctx, body, node);
  if (mi.outputCollection) setLocalVariable(ctx, body.key, body.process_instance_key, mi.outputCollection, items.map(() => null));
  insertMultiInstanceItems(ctx, body.key, items);
  const data: ElementData = { mi: { count: items.length, completed: 0, nextIndex: 0 } };
  updateData(ctx, body.key, data);
  if (items.length === 0) return leaveNow(ctx, body);
  if (mi.isSequential) {
    activateInner(ctx, body, node, 0);
    data.mi!.nextIndex = 1;
    return updateData(ctx, body.key, data);
  }
  activateInnerChunk(ctx, body, node, data);
}

/**
 * Inner instances a parallel body activates per transaction. The rest follow in further transactions of the
 * scheduler (`mi_pending` keeps that durable across a restart), so other requests are answered in between.
 */
export const MI_ACTIVATION_CHUNK = 250;

function activateInnerChunk(ctx: Ctx, body: ElementInstanceRow, node: FlowNode, data: ElementData): void {
  const state = data.mi!;
  const count = miCount(ctx, body, state);
  const end = Math.min(count, state.nextIndex + MI_ACTIVATION_CHUNK);
  for (let i = state.nextIndex; i < end; i++) activateInner(ctx, body, node, i);
  state.nextIndex = end;
  updateData(ctx, body.key, data);
  if (end < count) {
    markMultiInstancePending(ctx, body.key);
    ctx.wakeScheduler = true;
  } else {
    clearMultiInstancePending(ctx, body.key);
  }
}

/** Scheduler work: the next chunk of inner instances of one parallel body still being activated. */
export function continueMultiInstance(ctx: Ctx, bodyKey: number): void {
  const body = getElementInstance(ctx, bodyKey);
  if (!body || body.state !== 'ACTIVE') {
    clearMultiInstancePending(ctx, bodyKey);
    return;
  }
  activateInnerChunk(ctx, body, requireNode(processOf(ctx, body), body.element_id), parseData(body));
}

function miCount(ctx: Ctx, body: ElementInstanceRow, state: NonNullable<ElementData['mi']>): number {
  return state.count ?? state.items?.length ?? 0;
}

function miItem(ctx: Ctx, body: ElementInstanceRow, index: number): unknown {
  const row = multiInstanceItem(ctx, body.key, index);
  if (row) return row.value;
  return parseData(body).mi?.items?.[index] ?? null; // a body started before schema 4
}

function activateInner(ctx: Ctx, body: ElementInstanceRow, node: FlowNode, index: number): void {
  const localVars: Record<string, unknown> = { loopCounter: index + 1 };
  if (node.multiInstance!.inputElement) localVars[node.multiInstance!.inputElement] = miItem(ctx, body, index);
  activate(ctx, body, node.id, { data: { inner: true }, localVars });
}

function onInnerCompleted(ctx: Ctx, body: ElementInstanceRow, inner: ElementInstanceRow): void {
  const node = requireNode(processOf(ctx, body), body.element_id);
  const mi = node.multiInstance!;
  const data = parseData(body);
  const state = data.mi!;
  const count = miCount(ctx, body, state);
  state.completed += 1;
  const innerVars = visibleVariables(ctx, inner.key);
  if (mi.outputCollection && mi.outputElement) {
    // One row per inner instance; the collection is assembled once, when the body completes.
    const index = Number(innerVars.loopCounter) - 1;
    const output = expr.evaluateValue(mi.outputElement, innerVars, `the output element of '${node.id}'`) ?? null;
    recordMultiInstanceOutput(ctx, body.key, index, output);
  }
  const conditionMet =
    mi.completionCondition !== undefined &&
    expr.evaluateCondition(mi.completionCondition, {
      ...innerVars,
      numberOfInstances: count,
      numberOfCompletedInstances: state.completed,
      // Inner instances only end by completing, until the body ends: the active ones are the started minus the completed.
      numberOfActiveInstances: state.nextIndex - state.completed,
    }, `${node.id} (completion condition)`);
  if (conditionMet) for (const child of activeChildren(ctx, body.key)) terminate(ctx, child);
  if (conditionMet || state.completed >= count) {
    updateData(ctx, body.key, data);
    clearMultiInstancePending(ctx, body.key);
    return leaveNow(ctx, body);
  }
  if (mi.isSequential && state.nextIndex < count) {
    activateInner(ctx, body, node, state.nextIndex);
    state.nextIndex += 1;
  }
  updateData(ctx, body.key, data);
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
    const name = node!.multiInstance!.outputCollection;
    if (name) propagateVariables(ctx, ei.flow_scope_key!, ei.process_instance_key, { [name]: outputCollection(ctx, ei, name) });
    deleteMultiInstanceItems(ctx, ei.key);
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
  const outgoing = node && ei.element_type !== 'EVENT_BASED_GATEWAY' ? selectOutgoing(ctx, ei, node) : [];

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

/** The body's output collection: the recorded output element of each inner instance, null where none completed. */
function outputCollection(ctx: Ctx, body: ElementInstanceRow, name: string): unknown[] {
  // A body started before schema 4 kept its outputs in the local variable: start from it.
  const collection = ((localVariables(ctx, body.key)[name] as unknown[] | undefined) ?? []).slice();
  for (const row of multiInstanceOutputs(ctx, body.key)) collection[row.idx] = row.value;
  return collection;
}

/** Which outgoing flows to take: conditions on exclusive/inclusive gateways, else all of them. */
function selectOutgoing(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): string[] {
  const process = processOf(ctx, ei);
  if (node.type !== 'exclusiveGateway' && node.type !== 'inclusiveGateway') return node.outgoing;
  if (node.outgoing.length === 1 && !process.flows[node.outgoing[0]].condition) return node.outgoing;
  const vars = visibleVariables(ctx, ei.key);
  const matching: string[] = [];
  for (const flowId of node.outgoing) {
    if (flowId === node.defaultFlow) continue;
    const condition = process.flows[flowId].condition;
    if (condition === undefined || expr.evaluateCondition(condition, vars, flowId)) {
      matching.push(flowId);
      if (node.type === 'exclusiveGateway') break;
    }
  }
  if (matching.length > 0) return matching;
  if (node.defaultFlow) return [node.defaultFlow];
  throw new ElementFailure(
    'CONDITION_ERROR',
    `Expected at least one condition to evaluate to true, or to have a default flow, at gateway '${node.id}'. Set the variables the conditions need (or add a default flow), then resolve the incident.`,
  );
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
  if (ei.element_type === MI_BODY_TYPE) {
    deleteMultiInstanceItems(ctx, ei.key);
    clearMultiInstancePending(ctx, ei.key);
  }
  markEnded(ctx, ei, 'TERMINATED');
  if (ei.element_type === ROOT_TYPE) terminateProcessInstanceRow(ctx, ei.key);
}

/** The token-flow operations handed to the rest of the runtime through the command context. */
export const FLOW: Flow = {
  schedule: (ctx, key, step, jobKey) => ctx.queue.push(() => runStep(ctx, key, step, jobKey)),
  activate: (ctx, scope, elementId, opts) => activate(ctx, scope, elementId, opts),
  terminate: (ctx, ei) => terminate(ctx, ei),
};

/** Runs queued steps until every token waits. */
export function drain(ctx: Ctx): void {
  for (let i = 0; i < ctx.queue.length; i++) ctx.queue[i]();
  ctx.queue.length = 0;
}
