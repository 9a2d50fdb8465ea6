import { prepare } from './db';
import type { ElementInstanceRow, Store } from './elementInstances';

/** State reads and writes of the operator commands: batch resolution, modification, migration, resource deletion. */

export function activeIncidentKeysOfInstance(s: Store, processInstanceKey: number): number[] {
  return (prepare(s.db, `SELECT key FROM incidents WHERE process_instance_key = ? AND state = 'ACTIVE' ORDER BY key`).all(processInstanceKey) as { key: number }[])
    .map((r) => r.key);
}

/** Active instances of an element in a process instance, multi-instance bodies excluded. */
export function activeInstancesOfElement(s: Store, processInstanceKey: number, elementId: string, exceptType: string): ElementInstanceRow[] {
  return prepare(s.db, `SELECT * FROM element_instances WHERE process_instance_key = ? AND element_id = ? AND state = 'ACTIVE' AND element_type <> ? ORDER BY key`)
    .all(processInstanceKey, elementId, exceptType) as ElementInstanceRow[];
}

/** Every active element instance of the process instance except its root. */
export function activeElementsOfInstance(s: Store, processInstanceKey: number): ElementInstanceRow[] {
  return prepare(s.db, `SELECT * FROM element_instances WHERE process_instance_key = ? AND state = 'ACTIVE' AND key <> ? ORDER BY key`)
    .all(processInstanceKey, processInstanceKey) as ElementInstanceRow[];
}

export function hasJoinTokensInInstance(s: Store, processInstanceKey: number): boolean {
  return prepare(s.db, `SELECT 1 FROM join_tokens j JOIN element_instances e ON e.key = j.flow_scope_key WHERE e.process_instance_key = ? AND j.count > 0`)
    .get(processInstanceKey) !== undefined;
}

/** Timers and subscriptions the element instance holds. */
export function waitCountOf(s: Store, elementInstanceKey: number): number {
  return (prepare(s.db, `SELECT (SELECT COUNT(*) FROM subscriptions WHERE element_instance_key = ?) + (SELECT COUNT(*) FROM timers WHERE element_instance_key = ?) AS n`)
    .get(elementInstanceKey, elementInstanceKey) as { n: number }).n;
}

export interface MigrationTarget {
  definitionKey: number;
  bpmnProcessId: string;
  version: number;
}

export function migrateProcessInstanceRow(s: Store, processInstanceKey: number, t: MigrationTarget, processName: string | null): void {
  prepare(s.db, `UPDATE process_instances SET process_definition_key = ?, bpmn_process_id = ?, version = ? WHERE key = ?`).run(t.definitionKey, t.bpmnProcessId, t.version, processInstanceKey);
  prepare(s.db, `UPDATE element_instances SET process_definition_key = ?, bpmn_process_id = ?, element_id = ?, element_name = ? WHERE key = ?`)
    .run(t.definitionKey, t.bpmnProcessId, t.bpmnProcessId, processName, processInstanceKey);
}

/** An active element instance and what it holds (jobs, user tasks, open incidents) move to the target element. */
export function migrateElementInstanceRows(s: Store, elementInstanceKey: number, t: MigrationTarget, elementId: string, elementName: string | null): void {
  prepare(s.db, `UPDATE element_instances SET process_definition_key = ?, bpmn_process_id = ?, element_id = ?, element_name = ? WHERE key = ?`)
    .run(t.definitionKey, t.bpmnProcessId, elementId, elementName, elementInstanceKey);
  prepare(s.db, `UPDATE jobs SET process_definition_key = ?, bpmn_process_id = ?, version = ?, element_id = ? WHERE element_instance_key = ?`)
    .run(t.definitionKey, t.bpmnProcessId, t.version, elementId, elementInstanceKey);
  prepare(s.db, `UPDATE user_tasks SET process_definition_key = ?, bpmn_process_id = ?, version = ?, element_id = ? WHERE element_instance_key = ?`)
    .run(t.definitionKey, t.bpmnProcessId, t.version, elementId, elementInstanceKey);
  prepare(s.db, `UPDATE incidents SET process_definition_key = ?, bpmn_process_id = ?, element_id = ? WHERE element_instance_key = ? AND state = 'ACTIVE'`)
    .run(t.definitionKey, t.bpmnProcessId, elementId, elementInstanceKey);
}

export function definitionDeletion(s: Store, key: number): { bpmn_process_id: string; deleted_at: number | null } | undefined {
  return prepare(s.db, 'SELECT bpmn_process_id, deleted_at FROM process_definitions WHERE key = ?').get(key) as { bpmn_process_id: string; deleted_at: number | null } | undefined;
}

export function formDeletion(s: Store, key: number): { deleted_at: number | null } | undefined {
  return prepare(s.db, 'SELECT deleted_at FROM forms WHERE key = ?').get(key) as { deleted_at: number | null } | undefined;
}

export function markDefinitionDeleted(s: Store, key: number, now: number): void {
  prepare(s.db, 'UPDATE process_definitions SET deleted_at = ? WHERE key = ?').run(now, key);
}

export function markFormDeleted(s: Store, key: number, now: number): void {
  prepare(s.db, 'UPDATE forms SET deleted_at = ? WHERE key = ?').run(now, key);
}
