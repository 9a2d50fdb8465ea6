import { z } from 'zod';
import { invalidArgument } from '../runtime/errors';

/** Parses external input with a zod schema; failures become 400 INVALID_ARGUMENT naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  throw invalidArgument(`Invalid ${what}: ${describeIssues(result.error.issues, []).join('; ')}.`);
}

type Issue = z.core.$ZodIssue;

/**
 * Readable issue texts. For a union (e.g. "by id" or "by key") zod reports every alternative; the one
 * with the fewest problems is the one the caller most likely meant, so only its problems are shown.
 */
function describeIssues(issues: Issue[], prefix: PropertyKey[]): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (closest.length > 0) return describeIssues(closest, path);
    }
    const where = path.length > 0 ? `'${path.map(String).join('.')}'` : 'the body';
    if (issue.code === 'unrecognized_keys') {
      return `unknown ${issue.keys.length > 1 ? 'properties' : 'property'} ${issue.keys.map((k) => `'${k}'`).join(', ')}${path.length ? ` in ${where}` : ''}`;
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `${where} is required`;
    return `${where}: ${issue.message}`;
  });
}

/** Keys are int64 values written as strings. */
export const keyString = z.string().regex(/^-?[0-9]{1,19}$/, 'expected a key (a string of digits)');

export function parseKey(value: string | undefined, name: string): number {
  if (value === undefined || !/^[0-9]{1,19}$/.test(value)) throw invalidArgument(`The ${name} must be a key (a string of digits), but was '${value}'.`);
  return Number(value);
}

/** Deeper values are refused: they cannot be meaningful process data and would exhaust the stack later. */
export const MAX_VARIABLE_DEPTH = 64;

/** Nesting depth of a JSON value, computed without recursion so hostile input cannot overflow the stack. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) max = depth;
    if (max > MAX_VARIABLE_DEPTH) return max;
    for (const child of Object.values(current as object)) stack.push([child, depth + 1]);
  }
  return max;
}

export const variablesObject = z
  .record(z.string(), z.unknown(), { error: 'expected a JSON object of variables (name → value)' })
  .refine((vars) => depthOf(vars) <= MAX_VARIABLE_DEPTH, {
    message: `variables are nested more than ${MAX_VARIABLE_DEPTH} levels deep; flatten the data`,
  });

/** A millisecond count sent as number or numeric string (the SDK sends int64 values as strings sometimes). */
export const millis = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/).transform(Number)]);

export const iso = z.iso.datetime({ offset: true });
