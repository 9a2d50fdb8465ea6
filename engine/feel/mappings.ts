import type { Mapping } from '../model/types';
import { evaluate, type EvaluateOptions } from './evaluate';

type Variables = Record<string, unknown>;

/**
 * Input mappings (Zeebe semantics): each source is evaluated against the scope's variables plus the
 * inputs evaluated so far, so later inputs can build on earlier ones. Returns the new local variables.
 */
export function applyInputMappings(mappings: Mapping[], variables: Variables, options: EvaluateOptions = {}): Variables {
  return applyMappings(mappings, variables, options);
}

/**
 * Output mappings: sources are evaluated against the element's variables (job/task result merged
 * over its scope) plus the outputs evaluated so far; returns the variables the runtime then
 * propagates to the parent scope.
 */
export function applyOutputMappings(mappings: Mapping[], variables: Variables, options: EvaluateOptions = {}): Variables {
  return applyMappings(mappings, variables, options);
}

function applyMappings(mappings: Mapping[], variables: Variables, options: EvaluateOptions): Variables {
  const result: Variables = {};
  for (const mapping of mappings) {
    const value = evaluate(mapping.source, { ...variables, ...result }, options);
    writeMapped(result, variables, mapping.target, value);
  }
  return result;
}

/**
 * A nested target (`a.b`) merges into the variable `a` as the mapping sees it (Zeebe compiles it to
 * put all(a, {b: value})), so sibling fields of an existing `a` survive.
 */
function writeMapped(result: Variables, visible: Variables, target: string, value: unknown): void {
  const root = target.split('.')[0]!;
  if (target.includes('.') && !(root in result) && isPlainObject(visible[root])) result[root] = visible[root];
  setPath(result, target, value);
}

function isPlainObject(value: unknown): value is Variables {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Writes `value` at a dotted path (`a.b.c`), creating objects on the way and merging into existing
 * ones; a non-object in the way is replaced by an object. Mutates and returns `target`.
 */
export function setPath(target: Variables, path: string, value: unknown): Variables {
  const keys = path.split('.');
  if (keys.some((key) => key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    throw new Error(`'${path}' is not a valid variable path. Use names separated by dots, e.g. 'placering.datum'.`);
  }
  let cursor: Variables = target;
  for (const key of keys.slice(0, -1)) {
    const next = cursor[key];
    // Copy so that merging never mutates an object shared with the caller's variables.
    cursor[key] = isPlainObject(next) ? { ...next } : {};
    cursor = cursor[key] as Variables;
  }
  cursor[keys[keys.length - 1]!] = value;
  return target;
}
