import { z } from 'zod';
import { invalidArgument } from '../runtime/errors';

/** Parses external input with a zod schema; failures become 400 INVALID_ARGUMENT naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? `'${issue.path.join('.')}'` : 'the value';
    if (issue.code === 'unrecognized_keys') return `unknown ${issue.keys.length > 1 ? 'properties' : 'property'} ${issue.keys.map((k) => `'${k}'`).join(', ')}${issue.path.length ? ` in ${path}` : ''}`;
    return `${path}: ${issue.message}`;
  });
  throw invalidArgument(`Invalid ${what}: ${issues.join('; ')}.`);
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
