import { nextKey, prepare } from '../store/db';
import type { Ctx, ElementInstanceRow } from './context';
import { notFound, type IncidentErrorType } from './errors';
import { getElementInstance, runStep, type Step } from './elements';

/** Incidents: raised when an element cannot go on; resolving one retries the failed step. */

export interface IncidentRow {
  key: number;
  state: 'ACTIVE' | 'RESOLVED';
  error_type: IncidentErrorType;
  error_message: string;
  element_id: string;
  element_instance_key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  job_key: number | null;
  retry_step: Step | null;
  creation_time: number;
}

export function createIncident(ctx: Ctx, ei: ElementInstanceRow, errorType: IncidentErrorType, message: string, step: Step | null, jobKey?: number): number {
  const key = nextKey(ctx.db);
  prepare(ctx.db, 
      `INSERT INTO incidents (key, state, error_type, error_message, element_id, element_instance_key, process_instance_key,
         process_definition_key, bpmn_process_id, job_key, retry_step, creation_time)
       VALUES (?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(key, errorType, message, ei.element_id, ei.key, ei.process_instance_key, ei.process_definition_key, ei.bpmn_process_id,
      jobKey ?? null, step, ctx.now);
  prepare(ctx.db, 'UPDATE element_instances SET incident_key = ? WHERE key = ?').run(key, ei.key);
  if (jobKey !== undefined) prepare(ctx.db, 'UPDATE jobs SET incident_key = ? WHERE key = ?').run(key, jobKey);
  refreshIncidentCount(ctx, ei.process_instance_key);
  return key;
}

/**
 * `incident_count` (→ hasIncident) counts open incidents of the instance and of the instances it
 * called, like Operate marks a parent whose called instance is stuck. Recomputed up the call chain.
 */
function refreshIncidentCount(ctx: Ctx, processInstanceKey: number): void {
  for (let key: number | null = processInstanceKey; key !== null; ) {
    prepare(
      ctx.db,
      `UPDATE process_instances SET incident_count =
         (SELECT COUNT(*) FROM incidents WHERE process_instance_key = ? AND state = 'ACTIVE')
         + (SELECT COALESCE(SUM(incident_count), 0) FROM process_instances WHERE parent_process_instance_key = ? AND state = 'ACTIVE')
       WHERE key = ?`,
    ).run(key, key, key);
    const row = prepare(ctx.db, 'SELECT parent_process_instance_key AS parent FROM process_instances WHERE key = ?').get(key) as { parent: number | null } | undefined;
    key = row?.parent ?? null;
  }
}

function markResolved(ctx: Ctx, incident: IncidentRow): void {
  prepare(ctx.db, `UPDATE incidents SET state = 'RESOLVED' WHERE key = ?`).run(incident.key);
  prepare(ctx.db, 'UPDATE element_instances SET incident_key = NULL WHERE key = ? AND incident_key = ?').run(incident.element_instance_key, incident.key);
  prepare(ctx.db, 'UPDATE jobs SET incident_key = NULL WHERE incident_key = ?').run(incident.key);
  refreshIncidentCount(ctx, incident.process_instance_key);
}

/** Terminating an element resolves its incidents (nothing is left to retry). */
export function resolveIncidentsOfElement(ctx: Ctx, elementInstanceKey: number): void {
  const incidents = prepare(ctx.db, `SELECT * FROM incidents WHERE element_instance_key = ? AND state = 'ACTIVE'`).all(elementInstanceKey) as IncidentRow[];
  for (const incident of incidents) markResolved(ctx, incident);
}

/** POST /incidents/{key}/resolution: a job incident makes the job activatable again, other incidents retry their step. */
export function resolveIncident(ctx: Ctx, key: number): void {
  const incident = prepare(ctx.db, 'SELECT * FROM incidents WHERE key = ?').get(key) as IncidentRow | undefined;
  if (!incident) throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found.`);
  if (incident.state !== 'ACTIVE') throw notFound(`Expected to resolve incident with key '${key}', but it is already resolved.`);
  if (incident.job_key !== null && incident.error_type === 'JOB_NO_RETRIES') {
    // The job becomes activatable again, with the retries it has now (0 unless they were updated).
    markResolved(ctx, incident);
    const job = prepare(ctx.db, 'SELECT type FROM jobs WHERE key = ?').get(incident.job_key) as { type: string } | undefined;
    if (job) {
      prepare(ctx.db, `UPDATE jobs SET state = 'RETRIES_UPDATED', retry_at = NULL, deadline = NULL WHERE key = ?`).run(incident.job_key);
      ctx.jobTypesActivatable.add(job.type);
    }
    return;
  }
  markResolved(ctx, incident);
  const ei = getElementInstance(ctx, incident.element_instance_key);
  if (!ei || ei.state !== 'ACTIVE') return;
  if (incident.job_key !== null) {
    // Unhandled BPMN error thrown by a job: give the job back to the workers.
    const job = prepare(ctx.db, 'SELECT type FROM jobs WHERE key = ?').get(incident.job_key) as { type: string } | undefined;
    prepare(ctx.db, `UPDATE jobs SET state = 'RETRIES_UPDATED', deadline = NULL, retries = MAX(retries, 1) WHERE key = ?`).run(incident.job_key);
    if (job) ctx.jobTypesActivatable.add(job.type);
    return;
  }
  if (incident.retry_step) ctx.queue.push(() => runStep(ctx, ei.key, incident.retry_step!));
}
