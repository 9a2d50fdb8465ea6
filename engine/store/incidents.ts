import { prepare } from './db';
import type { Store } from './elementInstances';

export type IncidentState = 'ACTIVE' | 'RESOLVED';
/** The lifecycle step an incident retries when resolved. */
/** The lifecycle step an incident retries; `taskListener`: the user task's pending transition (its next task listener). */
export type RetryStep = 'enter' | 'leave' | 'taskListener';

export interface IncidentRow {
  key: number;
  state: IncidentState;
  /** One of the runtime's IncidentErrorType values. */
  error_type: string;
  error_message: string;
  element_id: string;
  element_instance_key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  job_key: number | null;
  retry_step: RetryStep | null;
  creation_time: number;
}

export type NewIncident = Omit<IncidentRow, 'state'>;

export function insertIncident(s: Store, i: NewIncident): void {
  prepare(
    s.db,
    `INSERT INTO incidents (key, state, error_type, error_message, element_id, element_instance_key, process_instance_key,
       process_definition_key, bpmn_process_id, job_key, retry_step, creation_time)
     VALUES (?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(i.key, i.error_type, i.error_message, i.element_id, i.element_instance_key, i.process_instance_key, i.process_definition_key, i.bpmn_process_id,
    i.job_key, i.retry_step, i.creation_time);
}

export function getIncident(s: Store, key: number): IncidentRow | undefined {
  return prepare(s.db, 'SELECT * FROM incidents WHERE key = ?').get(key) as IncidentRow | undefined;
}

export function activeIncidentsOfElement(s: Store, elementInstanceKey: number): IncidentRow[] {
  return prepare(s.db, `SELECT * FROM incidents WHERE element_instance_key = ? AND state = 'ACTIVE'`).all(elementInstanceKey) as IncidentRow[];
}

export function markIncidentResolved(s: Store, key: number): void {
  prepare(s.db, `UPDATE incidents SET state = 'RESOLVED' WHERE key = ?`).run(key);
}

/**
 * `incident_count` (→ hasIncident) of one process instance: its open incidents plus those of the active
 * instances it called. Returns the calling instance, whose count depends on this one.
 */
export function refreshIncidentCountOf(s: Store, processInstanceKey: number): number | null {
  prepare(
    s.db,
    `UPDATE process_instances SET incident_count =
       (SELECT COUNT(*) FROM incidents WHERE process_instance_key = ? AND state = 'ACTIVE')
       + (SELECT COALESCE(SUM(incident_count), 0) FROM process_instances WHERE parent_process_instance_key = ? AND state = 'ACTIVE')
     WHERE key = ?`,
  ).run(processInstanceKey, processInstanceKey, processInstanceKey);
  const row = prepare(s.db, 'SELECT parent_process_instance_key AS parent FROM process_instances WHERE key = ?').get(processInstanceKey) as { parent: number | null } | undefined;
  return row?.parent ?? null;
}
