import { nextKey } from '../store/db';
import { closeStartEventWaitsOf } from '../store/definitions';
import {
  activeElementsOfInstance, activeIncidentKeysOfInstance, activeInstancesOfElement, definitionDeletion, formDeletion, hasJoinTokensInInstance,
  markDefinitionDeleted, markFormDeleted, migrateElementInstanceRows, migrateProcessInstanceRow, waitCountOf,
} from '../store/operations';
import { definitionKeyByBinding } from '../store/processInstances';
import { hasJoinTokens } from '../store/tokens';
import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { invalidArgument, invalidState, notFound } from './errors';
import { activeChildren, getElementInstance } from '../store/elementInstances';
import { activate, terminate } from './elements';
import { openStartEventWaits } from './deploy';
import { cancelProcessInstance, isLiveDefinition } from './instances';
import { resolveIncident } from './incidents';
import { MI_BODY_TYPE, ROOT_TYPE, apiElementType, processOf } from './model';
import { setLocalVariables } from './variables';

/**
 * Operator commands on running instances, as Operate uses them: batch cancel and batch incident resolution,
 * process-instance modification (activate/terminate element instances — a move is both in one request) and
 * migration to another definition, and resource deletion. Each runs as one command (one transaction): it
 * applies completely or not at all.
 */

export type BatchOperationType = 'CANCEL_PROCESS_INSTANCE' | 'RESOLVE_INCIDENT';

/**
 * Camunda runs batch operations asynchronously and answers with a key; here the whole batch runs inside the
 * request's transaction, so when the answer arrives every matching instance is already handled.
 */
export function cancelProcessInstancesBatch(ctx: Ctx, processInstanceKeys: number[]): { batchOperationKey: number; batchOperationType: BatchOperationType } {
  for (const key of processInstanceKeys) cancelProcessInstance(ctx, key);
  return { batchOperationKey: nextKey(ctx.db), batchOperationType: 'CANCEL_PROCESS_INSTANCE' };
}

export function resolveIncidentsBatch(ctx: Ctx, processInstanceKeys: number[]): { batchOperationKey: number; batchOperationType: BatchOperationType } {
  for (const pi of processInstanceKeys) {
    for (const key of activeIncidentKeysOfInstance(ctx, pi)) resolveIncident(ctx, key);
  }
  return { batchOperationKey: nextKey(ctx.db), batchOperationType: 'RESOLVE_INCIDENT' };
}

function requireActiveInstance(ctx: Ctx, processInstanceKey: number, verb: string): ElementInstanceRow {
  const root = getElementInstance(ctx, processInstanceKey);
  if (!root || root.element_type !== ROOT_TYPE) {
    throw notFound(`Expected to ${verb} process instance with key '${processInstanceKey}', but no such process instance was found.`);
  }
  if (root.state !== 'ACTIVE') {
    throw notFound(`Expected to ${verb} process instance with key '${processInstanceKey}', but it is not active (it ${root.state === 'COMPLETED' ? 'completed' : 'was terminated'}).`);
  }
  return root;
}

export interface ModificationInput {
  activateInstructions: { elementId: string; ancestorElementInstanceKey?: string; variableInstructions: { variables: Record<string, unknown>; scopeId?: string }[] }[];
  terminateInstructions: { elementInstanceKey: number }[];
}

/** Element types a token cannot be placed on directly (Zeebe refuses them too). */
const NOT_ACTIVATABLE = new Set(['boundaryEvent']);

/**
 * POST /process-instances/{key}/modification. Activations first (with their variables), then terminations;
 * a scope left without any active child by the terminations is terminated as well, up to the process
 * instance, as Zeebe does.
 */
