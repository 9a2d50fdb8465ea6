import { nextKey, prepare } from '../store/db';
import type { Ctx, DeployedProcess, ElementInstanceRow, ProcessDefinitionRow } from './context';
import { invalidState, notFound } from './errors';
import { getElementInstance, insertRootInstance, runStep, terminate } from './elements';
import { setLocalVariables } from './variables';

/** Process instance lifecycle: create (normal, message/timer/signal start, call activity), complete, cancel. */

/** The latest version that is not deleted. */
export function latestDefinitionById(ctx: Ctx, bpmnProcessId: string): DeployedProcess | undefined {
  const row = prepare(ctx.db, 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1')
    .get(bpmnProcessId) as Pick<ProcessDefinitionRow, 'key'> | undefined;
  return row ? ctx.definition(row.key) : undefined;
}

/** A call activity's target by its zeebe:calledElement binding (latest, same deployment, or version tag). */
export function calledDefinition(ctx: Ctx, caller: DeployedProcess, bpmnProcessId: string, binding: 'latest' | 'deployment' | 'versionTag' | undefined, versionTag?: string): DeployedProcess | undefined {
  if (binding === 'deployment') {
    const row = prepare(ctx.db, 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND deployment_key = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1')
      .get(bpmnProcessId, caller.row.deployment_key) as Pick<ProcessDefinitionRow, 'key'> | undefined;
    return row ? ctx.definition(row.key) : undefined;
  }
  if (binding === 'versionTag') {
    const row = prepare(ctx.db, 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND version_tag = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1')
      .get(bpmnProcessId, versionTag ?? '') as Pick<ProcessDefinitionRow, 'key'> | undefined;
    return row ? ctx.definition(row.key) : undefined;
  }
  return latestDefinitionById(ctx, bpmnProcessId);
}

/** Deleted definitions keep serving the instances already running on them, but start nothing new. */
export function isLiveDefinition(ctx: Ctx, key: number): boolean {
  return prepare(ctx.db, 'SELECT 1 FROM process_definitions WHERE key = ? AND deleted_at IS NULL').get(key) !== undefined;
}

export function createProcessInstance(
  ctx: Ctx,
  deployed: DeployedProcess,
  variables: Record<string, unknown>,
  opts: { parentElementInstance?: ElementInstanceRow; startEventId?: string; startVars?: Record<string, unknown>; tags?: string[] } = {},
): number {
  const key = nextKey(ctx.db);
  const parent = opts.parentElementInstance;
  prepare(ctx.db, 
      `INSERT INTO process_instances (key, process_definition_key, bpmn_process_id, version, state, start_date,
         parent_process_instance_key, parent_element_instance_key, tags)
       VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?)`,
    )
    .run(key, deployed.row.key, deployed.row.bpmn_process_id, deployed.row.version, ctx.now, parent?.process_instance_key ?? null, parent?.key ?? null,
      JSON.stringify(opts.tags ?? []));
  insertRootInstance(ctx, key, deployed.row.key, deployed.row.bpmn_process_id, { startEventId: opts.startEventId, startVars: opts.startVars });
  setLocalVariables(ctx, key, key, variables);
  ctx.queue.push(() => runStep(ctx, key, 'enter'));
  return key;
}

/** Marks the instance completed; returns the calling element instance, if a call activity started it. */
export function completeProcessInstanceRow(ctx: Ctx, key: number): number | undefined {
  prepare(ctx.db, `UPDATE process_instances SET state = 'COMPLETED', end_date = ? WHERE key = ?`).run(ctx.now, key);
  ctx.endedProcessInstances.add(key);
  const row = prepare(ctx.db, 'SELECT parent_element_instance_key AS parent FROM process_instances WHERE key = ?').get(key) as { parent: number | null };
  return row.parent ?? undefined;
}

export function terminateProcessInstanceRow(ctx: Ctx, key: number): void {
  prepare(ctx.db, `UPDATE process_instances SET state = 'TERMINATED', end_date = ? WHERE key = ?`).run(ctx.now, key);
  ctx.endedProcessInstances.add(key);
}

export function cancelProcessInstance(ctx: Ctx, key: number): void {
  const row = prepare(ctx.db, 'SELECT state, parent_process_instance_key AS parent FROM process_instances WHERE key = ?').get(key) as
    | { state: string; parent: number | null }
    | undefined;
  if (!row || row.state !== 'ACTIVE') {
    throw notFound(`Expected to cancel a process instance with key '${key}', but no such process was found (it may have completed or been canceled already).`);
  }
  if (row.parent !== null) {
    throw invalidState(
      `Expected to cancel a process instance with key '${key}', but it is created by a parent process instance (${row.parent}). Cancel the root process instance instead.`,
    );
  }
  terminate(ctx, getElementInstance(ctx, key)!);
}
