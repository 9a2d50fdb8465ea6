import { prepare } from './db';
import type { Store } from './elementInstances';

/** The job table: jobs of service-like tasks, their activation, retries, back-offs and ends. */

export type JobState = 'CREATED' | 'FAILED' | 'TIMED_OUT' | 'RETRIES_UPDATED' | 'COMPLETED' | 'CANCELED' | 'ERROR_THROWN';
export type EndedJobState = Extract<JobState, 'COMPLETED' | 'CANCELED' | 'ERROR_THROWN'>;
/** Camunda 8.8 job kinds the engine creates. */
export type JobKind = 'BPMN_ELEMENT' | 'EXECUTION_LISTENER' | 'TASK_LISTENER';
export type JobListenerEventType = 'UNSPECIFIED' | 'START' | 'END' | 'CREATING' | 'ASSIGNING' | 'UPDATING' | 'COMPLETING' | 'CANCELING';

export interface JobRow {
  key: number;
  type: string;
  state: JobState;
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
  kind: JobKind;
  listener_event_type: JobListenerEventType;
}

export interface NewJob {
  key: number;
  type: string;
  retries: number;
  customHeaders: Record<string, string>;
  elementInstanceKey: number;
  elementId: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  createdAt: number;
  /** Default BPMN_ELEMENT / UNSPECIFIED. */
  kind?: JobKind;
  listenerEventType?: JobListenerEventType;
}

/** Inserts a job; it carries the process instance's tags as they are now. */
export function insertJob(s: Store, job: NewJob): void {
  prepare(
    s.db,
    `INSERT INTO jobs (key, type, state, retries, custom_headers, element_instance_key, element_id, process_instance_key,
       process_definition_key, bpmn_process_id, version, created_at, tags, kind, listener_event_type)
     VALUES (?, ?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT tags FROM process_instances WHERE key = ?), ?, ?)`,
  ).run(job.key, job.type, job.retries, JSON.stringify(job.customHeaders), job.elementInstanceKey, job.elementId, job.processInstanceKey,
    job.processDefinitionKey, job.bpmnProcessId, job.version, job.createdAt, job.processInstanceKey, job.kind ?? 'BPMN_ELEMENT',
    job.listenerEventType ?? 'UNSPECIFIED');
}

/**
 * A job a worker may take: not activated, back-off elapsed, no open incident. Retries are not part of
 * it: a job without retries always has an incident, and once that is resolved Zeebe hands the job
 * out again even with 0 retries (failing it again raises a new incident).
 */
const ACTIVATABLE = `state IN ('CREATED', 'FAILED', 'TIMED_OUT', 'RETRIES_UPDATED') AND deadline IS NULL
  AND incident_key IS NULL AND (retry_at IS NULL OR retry_at <= ?)`;

export function activatableJobs(s: Store, type: string, now: number, limit: number): JobRow[] {
  return prepare(s.db, `SELECT * FROM jobs WHERE type = ? AND ${ACTIVATABLE} ORDER BY key LIMIT ?`).all(type, now, limit) as JobRow[];
}

export function lockJob(s: Store, key: number, deadline: number, worker: string): void {
  prepare(s.db, `UPDATE jobs SET deadline = ?, worker = ?, retry_at = NULL WHERE key = ?`).run(deadline, worker, key);
}

export function getJob(s: Store, key: number): JobRow | undefined {
  return prepare(s.db, 'SELECT * FROM jobs WHERE key = ?').get(key) as JobRow | undefined;
}

export function endJob(s: Store, key: number, state: Extract<EndedJobState, 'COMPLETED'>, now: number): void {
  prepare(s.db, `UPDATE jobs SET state = ?, deadline = NULL, end_time = ? WHERE key = ?`).run(state, now, key);
}

export function recordJobFailure(s: Store, key: number, retries: number, errorMessage: string | null, retryAt: number | null): void {
  prepare(s.db, `UPDATE jobs SET state = 'FAILED', retries = ?, error_message = ?, deadline = NULL, retry_at = ? WHERE key = ?`).run(retries, errorMessage, retryAt, key);
}

export function recordJobError(s: Store, key: number, errorCode: string, errorMessage: string | null, now: number): void {
  prepare(s.db, `UPDATE jobs SET state = 'ERROR_THROWN', deadline = NULL, error_message = ?, error_code = ?, end_time = ? WHERE key = ?`)
    .run(errorMessage, errorCode, now, key);
}

/** New retries; a job not activated right now becomes RETRIES_UPDATED (activatable again). */
export function setJobRetries(s: Store, key: number, retries: number): void {
  prepare(s.db, `UPDATE jobs SET retries = ?, state = CASE WHEN deadline IS NULL THEN 'RETRIES_UPDATED' ELSE state END WHERE key = ?`).run(retries, key);
}

export function setJobDeadline(s: Store, key: number, deadline: number): void {
  prepare(s.db, 'UPDATE jobs SET deadline = ? WHERE key = ?').run(deadline, key);
}

export function setJobIncident(s: Store, key: number, incidentKey: number): void {
  prepare(s.db, 'UPDATE jobs SET incident_key = ? WHERE key = ?').run(incidentKey, key);
}

export function clearJobIncident(s: Store, incidentKey: number): void {
  prepare(s.db, 'UPDATE jobs SET incident_key = NULL WHERE incident_key = ?').run(incidentKey);
}

/**
 * The job goes back to the workers after its incident was resolved; `atLeastOneRetry` for a job whose BPMN
 * error found no catch event (it still had retries).
 */
export function reopenJob(s: Store, key: number, atLeastOneRetry: boolean): void {
  if (atLeastOneRetry) prepare(s.db, `UPDATE jobs SET state = 'RETRIES_UPDATED', deadline = NULL, retries = MAX(retries, 1) WHERE key = ?`).run(key);
  else prepare(s.db, `UPDATE jobs SET state = 'RETRIES_UPDATED', retry_at = NULL, deadline = NULL WHERE key = ?`).run(key);
}

export function nextRetryAt(s: Store): number | undefined {
  return (prepare(s.db, `SELECT MIN(retry_at) AS at FROM jobs WHERE retry_at IS NOT NULL`).get() as { at: number | null }).at ?? undefined;
}

/** Ends the back-offs that are over; returns the job types that became activatable. */
export function releaseBackOffs(s: Store, now: number): string[] {
  const rows = prepare(s.db, `SELECT DISTINCT type FROM jobs WHERE retry_at IS NOT NULL AND retry_at <= ?`).all(now) as { type: string }[];
  if (rows.length > 0) prepare(s.db, 'UPDATE jobs SET retry_at = NULL WHERE retry_at IS NOT NULL AND retry_at <= ?').run(now);
  return rows.map((r) => r.type);
}

/** Activated jobs whose deadline passed become TIMED_OUT; returns their types. */
export function timeOutDueJobs(s: Store, now: number): string[] {
  const rows = prepare(s.db, `SELECT key, type FROM jobs WHERE deadline IS NOT NULL AND deadline <= ?`).all(now) as { key: number; type: string }[];
  const timeOut = prepare(s.db, `UPDATE jobs SET state = 'TIMED_OUT', deadline = NULL WHERE key = ?`);
  for (const row of rows) timeOut.run(row.key);
  return rows.map((r) => r.type);
}

export function nextJobDeadline(s: Store): number | undefined {
  return (prepare(s.db, `SELECT MIN(deadline) AS at FROM jobs WHERE deadline IS NOT NULL`).get() as { at: number | null }).at ?? undefined;
}
