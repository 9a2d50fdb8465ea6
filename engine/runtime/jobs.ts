import { prepare } from '../store/db';
import type { Ctx } from './context';
import { invalidArgument, invalidState, notFound } from './errors';
import { getElementInstance, updateData } from '../store/elementInstances';
import { createIncident } from './incidents';
import { parseData } from './model';
import { setLocalVariables, visibleVariables } from './variables';
import { throwError } from './events';
import { ElementFailure } from './errors';

/** Job commands: activation, completion, failure (retries, back-off, incident), BPMN error, update. */

export interface JobRow {
  key: number;
  type: string;
  state: string;
  retries: number;
  worker: string;
  deadline: number | null;
  retry_at: number | null;
  error_message: string | null;
  error_code: string | null;
  end_time: number | null;
  incident_key: number | null;
  custom_headers: string;
  element_instance_key: number;
  element_id: string;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  version: number;
  /** JSON array: the process instance's tags when the job was created. */
  tags: string;
}

/**
 * A job a worker may take: not activated, back-off elapsed, no open incident. Retries are not part of
 * it: a job without retries always has an incident, and once that is resolved Zeebe hands the job
 * out again even with 0 retries (failing it again raises a new incident).
 */
const ACTIVATABLE = `state IN ('CREATED', 'FAILED', 'TIMED_OUT', 'RETRIES_UPDATED') AND deadline IS NULL
  AND incident_key IS NULL AND (retry_at IS NULL OR retry_at <= ?)`;

export interface ActivatedJob {
  job: JobRow;
  variables: Record<string, unknown>;
}

export function activateJobs(
  ctx: Ctx,
  request: { type: string; worker: string; timeout: number; maxJobsToActivate: number; fetchVariable?: string[] },
): ActivatedJob[] {
  const rows = prepare(ctx.db, `SELECT * FROM jobs WHERE type = ? AND ${ACTIVATABLE} ORDER BY key LIMIT ?`)
    .all(request.type, ctx.now, request.maxJobsToActivate) as JobRow[];
  const activate = prepare(ctx.db, `UPDATE jobs SET deadline = ?, worker = ?, retry_at = NULL WHERE key = ?`);
  if (rows.length > 0) ctx.wakeScheduler = true;
  return rows.map((job) => {
    job.deadline = ctx.now + request.timeout;
    job.worker = request.worker;
    activate.run(job.deadline, job.worker, job.key);
    const visible = visibleVariables(ctx, job.element_instance_key);
    const wanted = request.fetchVariable && request.fetchVariable.length > 0 ? new Set(request.fetchVariable) : undefined;
    // Read inside the transaction (visible values are lazy); only the wanted ones when the worker names them.
    const variables = Object.fromEntries(Object.keys(visible).filter((name) => !wanted || wanted.has(name)).map((name) => [name, visible[name]]));
    return { job, variables };
  });
}

/** Earliest end of a retry back-off still pending (the scheduler wakes then to announce the job). */
export function nextRetryAt(ctx: Pick<Ctx, 'db'>): number | undefined {
  const row = prepare(ctx.db, `SELECT MIN(retry_at) AS at FROM jobs WHERE retry_at IS NOT NULL`).get() as { at: number | null };
  return row.at ?? undefined;
}

/** Jobs whose back-off ended are activatable now: clear the back-off and announce their types once. */
export function releaseBackedOffJobs(ctx: Ctx): void {
  const rows = prepare(ctx.db, `SELECT DISTINCT type FROM jobs WHERE retry_at IS NOT NULL AND retry_at <= ?`).all(ctx.now) as { type: string }[];
  if (rows.length === 0) return;
  prepare(ctx.db, 'UPDATE jobs SET retry_at = NULL WHERE retry_at IS NOT NULL AND retry_at <= ?').run(ctx.now);
  for (const row of rows) ctx.jobTypesActivatable.add(row.type);
}

function requireJob(ctx: Ctx, key: number, action: string): JobRow {
  const job = prepare(ctx.db, 'SELECT * FROM jobs WHERE key = ?').get(key) as JobRow | undefined;
  if (!job || job.state === 'COMPLETED' || job.state === 'CANCELED' || job.state === 'ERROR_THROWN') {
    throw notFound(`Expected to ${action} job with key '${key}', but no such job was found (it may have been completed or canceled already).`);
  }
  return job;
}

function requireNoIncident(job: JobRow, action: string): void {
  if (job.incident_key !== null) {
    throw invalidState(
      `Expected to ${action} job with key '${job.key}', but it has an open incident (${job.incident_key}). Update its retries and resolve the incident first.`,
    );
  }
}