export function modifyProcessInstance(ctx: Ctx, processInstanceKey: number, input: ModificationInput): void {
  const root = requireActiveInstance(ctx, processInstanceKey, 'modify');
  const process = processOf(ctx, root);
  const plans = input.activateInstructions.map((instruction) => {
    const node = process.elements[instruction.elementId];
    if (!node) {
      throw invalidArgument(
        `Expected to modify instance of process '${root.bpmn_process_id}' but it contains one or more activate instructions with an element that could not be found: '${instruction.elementId}'`,
      );
    }
    if (NOT_ACTIVATABLE.has(node.type) || (node.type === 'startEvent' && node.parentId !== undefined && process.elements[node.parentId]?.triggeredByEvent)) {
      throw invalidArgument(
        `Expected to modify instance of process '${root.bpmn_process_id}' but it contains one or more activate instructions for elements that are unsupported: '${instruction.elementId}'. Activate the element after it (or the event sub-process itself) instead.`,
      );
    }
    if (node.parentId !== undefined && process.elements[node.parentId]?.type === 'adHocSubProcess') {
      throw invalidArgument(
        `Expected to modify instance of process '${root.bpmn_process_id}' but it contains one or more activate instructions for elements inside ad-hoc sub-process '${node.parentId}': '${instruction.elementId}'. Activate them with POST /element-instances/ad-hoc-activities/{adHocSubProcessInstanceKey}/activation instead.`,
      );
    }
    const scope = flowScopeFor(ctx, root, node, instruction.ancestorElementInstanceKey);
    for (const v of instruction.variableInstructions) {
      if (v.scopeId && v.scopeId !== node.id && v.scopeId !== scope.element_id) {
        throw invalidArgument(
          `Expected to modify instance of process '${root.bpmn_process_id}' but it contains one or more variable instructions with a scope element id that could not be found: '${v.scopeId}'. Use '' (the process), the activated element or its flow scope.`,
        );
      }
    }
    return { node, scope, variables: instruction.variableInstructions };
  });
  const terminations = input.terminateInstructions.map(({ elementInstanceKey }) => {
    const ei = getElementInstance(ctx, elementInstanceKey);
    if (!ei || ei.process_instance_key !== processInstanceKey || ei.element_type === ROOT_TYPE || ei.state !== 'ACTIVE') {
      throw invalidArgument(
        `Expected to modify instance of process '${root.bpmn_process_id}' but it contains one or more terminate instructions with an element instance that could not be found: '${elementInstanceKey}'`,
      );
    }
    return ei;
  });

  for (const { node, scope, variables } of plans) {
    let local: Record<string, unknown> | undefined;
    for (const v of variables) {
      if (v.scopeId && v.scopeId === node.id) local = { ...local, ...v.variables };
      else setLocalVariables(ctx, v.scopeId ? scope.key : processInstanceKey, processInstanceKey, v.variables);
    }
    activate(ctx, scope, node.id, { localVars: local });
  }
  const scopes = new Set<number>();
  for (const ei of terminations) {
    const current = getElementInstance(ctx, ei.key)!;
    if (current.state !== 'ACTIVE') continue;
    terminate(ctx, current);
    if (current.flow_scope_key !== null) scopes.add(current.flow_scope_key);
  }
  for (const scopeKey of scopes) terminateIfEmpty(ctx, scopeKey);
}

/** Terminates a scope nothing runs in any more (no active child, no token waiting at a join), and so on upwards. */
function terminateIfEmpty(ctx: Ctx, scopeKey: number): void {
  for (let key: number | null = scopeKey; key !== null; ) {
    const scope = getElementInstance(ctx, key);
    if (!scope || scope.state !== 'ACTIVE') return;
    if (activeChildren(ctx, scope.key).length > 0) return;
    if (hasJoinTokens(ctx, scope.key)) return;
    // Activations of this command are queued, not yet entered: they are active children already.
    terminate(ctx, scope);
    key = scope.flow_scope_key;
  }
}

/**
 * The element instance a new token for `node` goes into: the process instance for top-level elements, else
 * the one active instance of the enclosing sub-process (or the one below `ancestorElementInstanceKey`).
 */
function flowScopeFor(ctx: Ctx, root: ElementInstanceRow, node: FlowNode, ancestor: string | undefined): ElementInstanceRow {
  if (node.parentId === undefined) return root;
  const candidates = activeInstancesOfElement(ctx, root.key, node.parentId, MI_BODY_TYPE);
  const wanted = ancestor && ancestor !== '-1' ? Number(ancestor) : undefined;
  const matching = wanted === undefined ? candidates : candidates.filter((c) => c.key === wanted || isBelow(ctx, c, wanted));
  if (matching.length === 1) return matching[0];
  if (matching.length === 0) {
    throw invalidArgument(
      `Expected to modify instance of process '${root.bpmn_process_id}' but the flow scope '${node.parentId}' of element '${node.id}' has no active instance${wanted !== undefined ? ` below ancestor '${wanted}'` : ''}. The embedded engine activates elements only inside scopes that are active; activate '${node.parentId}' itself instead.`,
    );
  }
  throw invalidArgument(
    `Expected to modify instance of process '${root.bpmn_process_id}' but the flow scope '${node.parentId}' of element '${node.id}' has ${matching.length} active instances. Give ancestorElementInstanceKey to choose one.`,
  );
}

function isBelow(ctx: Ctx, ei: ElementInstanceRow, ancestorKey: number): boolean {
  for (let key = ei.flow_scope_key; key !== null; ) {
    if (key === ancestorKey) return true;
    key = getElementInstance(ctx, key)?.flow_scope_key ?? null;
  }
  return false;
}

/**
 * POST /process-instances/{key}/migration: every active element is mapped to an element of the same type in
 * the target definition, inside the mapped flow scope; then the instance, its elements, jobs, user tasks,
 * waits and incidents point at the target. Elements with event waits (boundary events, catch events,
 * event-based gateways), multi-instance bodies and pending parallel joins are refused rather than migrated
 * half-way.
 */
