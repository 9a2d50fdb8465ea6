import { prepare, type Db } from './db';
import type { SearchSource, WhereBuilder } from './search';

/** The element-instance table: one row per element instance; the process instance is the root row. */

export interface Store {
  db: Db;
}

export type ElementInstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

export interface ElementInstanceRow {
  key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  element_id: string;
  element_name: string | null;
  element_type: string;
  flow_scope_key: number | null;
  state: ElementInstanceState;
  start_date: number;
  end_date: number | null;
  incident_key: number | null;
  /** JSON of the runtime's ElementData. */
  data: string;
}

export function getElementInstance(s: Store, key: number): ElementInstanceRow | undefined {
  return prepare(s.db, 'SELECT * FROM element_instances WHERE key = ?').get(key) as ElementInstanceRow | undefined;
}

export function updateData(s: Store, key: number, data: object): void {
  prepare(s.db, 'UPDATE element_instances SET data = ? WHERE key = ?').run(JSON.stringify(data), key);
}

export function activeChildren(s: Store, scopeKey: number): ElementInstanceRow[] {
  return prepare(s.db, `SELECT * FROM element_instances WHERE flow_scope_key = ? AND state = 'ACTIVE' ORDER BY key`).all(scopeKey) as ElementInstanceRow[];
}

/** Completed children of a scope, the most recently completed first (compensation runs in reverse order). */
export function completedChildrenLatestFirst(s: Store, scopeKey: number): ElementInstanceRow[] {
  return prepare(s.db, `SELECT * FROM element_instances WHERE flow_scope_key = ? AND state = 'COMPLETED' ORDER BY end_date DESC, key DESC`).all(scopeKey) as ElementInstanceRow[];
}

export interface NewElementInstance {
  key: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementId: string;
  elementName: string | null;
  elementType: string;
  flowScopeKey: number | null;
  startDate: number;
  data: object;
}

export function insertElementInstance(s: Store, ei: NewElementInstance): void {
  prepare(
    s.db,
    `INSERT INTO element_instances (key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_name, element_type, flow_scope_key, state, start_date, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)`,
  ).run(ei.key, ei.processInstanceKey, ei.processDefinitionKey, ei.bpmnProcessId, ei.elementId, ei.elementName, ei.elementType, ei.flowScopeKey,
    ei.startDate, JSON.stringify(ei.data));
}

export function markEnded(s: Store, key: number, state: Exclude<ElementInstanceState, 'ACTIVE'>, now: number): void {
  prepare(s.db, 'UPDATE element_instances SET state = ?, end_date = ? WHERE key = ?').run(state, now, key);
}

export function setElementIncident(s: Store, key: number, incidentKey: number): void {
  prepare(s.db, 'UPDATE element_instances SET incident_key = ? WHERE key = ?').run(incidentKey, key);
}

/** Clears the element's incident mark only if it is still this incident's. */
export function clearElementIncident(s: Store, key: number, incidentKey: number): void {
  prepare(s.db, 'UPDATE element_instances SET incident_key = NULL WHERE key = ? AND incident_key = ?').run(key, incidentKey);
}

/** Counts of one element's instances, as Operate's heatmap shows them. */
export interface ElementStatistics {
  elementId: string;
  /** Active without an incident. */
  active: number;
  canceled: number;
  /** Active with an incident. */
  incidents: number;
  completed: number;
}

const STATISTICS_SELECT = `SELECT e.element_id AS elementId,
    SUM(e.state = 'ACTIVE' AND e.incident_key IS NULL) AS active,
    SUM(e.state = 'TERMINATED') AS canceled,
    SUM(e.state = 'ACTIVE' AND e.incident_key IS NOT NULL) AS incidents,
    SUM(e.state = 'COMPLETED') AS completed
  FROM element_instances e`;

/** Per element of one process instance (the process itself is no element here), by element id. */
export function elementStatisticsOfInstance(s: Store, processInstanceKey: number): ElementStatistics[] {
  return prepare(s.db, `${STATISTICS_SELECT} WHERE e.process_instance_key = ? AND e.element_type <> 'PROCESS' GROUP BY e.element_id ORDER BY e.element_id`)
    .all(processInstanceKey) as ElementStatistics[];
}

/** Per element over the process instances of `source` (its key column `keyColumn`) that `where` selects, by element id. */
export function elementStatisticsOfInstances(s: Store, source: SearchSource, where: WhereBuilder, keyColumn: string): ElementStatistics[] {
  return prepare(
    s.db,
    `${STATISTICS_SELECT} WHERE e.element_type <> 'PROCESS' AND e.process_instance_key IN (SELECT ${keyColumn} FROM ${source.from} ${where.sql()})
     GROUP BY e.element_id ORDER BY e.element_id`,
  ).all(...(source.fromParams ?? []), ...where.params) as ElementStatistics[];
}
