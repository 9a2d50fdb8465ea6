import { prepare } from './db';
import type { Store } from './elementInstances';

/**
 * Token bookkeeping beside the element instances: tokens waiting at parallel joins, taken sequence flows
 * (what Operate highlights), and the items, outputs and pending activation chunks of multi-instance bodies.
 */

/** One more token arrived on `flowId` at the join; returns the incoming flows that now hold a token. */
export function addJoinToken(s: Store, scopeKey: number, gatewayId: string, flowId: string): string[] {
  prepare(
    s.db,
    `INSERT INTO join_tokens (flow_scope_key, gateway_id, flow_id, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (flow_scope_key, gateway_id, flow_id) DO UPDATE SET count = count + 1`,
  ).run(scopeKey, gatewayId, flowId);
  const rows = prepare(s.db, 'SELECT flow_id FROM join_tokens WHERE flow_scope_key = ? AND gateway_id = ? AND count > 0').all(scopeKey, gatewayId) as { flow_id: string }[];
  return rows.map((r) => r.flow_id);
}

/** The join fires: one token of every incoming flow is used up. */
export function consumeJoinTokens(s: Store, scopeKey: number, gatewayId: string): void {
  prepare(s.db, 'UPDATE join_tokens SET count = count - 1 WHERE flow_scope_key = ? AND gateway_id = ?').run(scopeKey, gatewayId);
  prepare(s.db, 'DELETE FROM join_tokens WHERE flow_scope_key = ? AND gateway_id = ? AND count <= 0').run(scopeKey, gatewayId);
}

export function hasJoinTokens(s: Store, scopeKey: number): boolean {
  return prepare(s.db, 'SELECT 1 FROM join_tokens WHERE flow_scope_key = ? AND count > 0').get(scopeKey) !== undefined;
}

export function clearJoinTokens(s: Store, scopeKey: number): void {
  prepare(s.db, 'DELETE FROM join_tokens WHERE flow_scope_key = ?').run(scopeKey);
}

export function recordTakenFlow(s: Store, processInstanceKey: number, flowId: string, processDefinitionKey: number, bpmnProcessId: string): void {
  prepare(s.db, 'INSERT OR IGNORE INTO taken_flows (process_instance_key, flow_id, process_definition_key, bpmn_process_id) VALUES (?, ?, ?, ?)')
    .run(processInstanceKey, flowId, processDefinitionKey, bpmnProcessId);
}

export interface TakenFlowRow {
  flow_id: string;
  process_definition_key: number;
  bpmn_process_id: string;
}

/** The sequence flows an instance has taken (each once), by flow id. */
export function takenFlows(s: Store, processInstanceKey: number): TakenFlowRow[] {
  return prepare(s.db, 'SELECT flow_id, process_definition_key, bpmn_process_id FROM taken_flows WHERE process_instance_key = ? ORDER BY flow_id')
    .all(processInstanceKey) as TakenFlowRow[];
}

export function insertMultiInstanceItems(s: Store, bodyKey: number, items: unknown[]): void {
  const insert = prepare(s.db, 'INSERT INTO mi_items (body_key, idx, item) VALUES (?, ?, ?)');
  items.forEach((item, i) => insert.run(bodyKey, i, JSON.stringify(item ?? null)));
}

/** The item at `index`, or undefined when the body has no row for it (a body started before schema 4). */
export function multiInstanceItem(s: Store, bodyKey: number, index: number): { value: unknown } | undefined {
  const row = prepare(s.db, 'SELECT item FROM mi_items WHERE body_key = ? AND idx = ?').get(bodyKey, index) as { item: string } | undefined;
  return row ? { value: JSON.parse(row.item) } : undefined;
}

export function recordMultiInstanceOutput(s: Store, bodyKey: number, index: number, output: unknown): void {
  prepare(s.db, 'INSERT INTO mi_items (body_key, idx, item, output) VALUES (?, ?, ?, ?) ON CONFLICT (body_key, idx) DO UPDATE SET output = excluded.output')
    .run(bodyKey, index, 'null', JSON.stringify(output));
}

export function multiInstanceOutputs(s: Store, bodyKey: number): { idx: number; value: unknown }[] {
  const rows = prepare(s.db, 'SELECT idx, output FROM mi_items WHERE body_key = ? AND output IS NOT NULL').all(bodyKey) as { idx: number; output: string }[];
  return rows.map((row) => ({ idx: row.idx, value: JSON.parse(row.output) }));
}

export function deleteMultiInstanceItems(s: Store, bodyKey: number): void {
  prepare(s.db, 'DELETE FROM mi_items WHERE body_key = ?').run(bodyKey);
}

export function markMultiInstancePending(s: Store, bodyKey: number): void {
  prepare(s.db, 'INSERT OR IGNORE INTO mi_pending (body_key) VALUES (?)').run(bodyKey);
}

export function clearMultiInstancePending(s: Store, bodyKey: number): void {
  prepare(s.db, 'DELETE FROM mi_pending WHERE body_key = ?').run(bodyKey);
}

export function pendingMultiInstanceBodies(s: Store, limit: number): number[] {
  return (prepare(s.db, 'SELECT body_key FROM mi_pending ORDER BY body_key LIMIT ?').all(limit) as { body_key: number }[]).map((r) => r.body_key);
}