export function migrateProcessInstance(ctx: Ctx, processInstanceKey: number, targetDefinitionKey: number, mappings: { sourceElementId: string; targetElementId: string }[]): void {
  const root = requireActiveInstance(ctx, processInstanceKey, 'migrate');
  const source = processOf(ctx, root);
  if (!isLiveDefinition(ctx, targetDefinitionKey)) {
    throw notFound(`Expected to migrate process instance to process definition with key '${targetDefinitionKey}', but no such process definition was found.`);
  }
  const target = ctx.definition(targetDefinitionKey);
  const prefix = `Expected to migrate process instance '${processInstanceKey}'`;
  const map = new Map<string, string>();
  for (const m of mappings) {
    if (map.has(m.sourceElementId)) throw invalidArgument(`${prefix} but the mapping instructions contain a source element id '${m.sourceElementId}' more than once.`);
    if (!source.elements[m.sourceElementId]) throw invalidArgument(`${prefix} but mapping instructions contain a non-existing source element id '${m.sourceElementId}'.`);
    if (!target.process.elements[m.targetElementId]) throw invalidArgument(`${prefix} but mapping instructions contain a non-existing target element id '${m.targetElementId}'.`);
    map.set(m.sourceElementId, m.targetElementId);
  }
  const active = activeElementsOfInstance(ctx, processInstanceKey);
  if (hasJoinTokensInInstance(ctx, processInstanceKey)) {
    throw invalidState(`${prefix} but a token waits at a parallel join; the embedded engine migrates instances only when no join is half-reached.`);
  }
  for (const ei of active) {
    const targetId = map.get(ei.element_id);
    if (targetId === undefined) {
      throw invalidState(`${prefix} but no mapping instruction defined for active element with id '${ei.element_id}'. Elements cannot be migrated without a mapping.`);
    }
    const from = source.elements[ei.element_id]!;
    const to = target.process.elements[targetId]!;
    if (apiElementType(from) !== apiElementType(to) || ei.element_type === MI_BODY_TYPE) {
      throw invalidState(`${prefix} but active element with id '${ei.element_id}' and type '${ei.element_type}' is mapped to an element with id '${targetId}' and different type '${apiElementType(to)}'. Elements must be mapped to elements of the same type.`);
    }
    const hasEvents = (n: FlowNode) => n.boundaryEventIds.length > 0 || n.type === 'eventBasedGateway' || n.type === 'intermediateCatchEvent' || n.type === 'receiveTask' || Boolean(n.multiInstance);
    if (hasEvents(from) || hasEvents(to)) {
      throw invalidState(`${prefix} but active element '${ei.element_id}' (or its target '${targetId}') waits for events or is a multi-instance; the embedded engine does not migrate those. Move the token on first (modification), then migrate.`);
    }
    const scope = active.find((s) => s.key === ei.flow_scope_key);
    const expectedParent = scope ? map.get(scope.element_id) : undefined;
    if ((to.parentId ?? undefined) !== expectedParent) {
      throw invalidState(`${prefix} but the flow scope of active element with id '${ei.element_id}' is changed. The flow scope of the active element is expected to be '${expectedParent ?? target.row.bpmn_process_id}' but was '${to.parentId ?? target.row.bpmn_process_id}'.`);
    }
  }
  if (waitCountOf(ctx, processInstanceKey) > 0) throw invalidState(`${prefix} but the process has event sub-processes waiting for events; the embedded engine does not migrate those.`);
  const row = target.row;
  const to = { definitionKey: row.key, bpmnProcessId: row.bpmn_process_id, version: row.version };
  migrateProcessInstanceRow(ctx, processInstanceKey, to, target.process.name ?? null);
  // Ended elements keep their history under the definition they ran in; only their process id follows.
  for (const ei of active) {
    const targetId = map.get(ei.element_id)!;
    const name = target.process.elements[targetId]!.name ?? null;
    migrateElementInstanceRows(ctx, ei.key, to, targetId, name);
  }
}

/**
 * POST /resources/{key}/deletion: a process definition or form stops being usable at once — no new
 * instances (NOT_FOUND), its start events stop listening, the previous version becomes the latest —
 * while instances already running finish on it (their history stays readable). Versions are never reused.
 */
export function deleteResource(ctx: Ctx, resourceKey: number): void {
  const definition = definitionDeletion(ctx, resourceKey);
  if (definition && definition.deleted_at === null) {
    const latest = latestLiveDefinitionKey(ctx, definition.bpmn_process_id);
    markDefinitionDeleted(ctx, resourceKey, ctx.now);
    if (latest === resourceKey) {
      closeStartEventWaitsOf(ctx, resourceKey);
      ctx.wakeScheduler = true;
      const previous = latestLiveDefinitionKey(ctx, definition.bpmn_process_id);
      if (previous !== undefined) openStartEventWaits(ctx, previous, ctx.definition(previous).process);
    }
    return;
  }
  const form = formDeletion(ctx, resourceKey);
  if (form && form.deleted_at === null) {
    markFormDeleted(ctx, resourceKey, ctx.now);
    return;
  }
  throw notFound(`Expected to delete resource but no resource found with key \`${resourceKey}\``);
}

function latestLiveDefinitionKey(ctx: Ctx, bpmnProcessId: string): number | undefined {
  return definitionKeyByBinding(ctx, bpmnProcessId, 'latest');
}
