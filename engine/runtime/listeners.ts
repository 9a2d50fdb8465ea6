import { nextKey } from '../store/db';
import { getElementInstance, updateData } from '../store/elementInstances';
import { insertJob, type JobListenerEventType, type JobRow } from '../store/jobs';
import type { CompiledProcess, ExecutionListener, FlowNode } from '../model/types';
import type { Ctx, ElementData, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { AD_HOC_INNER_TYPE, MI_BODY_TYPE, ROOT_TYPE, parseData } from './model';
import { propagateVariables, setLocalVariables, visibleVariables } from './variables';
import { cancelWaits } from './waits';

/**
 * Execution listeners as Camunda 8.8 runs them: blocking jobs of kind EXECUTION_LISTENER.
 *
 * Start listeners run after the input mappings, before the element subscribes to events and does its work; end
 * listeners after the output mappings, before the element leaves. Listeners of one event type run one after the
 * other in diagram order, each as its own job. A start listener's variables become local variables of the element;
 * an end listener's go to the scope above, like output mappings. How many listeners of each type completed is kept
 * in the element's data (`listeners`), so the lifecycle step (enter/leave) runs again after each listener and goes
 * on where it stopped. On a multi-instance activity they run around each inner instance, not the body.
 */

type EventType = ExecutionListener['eventType'];

/** The execution listeners of the element behind `ei` (the process's own for the root instance). */
function listenersOf(process: CompiledProcess, ei: ElementInstanceRow, node: FlowNode | undefined, eventType: EventType): ExecutionListener[] {
  if (ei.element_type === MI_BODY_TYPE || ei.element_type === AD_HOC_INNER_TYPE) return [];
  const all = ei.element_type === ROOT_TYPE ? process.executionListeners : node?.executionListeners;
  return (all ?? []).filter((l) => l.eventType === eventType);
}

/** True once the element's listeners of this type began: the step runs again and must not apply its mappings twice. */
export function listenersBegan(data: ElementData, eventType: EventType): boolean {
  return data.listeners?.[eventType] !== undefined;
}

/**
 * Creates the job of the next execution listener of `eventType` the element still has to run; returns true when it
 * did (the element waits for it), false when all are done. An end listener first closes the element's subscriptions
 * (boundary events, event subprocesses), as Zeebe does when an element starts completing.
 */
export function awaitExecutionListener(
  ctx: Ctx, process: CompiledProcess, ei: ElementInstanceRow, node: FlowNode | undefined, data: ElementData, eventType: EventType,
): boolean {
  const listeners = listenersOf(process, ei, node, eventType);
  const done = data.listeners?.[eventType] ?? 0;
  const next = listeners[done];
  if (!next) return false;
  if (eventType === 'end') cancelWaits(ctx, ei.key);
  const updated: ElementData = { ...data, listeners: { ...data.listeners, [eventType]: done } };
  updateData(ctx, ei.key, updated);
  ei.data = JSON.stringify(updated);
  try {
    createListenerJob(ctx, ei, next, eventType === 'start' ? 'START' : 'END');
  } catch (error) {
    // A listener property that fails to evaluate: after the incident, the element runs all listeners of this type again.
    if (error instanceof ElementFailure) {
      const before = error.afterRollback;
      error.afterRollback = () => {
        before?.();
        forgetListeners(ctx, ei.key, eventType);
      };
    }
    throw error;
  }
  return true;
}

function forgetListeners(ctx: Ctx, key: number, eventType: EventType): void {
  const current = getElementInstance(ctx, key);
  if (!current) return;
  const data = parseData(current);
  if (!data.listeners) return;
  const listeners = { ...data.listeners };
  delete listeners[eventType];
  updateData(ctx, key, { ...data, listeners });
}

function createListenerJob(ctx: Ctx, ei: ElementInstanceRow, listener: ExecutionListener, listenerEventType: JobListenerEventType): void {
  const vars = visibleVariables(ctx, ei.key);
  const what = `the '${listener.eventType}' execution listener of '${ei.element_id}'`;
  const type = expr.evaluateString(listener.type, vars, `the job type of ${what}`);
  if (type === '') {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected result of the expression '${listener.type}' to be a not-empty string, but was an empty string.`);
  }
  const retriesValue = expr.evaluateValue(listener.retries, vars, `the job retries of ${what}`);
  const retries = Number(retriesValue);
  if (!Number.isInteger(retries)) {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected the job retries of ${what} to be an integer, but it was ${JSON.stringify(retriesValue)}.`);
  }
  insertJob(ctx, {
    key: nextKey(ctx.db), type, retries, customHeaders: {}, elementInstanceKey: ei.key, elementId: ei.element_id,
    processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key, bpmnProcessId: ei.bpmn_process_id,
    version: ctx.definition(ei.process_definition_key).row.version, createdAt: ctx.now, kind: 'EXECUTION_LISTENER', listenerEventType,
  });
  ctx.jobTypesActivatable.add(type);
}

/** A completed execution listener job: its variables go where Zeebe puts them, then the element goes on. */
export function onExecutionListenerJobCompleted(ctx: Ctx, job: JobRow, variables: Record<string, unknown>): void {
  const ei = getElementInstance(ctx, job.element_instance_key);
  if (!ei || ei.state !== 'ACTIVE') return;
  const eventType: EventType = job.listener_event_type === 'START' ? 'start' : 'end';
  if (eventType === 'start') setLocalVariables(ctx, ei.key, ei.process_instance_key, variables);
  else propagateVariables(ctx, ei.flow_scope_key ?? ei.key, ei.process_instance_key, variables);
  const data = parseData(ei);
  updateData(ctx, ei.key, { ...data, listeners: { ...data.listeners, [eventType]: (data.listeners?.[eventType] ?? 0) + 1 } });
  ctx.flow.schedule(ctx, ei.key, eventType === 'start' ? 'enter' : 'leave');
}
