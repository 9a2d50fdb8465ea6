import { nextKey } from '../store/db';
import { getElementInstance, insertElementInstance } from '../store/elementInstances';
import { definitionKeyByBinding, endProcessInstance, insertProcessInstance, isLiveDefinition as isLive, processInstanceLink } from '../store/processInstances';
import type { Ctx, DeployedProcess, ElementInstanceRow } from './context';
import { invalidState, notFound } from './errors';
import { ROOT_TYPE } from './model';
import { setLocalVariables } from './variables';

/** Process instance lifecycle: create (normal, message/timer/signal start, call activity), complete, cancel. */

/** The latest version that is not deleted. */
export function latestDefinitionById(ctx: Ctx, bpmnProcessId: string): DeployedProcess | undefined {
  const key = definitionKeyByBinding(ctx, bpmnProcessId, 'latest');
  return key === undefined ? undefined : ctx.definition(key);
}

/** A call activity's target by its zeebe:calledElement binding (latest, same deployment, or version tag). */
export function calledDefinition(ctx: Ctx, caller: DeployedProcess, bpmnProcessId: string, binding: 'latest' | 'deployment' | 'versionTag' | undefined, versionTag?: string): DeployedProcess | undefined {
  if (binding === 'deployment' || binding === 'versionTag') {
    const key = definitionKeyByBinding(ctx, bpmnProcessId, binding, binding === 'deployment' ? caller.row.deployment_key : (versionTag ?? ''));
    return key === undefined ? undefined : ctx.definition(key);
  }
  return latestDefinitionById(ctx, bpmnProcessId);
}

/** Deleted definitions keep serving the instances already running on them, but start nothing new. */
export function isLiveDefinition(ctx: Ctx, key: number): boolean {
  return isLive(ctx, key);
}

export function createProcessInstance(
  ctx: Ctx,
  deployed: DeployedProcess,
  variables: Record<string, unknown>,
  opts: { parentElementInstance?: ElementInstanceRow; startEventId?: string; startVars?: Record<string, unknown>; tags?: string[] } = {},
): number {
  const key = nextKey(ctx.db);
  const parent = opts.parentElementInstance;
  insertProcessInstance(ctx, {
    key, processDefinitionKey: deployed.row.key, bpmnProcessId: deployed.row.bpmn_process_id, version: deployed.row.version, startDate: ctx.now,
    parentProcessInstanceKey: parent?.process_instance_key ?? null, parentElementInstanceKey: parent?.key ?? null, tags: opts.tags ?? [],
  });
  // The process instance is the root element instance (key = process instance key), as in Zeebe.
  insertElementInstance(ctx, {
    key, processInstanceKey: key, processDefinitionKey: deployed.row.key, bpmnProcessId: deployed.row.bpmn_process_id, elementId: deployed.row.bpmn_process_id,
    elementName: deployed.process.name ?? null, elementType: ROOT_TYPE, flowScopeKey: null, startDate: ctx.now,
    data: { startEventId: opts.startEventId, startVars: opts.startVars },
  });
  setLocalVariables(ctx, key, key, variables);
  ctx.flow.schedule(ctx, key, 'enter');
  return key;
}

/** Marks the instance completed; returns the calling element instance, if a call activity started it. */
export function completeProcessInstanceRow(ctx: Ctx, key: number): number | undefined {
  endProcessInstance(ctx, key, 'COMPLETED', ctx.now);
  ctx.endedProcessInstances.add(key);
  return processInstanceLink(ctx, key)?.parentElementInstanceKey ?? undefined;
}

export function terminateProcessInstanceRow(ctx: Ctx, key: number): void {
  endProcessInstance(ctx, key, 'TERMINATED', ctx.now);
  ctx.endedProcessInstances.add(key);
}

export function cancelProcessInstance(ctx: Ctx, key: number): void {
  const row = processInstanceLink(ctx, key);
  if (!row || row.state !== 'ACTIVE') {
    throw notFound(`Expected to cancel a process instance with key '${key}', but no such process was found (it may have completed or been canceled already).`);
  }
  if (row.parentProcessInstanceKey !== null) {
    throw invalidState(
      `Expected to cancel a process instance with key '${key}', but it is created by a parent process instance (${row.parentProcessInstanceKey}). Cancel the root process instance instead.`,
    );
  }
  ctx.flow.terminate(ctx, getElementInstance(ctx, key)!);
}
