import type { FlowNode } from '../../model/types';
import { activeChildren, getElementInstance, updateData } from '../../store/elementInstances';
import {
  clearMultiInstancePending, deleteMultiInstanceItems, insertMultiInstanceItems, markMultiInstancePending, multiInstanceItem,
  multiInstanceOutputs, recordMultiInstanceOutput,
} from '../../store/tokens';
import { engineLimits } from '../../limits';
import type { Ctx, ElementData, ElementInstanceRow } from '../context';
import { ElementFailure } from '../errors';
import * as expr from '../expressions';
import { parseData, processOf, requireNode } from '../model';
import { localVariables, propagateVariables, setLocalVariable, visibleVariables } from '../variables';
import type { ElementBehaviour } from './types';

/**
 * The multi-instance body wrapping an activity with loop characteristics: one inner instance per item of the
 * input collection, in sequence or in parallel, until all complete or the completion condition holds.
 */
export const multiInstanceBody: ElementBehaviour = {
  ownActivation: true,
  onActivate: ({ ctx, ei: body, node, shared }) => {
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
    if (node.boundaryEventIds.length > 0) shared.openBoundaryWaits(ctx, body, node);
    if (mi.outputCollection) setLocalVariable(ctx, body.key, body.process_instance_key, mi.outputCollection, items.map(() => null));
    insertMultiInstanceItems(ctx, body.key, items);
    const data: ElementData = { mi: { count: items.length, completed: 0, nextIndex: 0 } };
    updateData(ctx, body.key, data);
    if (items.length === 0) return shared.complete(ctx, body);
    if (mi.isSequential) {
      activateInner(ctx, body, node, 0);
      data.mi!.nextIndex = 1;
      return updateData(ctx, body.key, data);
    }
    activateInnerChunk(ctx, body, node, data);
  },
  onCompleting: ({ ctx, ei, node }) => onBodyCompleting(ctx, ei, node),
  // Every child of a body is one of its inner instances (its boundary events are activated beside it).
  onChildCompleted: ({ ctx, ei }, child) => onInnerCompleted(ctx, ei, child),
  onTerminate: ({ ctx, ei }) => onBodyTerminated(ctx, ei),
};

/**
 * Inner instances a parallel body activates per transaction. The rest follow in further transactions of the
 * scheduler (`mi_pending` keeps that durable across a restart), so other requests are answered in between.
 */
export const MI_ACTIVATION_CHUNK = 250;

function activateInnerChunk(ctx: Ctx, body: ElementInstanceRow, node: FlowNode, data: ElementData): void {
  const state = data.mi!;
  const count = miCount(state);
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

function miCount(state: NonNullable<ElementData['mi']>): number {
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
  ctx.flow.activate(ctx, body, node.id, { data: { inner: true }, localVars });
}

/** An inner instance completed: record its output, then end the body or start the next sequential instance. */
function onInnerCompleted(ctx: Ctx, body: ElementInstanceRow, inner: ElementInstanceRow): void {
  const node = requireNode(processOf(ctx, body), body.element_id);
  const mi = node.multiInstance!;
  const data = parseData(body);
  const state = data.mi!;
  const count = miCount(state);
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
  if (conditionMet) for (const child of activeChildren(ctx, body.key)) ctx.flow.terminate(ctx, child);
  if (conditionMet || state.completed >= count) {
    updateData(ctx, body.key, data);
    clearMultiInstancePending(ctx, body.key);
    return ctx.flow.schedule(ctx, body.key, 'leave');
  }
  if (mi.isSequential && state.nextIndex < count) {
    activateInner(ctx, body, node, state.nextIndex);
    state.nextIndex += 1;
  }
  updateData(ctx, body.key, data);
}

/** The body completes: its output collection goes to the scope above, its items are dropped. */
function onBodyCompleting(ctx: Ctx, body: ElementInstanceRow, node: FlowNode): void {
  const name = node.multiInstance!.outputCollection;
  if (name) propagateVariables(ctx, body.flow_scope_key!, body.process_instance_key, { [name]: outputCollection(ctx, body, name) });
  deleteMultiInstanceItems(ctx, body.key);
}

/** The body is terminated: its items and any pending activation go. */
function onBodyTerminated(ctx: Ctx, body: ElementInstanceRow): void {
  deleteMultiInstanceItems(ctx, body.key);
  clearMultiInstancePending(ctx, body.key);
}

/** The body's output collection: the recorded output element of each inner instance, null where none completed. */
function outputCollection(ctx: Ctx, body: ElementInstanceRow, name: string): unknown[] {
  // A body started before schema 4 kept its outputs in the local variable: start from it.
  const collection = ((localVariables(ctx, body.key)[name] as unknown[] | undefined) ?? []).slice();
  for (const row of multiInstanceOutputs(ctx, body.key)) collection[row.idx] = row.value;
  return collection;
}
