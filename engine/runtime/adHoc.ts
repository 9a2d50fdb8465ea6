import { nextKey } from '../store/db';
import { activeChildren, getElementInstance, insertElementInstance } from '../store/elementInstances';
import { activeIncidentsOfElement } from '../store/incidents';
import type { FlowNode } from '../model/types';
import { adHocActivatableIds } from '../model/adHoc';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure, invalidArgument, invalidState, notFound } from './errors';
import * as expr from './expressions';
import { AD_HOC_INNER_TYPE, processOf, requireNode } from './model';
import { setLocalVariables, visibleVariables } from './variables';

/**
 * Ad-hoc subprocesses (Zeebe 8.8, BPMN implementation). Entering one activates the inner elements its
 * activeElementsCollection names; each activation gets its own inner instance (AD_HOC_SUB_PROCESS_INNER_INSTANCE),
 * the flow and variable scope of the activated element and the path after it. When an inner instance completes,
 * the completion condition is evaluated: true completes the ad-hoc subprocess (terminating the inner instances still
 * active first when cancelRemainingInstances, else once they are done); without a condition it completes when no
 * inner instance is active any more. With none activated it stays active until the activation endpoint is used.
 */

const innerInstanceId = (node: FlowNode) => `${node.id}#innerInstance`;

/** Entry (after the input mappings and boundary events): the elements of activeElementsCollection. */
export function enterAdHocSubProcess(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const expression = node.adHoc?.activeElementsCollection;
  if (!expression) return;
  const value = expr.evaluateValue(expression, visibleVariables(ctx, ei.key), `the active elements collection of '${node.id}'`);
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw new ElementFailure(
      'EXTRACT_VALUE_ERROR',
      `Failed to activate ad-hoc elements. Expected the active elements collection '${expression}' of '${node.id}' to be a list of element ids (strings), but it was ${JSON.stringify(value) ?? 'null'}. Set the variable, then resolve the incident.`,
    );
  }
  const ids = value as string[];
  const unknown = ids.filter((id) => !adHocActivatableIds(processOf(ctx, ei), node).includes(id));
  if (unknown.length > 0) throw new ElementFailure('EXTRACT_VALUE_ERROR', `${elementsDoNotExist(ei.key, unknown)} Correct the active elements collection, then resolve the incident.`);
  for (const id of ids) activateInner(ctx, ei, node, id, {});
}

function elementsDoNotExist(key: number, ids: string[]): string {
  return `Expected to activate activities for ad-hoc sub-process with key '${key}', but the given elements [${ids.join(', ')}] do not exist.`;
}

function activateInner(ctx: Ctx, adHoc: ElementInstanceRow, node: FlowNode, elementId: string, variables: Record<string, unknown>): void {
  const key = nextKey(ctx.db);
  insertElementInstance(ctx, {
    key, processInstanceKey: adHoc.process_instance_key, processDefinitionKey: adHoc.process_definition_key, bpmnProcessId: adHoc.bpmn_process_id,
    elementId: innerInstanceId(node), elementName: null, elementType: AD_HOC_INNER_TYPE, flowScopeKey: adHoc.key, startDate: ctx.now, data: {},
  });
  if (Object.keys(variables).length > 0) setLocalVariables(ctx, key, adHoc.process_instance_key, variables);
  ctx.flow.activate(ctx, getElementInstance(ctx, key)!, elementId);
}

/**
 * An inner instance completed (the caller marked it completed): Zeebe's completion rules. A failing condition
 * throws an ElementFailure, which rolls the inner instance's completion back into an incident on it.
 */
export function onAdHocInnerCompleted(ctx: Ctx, adHoc: ElementInstanceRow): void {
  if (adHoc.state !== 'ACTIVE') return;
  const node = requireNode(processOf(ctx, adHoc), adHoc.element_id);
  const condition = node.adHoc?.completionCondition;
  const active = activeChildren(ctx, adHoc.key);
  if (condition === undefined) {
    if (active.length === 0) ctx.flow.schedule(ctx, adHoc.key, 'leave');
    return;
  }
  const vars = visibleVariables(ctx, adHoc.key);
  let fulfilled: unknown;
  try {
    fulfilled = expr.evaluateValue(condition, vars, `the completion condition of '${node.id}'`);
  } catch (error) {
    if (error instanceof ElementFailure) throw new ElementFailure('EXTRACT_VALUE_ERROR', `Failed to evaluate completion condition. ${error.message}`);
    throw error;
  }
  if (typeof fulfilled !== 'boolean') {
    throw new ElementFailure(
      'EXTRACT_VALUE_ERROR',
      `Failed to evaluate completion condition. Expected the completion condition '${condition}' of '${node.id}' to be a boolean, but it was ${JSON.stringify(fulfilled) ?? 'null'}. Set the variables it needs, then resolve the incident.`,
    );
  }
  if (!fulfilled) return;
  if (node.adHoc!.cancelRemainingInstances) {
    for (const child of active) ctx.flow.terminate(ctx, child);
    ctx.flow.schedule(ctx, adHoc.key, 'leave');
  } else if (active.length === 0) {
    ctx.flow.schedule(ctx, adHoc.key, 'leave');
  }
}

export interface AdHocActivation {
  elements: { elementId: string; variables?: Record<string, unknown> }[];
}

/** POST /element-instances/ad-hoc-activities/{key}/activation, with Zeebe's rejections. */
export function activateAdHocActivities(ctx: Ctx, adHocKey: number, input: AdHocActivation): void {
  const ei = getElementInstance(ctx, adHocKey);
  if (!ei || ei.element_type !== 'AD_HOC_SUB_PROCESS' || ei.state !== 'ACTIVE') {
    // Zeebe keeps no state of an ended element instance, so a completed one is not found either.
    throw notFound(`Expected to activate activities for ad-hoc sub-process but no ad-hoc sub-process instance found with key '${adHocKey}'.`);
  }
  if (activeIncidentsOfElement(ctx, ei.key).some((incident) => incident.retry_step === 'enter')) {
    // Its entry failed (an incident): in Zeebe it is still ACTIVATING, not active.
    throw invalidState(`Expected to activate activities for ad-hoc sub-process with key '${adHocKey}', but it is not active.`);
  }
  const ids = input.elements.map((e) => e.elementId);
  if (new Set(ids).size !== ids.length) {
    throw invalidArgument(`Expected to activate activities for ad-hoc sub-process with key '${adHocKey}', but duplicate activities were given.`);
  }
  const process = processOf(ctx, ei);
  const node = requireNode(process, ei.element_id);
  const activatable = adHocActivatableIds(process, node);
  const unknown = ids.filter((id) => !activatable.includes(id));
  if (unknown.length > 0) throw notFound(elementsDoNotExist(adHocKey, unknown));
  for (const element of input.elements) activateInner(ctx, ei, node, element.elementId, element.variables ?? {});
}
