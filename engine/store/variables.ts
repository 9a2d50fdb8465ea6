import { nextKey, prepare } from './db';
import type { Store } from './elementInstances';

/** Variables: one row per scope (element instance) and name, the value as JSON text. */

export interface VariableRow {
  key: number;
  name: string;
  /** JSON text. */
  value: string;
  scope_key: number;
  process_instance_key: number;
}

/**
 * Condition: `scopeColumn` names a scope holding a variable of the name bound to the first `?` whose value (alias
 * `v.value`) satisfies every one of `valueConditions` (their parameters follow the name). IN over the matching
 * variables, not EXISTS per row: the subquery runs once on the (name, value) index, so a selective filter (a case
 * reference) costs its matches instead of one lookup per candidate row.
 */
export function scopeHasVariable(scopeColumn: string, valueConditions: readonly string[]): string {
  const extra = valueConditions.map((c) => ` AND ${c}`).join('');
  return `${scopeColumn} IN (SELECT v.scope_key FROM variables v WHERE v.name = ?${extra})`;
}

export function parentScopeKey(s: Store, scopeKey: number): number | null {
  const row = prepare(s.db, 'SELECT flow_scope_key FROM element_instances WHERE key = ?').get(scopeKey) as { flow_scope_key: number | null } | undefined;
  return row?.flow_scope_key ?? null;
}

export function variablesOfScope(s: Store, scopeKey: number): Pick<VariableRow, 'name' | 'value'>[] {
  return prepare(s.db, 'SELECT name, value FROM variables WHERE scope_key = ?').all(scopeKey) as Pick<VariableRow, 'name' | 'value'>[];
}

/**
 * The scope's variables with the values up to `inlineBytes`; larger values are null here (octet_length, unlike
 * length, does not read the value) and read with `variableValue` when needed.
 */
export function variablesOfScopeInline(s: Store, scopeKey: number, inlineBytes: number): { name: string; value: string | null }[] {
  return prepare(s.db, `SELECT name, CASE WHEN octet_length(value) <= ${Math.floor(inlineBytes)} THEN value END AS value FROM variables WHERE scope_key = ?`)
    .all(scopeKey) as { name: string; value: string | null }[];
}

export function variableValue(s: Store, scopeKey: number, name: string): string | undefined {
  return (prepare(s.db, 'SELECT value FROM variables WHERE scope_key = ? AND name = ?').get(scopeKey, name) as { value: string } | undefined)?.value;
}

export function hasVariable(s: Store, scopeKey: number, name: string): boolean {
  return prepare(s.db, 'SELECT 1 FROM variables WHERE scope_key = ? AND name = ?').get(scopeKey, name) !== undefined;
}

export function upsertVariable(s: Store, scopeKey: number, processInstanceKey: number, name: string, json: string): void {
  const updated = prepare(s.db, 'UPDATE variables SET value = ? WHERE scope_key = ? AND name = ?').run(json, scopeKey, name);
  if (updated.changes === 0) {
    prepare(s.db, 'INSERT INTO variables (key, name, value, scope_key, process_instance_key) VALUES (?, ?, ?, ?, ?)')
      .run(nextKey(s.db), name, json, scopeKey, processInstanceKey);
  }
}

export function getVariable(s: Store, key: number): VariableRow | undefined {
  return prepare(s.db, 'SELECT * FROM variables WHERE key = ?').get(key) as VariableRow | undefined;
}
