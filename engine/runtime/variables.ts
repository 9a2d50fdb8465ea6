import { getElementInstance } from '../store/elementInstances';
import { hasVariable, parentScopeKey, upsertVariable, variablesOfScope, variablesOfScopeInline, variableValue } from '../store/variables';
import type { Ctx } from './context';
import { notFound } from './errors';
import type { Vars } from './expressions';

/**
 * Variable scopes like Zeebe: every element instance is a scope whose parent is its flow scope;
 * the process instance is the root scope.
 */

/** Scope keys from `scopeKey` up to the process instance root, innermost first. */
export function scopeChain(ctx: Ctx, scopeKey: number): number[] {
  const chain: number[] = [];
  for (let key: number | null = scopeKey; key !== null; key = parentScopeKey(ctx, key)) chain.push(key);
  return chain;
}

export function localVariables(ctx: Ctx, scopeKey: number): Vars {
  const vars: Vars = {};
  for (const row of variablesOfScope(ctx, scopeKey)) vars[row.name] = JSON.parse(row.value);
  return vars;
}

/** Values up to this size come with the names; larger ones are read and parsed when first used. */
const INLINE_VALUE_BYTES = 1024;

/**
 * All variables visible from a scope; inner scopes shadow outer ones. Large values are lazy (a getter that
 * reads and parses on first access), so an element deep inside a multi-instance does not parse the whole
 * input collection for every expression it evaluates. Spreading or serialising the object reads everything.
 */
export function visibleVariables(ctx: Ctx, scopeKey: number): Vars {
  const vars: Vars = {};
  for (const key of scopeChain(ctx, scopeKey).reverse()) {
    for (const row of variablesOfScopeInline(ctx, key, INLINE_VALUE_BYTES)) {
      if (row.value !== null) {
        define(vars, row.name, JSON.parse(row.value));
        continue;
      }
      Object.defineProperty(vars, row.name, {
        enumerable: true,
        configurable: true,
        get() {
          const value = JSON.parse(variableValue(ctx, key, row.name)!) as unknown;
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
  upsertVariable(ctx, scopeKey, processInstanceKey, name, json);
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
  for (const name of names) {
    const target = chain.find((key) => hasVariable(ctx, key, name)) ?? root;
    setLocalVariable(ctx, target, processInstanceKey, name, vars[name]);
  }
}

/**
 * PUT /element-instances/{key}/variables: `local` writes into that scope only; otherwise each
 * variable goes where it already lives, else to the outermost scope (Zeebe's SetVariables).
 */
export function setVariablesCommand(ctx: Ctx, elementInstanceKey: number, variables: Vars, local: boolean): void {
  const ei = getElementInstance(ctx, elementInstanceKey);
  if (!ei || ei.state !== 'ACTIVE') {
    throw notFound(`Expected to update variables for element with key '${elementInstanceKey}', but no such element was found (it may have completed).`);
  }
  if (local) setLocalVariables(ctx, elementInstanceKey, ei.process_instance_key, variables);
  else propagateVariables(ctx, elementInstanceKey, ei.process_instance_key, variables);
}