export function completeJob(ctx: Ctx, key: number, variables: Record<string, unknown>): void {
  const job = requireJob(ctx, key, 'complete');
  requireNoIncident(job, 'complete');
  prepare(ctx.db, `UPDATE jobs SET state = 'COMPLETED', deadline = NULL, end_time = ? WHERE key = ?`).run(ctx.now, key);
  const ei = getElementInstance(ctx, job.element_instance_key)!;
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: variables });
  ctx.flow.schedule(ctx, ei.key, 'leave');
}

export function failJob(ctx: Ctx, key: number, request: { retries: number; errorMessage?: string; retryBackOff: number; variables?: Record<string, unknown> }): void {
  const job = requireJob(ctx, key, 'fail');
  requireNoIncident(job, 'fail');
  const retryAt = request.retries > 0 && request.retryBackOff > 0 ? ctx.now + request.retryBackOff : null;
  prepare(ctx.db, `UPDATE jobs SET state = 'FAILED', retries = ?, error_message = ?, deadline = NULL, retry_at = ? WHERE key = ?`)
    .run(request.retries, request.errorMessage ?? null, retryAt, key);
  if (request.variables) setLocalVariables(ctx, job.element_instance_key, job.process_instance_key, request.variables);
  if (request.retries <= 0) {
    const ei = getElementInstance(ctx, job.element_instance_key)!;
    const message = request.errorMessage || 'No more retries left.';
    createIncident(ctx, ei, 'JOB_NO_RETRIES', message, null, key);
  } else if (retryAt === null) {
    ctx.jobTypesActivatable.add(job.type);
  } else {
    ctx.wakeScheduler = true;
  }
}

export function throwJobError(ctx: Ctx, key: number, request: { errorCode: string; errorMessage?: string; variables?: Record<string, unknown> }): void {
  const job = requireJob(ctx, key, 'throw an error for');
  requireNoIncident(job, 'throw an error for');
  prepare(ctx.db, `UPDATE jobs SET state = 'ERROR_THROWN', deadline = NULL, error_message = ?, error_code = ?, end_time = ? WHERE key = ?`)
    .run(request.errorMessage ?? null, request.errorCode, ctx.now, key);
  const ei = getElementInstance(ctx, job.element_instance_key)!;
  try {
    ctx.db.transaction(() => throwError(ctx, ei, request.errorCode, request.errorMessage ?? '', request.variables ?? {}))();
  } catch (error) {
    if (!(error instanceof ElementFailure)) throw error;
    createIncident(ctx, ei, error.errorType, error.message, null, key);
  }
}

export function updateJob(ctx: Ctx, key: number, changeset: { retries?: number | null; timeout?: number | null }): void {
  const job = requireJob(ctx, key, 'update');
  if (changeset.retries === undefined && changeset.timeout === undefined) {
    throw invalidArgument('The changeset is empty: set at least one of retries or timeout.');
  }
  if (changeset.retries !== undefined && changeset.retries !== null) {
    if (changeset.retries < 1) throw invalidArgument(`Expected retries to be at least 1, but it was ${changeset.retries}.`);
    prepare(ctx.db, `UPDATE jobs SET retries = ?, state = CASE WHEN deadline IS NULL THEN 'RETRIES_UPDATED' ELSE state END WHERE key = ?`).run(changeset.retries, key);
    if (job.incident_key === null) ctx.jobTypesActivatable.add(job.type);
  }
  if (changeset.timeout !== undefined && changeset.timeout !== null) {
    if (job.deadline === null) throw invalidState(`Expected to update the timeout of job '${key}', but it is not activated.`);
    prepare(ctx.db, 'UPDATE jobs SET deadline = ? WHERE key = ?').run(ctx.now + changeset.timeout, key);
    ctx.wakeScheduler = true;
  }
}

/** Activated jobs whose deadline passed go back to the workers. Returns the affected job types. */
export function timeOutJobs(ctx: Ctx): void {
  const rows = prepare(ctx.db, `SELECT key, type FROM jobs WHERE deadline IS NOT NULL AND deadline <= ?`).all(ctx.now) as { key: number; type: string }[];
  for (const row of rows) {
    prepare(ctx.db, `UPDATE jobs SET state = 'TIMED_OUT', deadline = NULL WHERE key = ?`).run(row.key);
    ctx.jobTypesActivatable.add(row.type);
  }
}

export function nextJobDeadline(ctx: Pick<Ctx, 'db'>): number | undefined {
  const row = prepare(ctx.db, `SELECT MIN(deadline) AS at FROM jobs WHERE deadline IS NOT NULL`).get() as { at: number | null };
  return row.at ?? undefined;
}
