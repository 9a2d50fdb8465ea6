import { nextKey } from '../store/db';
import { clearJobIncident, getJob, reopenJob, setJobIncident } from '../store/jobs';
import { clearElementIncident, getElementInstance, setElementIncident } from '../store/elementInstances';
import { activeIncidentsOfElement, getIncident, insertIncident, markIncidentResolved, refreshIncidentCountOf, type IncidentRow } from '../store/incidents';
import type { Ctx, ElementInstanceRow, Step } from './context';
import { notFound, type IncidentErrorType } from './errors';
export type { IncidentRow } from '../store/incidents';

/** Incidents: raised when an element cannot go on; resolving one retries the failed step. */

export function createIncident(ctx: Ctx, ei: ElementInstanceRow, errorType: IncidentErrorType, message: string, step: Step | null, jobKey?: number): number {
  const key = nextKey(ctx.db);
  insertIncident(ctx, {
    key, error_type: errorType, error_message: message, element_id: ei.element_id, element_instance_key: ei.key, process_instance_key: ei.process_instance_key,
    process_definition_key: ei.process_definition_key, bpmn_process_id: ei.bpmn_process_id, job_key: jobKey ?? null, retry_step: step, creation_time: ctx.now,
  });
  setElementIncident(ctx, ei.key, key);
  if (jobKey !== undefined) setJobIncident(ctx, jobKey, key);
  refreshIncidentCount(ctx, ei.process_instance_key);
  return key;
}

/**
 * `incident_count` (→ hasIncident) counts open incidents of the instance and of the instances it
 * called, like Operate marks a parent whose called instance is stuck. Recomputed up the call chain.
 */
function refreshIncidentCount(ctx: Ctx, processInstanceKey: number): void {
  for (let key: number | null = processInstanceKey; key !== null; ) key = refreshIncidentCountOf(ctx, key);
}

function markResolved(ctx: Ctx, incident: IncidentRow): void {
  markIncidentResolved(ctx, incident.key);
  clearElementIncident(ctx, incident.element_instance_key, incident.key);
  clearJobIncident(ctx, incident.key);
  refreshIncidentCount(ctx, incident.process_instance_key);
}

/** Terminating an element resolves its incidents (nothing is left to retry). */
export function resolveIncidentsOfElement(ctx: Ctx, elementInstanceKey: number): void {
  for (const incident of activeIncidentsOfElement(ctx, elementInstanceKey)) markResolved(ctx, incident);
}

/** Incidents of a job (of any kind) that ran out of retries. */
const NO_RETRIES: ReadonlySet<string> = new Set(['JOB_NO_RETRIES', 'EXECUTION_LISTENER_NO_RETRIES', 'TASK_LISTENER_NO_RETRIES']);

/** POST /incidents/{key}/resolution: a job incident makes the job activatable again, other incidents retry their step. */
export function resolveIncident(ctx: Ctx, key: number): void {
  const incident = getIncident(ctx, key);
  if (!incident) throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found.`);
  if (incident.state !== 'ACTIVE') throw notFound(`Expected to resolve incident with key '${key}', but it is already resolved.`);
  if (incident.job_key !== null && NO_RETRIES.has(incident.error_type)) {
    // The job becomes activatable again, with the retries it has now (0 unless they were updated).
    markResolved(ctx, incident);
    const job = getJob(ctx, incident.job_key);
    if (job) {
      reopenJob(ctx, incident.job_key, false);
      ctx.jobTypesActivatable.add(job.type);
    }
    return;
  }
  markResolved(ctx, incident);
  const ei = getElementInstance(ctx, incident.element_instance_key);
  if (!ei || ei.state !== 'ACTIVE') return;
  if (incident.job_key !== null) {
    // Unhandled BPMN error thrown by a job: give the job back to the workers.
    const job = getJob(ctx, incident.job_key);
    reopenJob(ctx, incident.job_key, true);
    if (job) ctx.jobTypesActivatable.add(job.type);
    return;
  }
  if (incident.retry_step) ctx.flow.schedule(ctx, ei.key, incident.retry_step);
}
