import { prepare } from './db';
import type { Store } from './elementInstances';

/** Process instances and the definition look-ups that start them. */

export type ProcessInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
export type BindingType = 'latest' | 'deployment' | 'versionTag';

/** Key of the newest non-deleted version of a process id, by binding (latest, same deployment, version tag). */
export function definitionKeyByBinding(s: Store, bpmnProcessId: string, binding: BindingType, arg?: number | string): number | undefined {
  const sql = {
    latest: 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1',
    deployment: 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND deployment_key = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1',
    versionTag: 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND version_tag = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1',
  }[binding];
  const row = (binding === 'latest' ? prepare(s.db, sql).get(bpmnProcessId) : prepare(s.db, sql).get(bpmnProcessId, arg)) as { key: number } | undefined;
  return row?.key;
}

export function isLiveDefinition(s: Store, key: number): boolean {
  return prepare(s.db, 'SELECT 1 FROM process_definitions WHERE key = ? AND deleted_at IS NULL').get(key) !== undefined;
}

export interface NewProcessInstance {
  key: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  startDate: number;
  parentProcessInstanceKey: number | null;
  parentElementInstanceKey: number | null;
  tags: string[];
}

export function insertProcessInstance(s: Store, p: NewProcessInstance): void {
  prepare(
    s.db,
    `INSERT INTO process_instances (key, process_definition_key, bpmn_process_id, version, state, start_date,
       parent_process_instance_key, parent_element_instance_key, tags)
     VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?)`,
  ).run(p.key, p.processDefinitionKey, p.bpmnProcessId, p.version, p.startDate, p.parentProcessInstanceKey, p.parentElementInstanceKey, JSON.stringify(p.tags));
}

export function endProcessInstance(s: Store, key: number, state: Exclude<ProcessInstanceState, 'ACTIVE'>, now: number): void {
  prepare(s.db, 'UPDATE process_instances SET state = ?, end_date = ? WHERE key = ?').run(state, now, key);
}

export interface ProcessInstanceLink {
  state: ProcessInstanceState;
  parentProcessInstanceKey: number | null;
  /** The call activity's element instance that started it. */
  parentElementInstanceKey: number | null;
}

export function processInstanceLink(s: Store, key: number): ProcessInstanceLink | undefined {
  return prepare(
    s.db,
    'SELECT state, parent_process_instance_key AS parentProcessInstanceKey, parent_element_instance_key AS parentElementInstanceKey FROM process_instances WHERE key = ?',
  ).get(key) as ProcessInstanceLink | undefined;
}

/** The non-deleted definition of a process id with this version number. */
export function definitionKeyByVersion(s: Store, bpmnProcessId: string, version: number): number | undefined {
  return (prepare(s.db, 'SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND version = ? AND deleted_at IS NULL').get(bpmnProcessId, version) as { key: number } | undefined)?.key;
}

/** A process instance with its definition's name (null when the definition has none). */
export interface ProcessInstanceSummary {
  key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  parent_process_instance_key: number | null;
  definition_name: string | null;
}

export function processInstanceSummary(s: Store, key: number): ProcessInstanceSummary | undefined {
  return prepare(
    s.db,
    `SELECT p.key, p.process_definition_key, p.bpmn_process_id, p.parent_process_instance_key, d.name AS definition_name
     FROM process_instances p JOIN process_definitions d ON d.key = p.process_definition_key WHERE p.key = ?`,
  ).get(key) as ProcessInstanceSummary | undefined;
}

/**
 * Condition: `column` is the instance bound to `?` or an instance it called, directly or further down (call
 * activities).
 */
export function inInstanceTree(column: string): string {
  return `${column} IN (WITH RECURSIVE tree(k) AS (SELECT ? UNION ALL SELECT p.key FROM process_instances p JOIN tree ON p.parent_process_instance_key = tree.k) SELECT k FROM tree)`;
}

export function processInstanceState(s: Store, key: number): ProcessInstanceState | undefined {
  return (prepare(s.db, 'SELECT state FROM process_instances WHERE key = ?').get(key) as { state: ProcessInstanceState } | undefined)?.state;
}

/** A row of PROCESS_INSTANCES_WITH_DEFINITION. */
export interface ProcessInstanceSearchRow {
  key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  version: number;
  state: ProcessInstanceState;
  start_date: number;
  end_date: number | null;
  parent_process_instance_key: number | null;
  parent_element_instance_key: number | null;
  incident_count: number;
  definition_name: string | null;
  version_tag: string | null;
  /** JSON array of strings. */
  tags: string;
}

/** Search source of process instances (alias `p`): each row with its definition's name and version tag. */
export const PROCESS_INSTANCES_WITH_DEFINITION =
  '(SELECT pi.*, d.name AS definition_name, d.version_tag AS version_tag FROM process_instances pi JOIN process_definitions d ON d.key = pi.process_definition_key) p';

/** Condition on PROCESS_INSTANCES_WITH_DEFINITION: the instance carries the tag bound to `?`. */
export const CARRIES_TAG = 'EXISTS (SELECT 1 FROM json_each(p.tags) WHERE json_each.value = ?)';

/**
 * Condition on PROCESS_INSTANCES_WITH_DEFINITION: an active element instance of the instance satisfies
 * `condition` (written on alias `e` of element_instances).
 */
export function hasActiveElement(condition: string): string {
  return `EXISTS (SELECT 1 FROM element_instances e WHERE e.process_instance_key = p.key AND e.state = 'ACTIVE' AND ${condition})`;
}
