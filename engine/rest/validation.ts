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

export const variablesObject = z.record(z.string(), z.unknown(), { error: 'expected a JSON object of variables (name → value)' });

/** A millisecond count sent as number or numeric string (the SDK sends int64 values as strings sometimes). */
export const millis = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/).transform(Number)]);

export const iso = z.iso.datetime({ offset: true });
