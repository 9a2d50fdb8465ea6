import { nextKey, prepare } from '../store/db';
import type { Ctx } from './context';
import { notFound } from './errors';
import type { Vars } from './expressions';

/**
 * Variable scopes like Zeebe: every element instance is a scope whose parent is its flow scope;
 * the process instance is the root scope.
 */

function parentScope(ctx: Ctx, scopeKey: number): number | null {
  const row = prepare(ctx.db, 'SELECT flow_scope_key FROM element_instances WHERE key = ?').get(scopeKey) as
    | { flow_scope_key: number | null }
    | undefined;
  return row?.flow_scope_key ?? null;
}

/** Scope keys from `scopeKey` up to the process instance root, innermost first. */
export function scopeChain(ctx: Ctx, scopeKey: number): number[] {
  const chain: number[] = [];
  for (let key: number | null = scopeKey; key !== null; key = parentScope(ctx, key)) chain.push(key);
  return chain;
}

export function localVariables(ctx: Ctx, scopeKey: number): Vars {
  const rows = prepare(ctx.db, 'SELECT name, value FROM variables WHERE scope_key = ?').all(scopeKey) as { name: string; value: string }[];
  const vars: Vars = {};
  for (const row of rows) vars[row.name] = JSON.parse(row.value);
  return vars;
}

/** Values up to this size come with the names; larger ones are read and parsed when first used (octet_length, unlike length, does not read the value). */
const INLINE_VALUE_BYTES = 1024;

/**
 * All variables visible from a scope; inner scopes shadow outer ones. Large values are lazy (a getter that
 * reads and parses on first access), so an element deep inside a multi-instance does not parse the whole
 * input collection for every expression it evaluates. Spreading or serialising the object reads everything.
 */
export function visibleVariables(ctx: Ctx, scopeKey: number): Vars {
  const vars: Vars = {};
  const select = prepare(ctx.db, `SELECT name, CASE WHEN octet_length(value) <= ${INLINE_VALUE_BYTES} THEN value END AS value FROM variables WHERE scope_key = ?`);
  const full = prepare(ctx.db, 'SELECT value FROM variables WHERE scope_key = ? AND name = ?');
  for (const key of scopeChain(ctx, scopeKey).reverse()) {
    for (const row of select.all(key) as { name: string; value: string | null }[]) {
      if (row.value !== null) {
        define(vars, row.name, JSON.parse(row.value));
        continue;
      }
      Object.defineProperty(vars, row.name, {
        enumerable: true,
        configurable: true,
        get() {
          const value = JSON.parse((full.get(key, row.name) as { value: string }).value) as unknown;
          define(vars, row.name, value);
          return value;
        },
        set(value: unknown) {
          define(vars, row.name, value);
        },
      });
    }
  }
  return vars;
}

function define(vars: Vars, name: string, value: unknown): void {
  Object.defineProperty(vars, name, { value, writable: true, enumerable: true, configurable: true });
}

export function setLocalVariable(ctx: Ctx, scopeKey: number, processInstanceKey: number, name: string, value: unknown): void {
  const json = JSON.stringify(value === undefined ? null : value);
  const updated = prepare(ctx.db, 'UPDATE variables SET value = ? WHERE scope_key = ? AND name = ?').run(json, scopeKey, name);
  if (updated.changes === 0) {
    prepare(ctx.db, 'INSERT INTO variables (key, name, value, scope_key, process_instance_key) VALUES (?, ?, ?, ?, ?)')
      .run(nextKey(ctx.db), name, json, scopeKey, processInstanceKey);
  }
}

export function setLocalVariables(ctx: Ctx, scopeKey: number, processInstanceKey: number, vars: Vars): void {
  for (const [name, value] of Object.entries(vars)) setLocalVariable(ctx, scopeKey, processInstanceKey, name, value);
}

/**
 * Zeebe's variable propagation: each variable is written to the nearest scope (starting at
 * `scopeKey`) that already holds a variable with that name, otherwise to the process instance scope.
 */
export function propagateVariables(ctx: Ctx, scopeKey: number, processInstanceKey: number, vars: Vars): void {
  const names = Object.keys(vars);
  if (names.length === 0) return;
  const chain = scopeChain(ctx, scopeKey);
  const root = chain[chain.length - 1];
  const has = prepare(ctx.db, 'SELECT 1 FROM variables WHERE scope_key = ? AND name = ?');
  for (const name of names) {
    const target = chain.find((key) => has.get(key, name) !== undefined) ?? root;
    setLocalVariable(ctx, target, processInstanceKey, name, vars[name]);
  }
}

/**
 * PUT /element-instances/{key}/variables: `local` writes into that scope only; otherwise each
 * variable goes where it already lives, else to the outermost scope (Zeebe's SetVariables).
 */
export function setVariablesCommand(ctx: Ctx, elementInstanceKey: number, variables: Vars, local: boolean): void {
  const row = prepare(ctx.db, 'SELECT process_instance_key AS pi, state FROM element_instances WHERE key = ?').get(elementInstanceKey) as
    | { pi: number; state: string }
    | undefined;
  if (!row || row.state !== 'ACTIVE') {
    throw notFound(`Expected to update variables for element with key '${elementInstanceKey}', but no such element was found (it may have completed).`);
  }
  if (local) setLocalVariables(ctx, elementInstanceKey, row.pi, variables);
  else propagateVariables(ctx, elementInstanceKey, row.pi, variables);
}
