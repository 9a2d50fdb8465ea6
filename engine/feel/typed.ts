import { normaliseZonedIso } from './iso';
import { ExpressionError } from './errors';
import { describeWarnings, evaluateWithWarnings, isFeel, type EvaluateOptions } from './evaluate';

type Variables = Record<string, unknown>;

/** Sequence-flow and completion conditions: the result must be a boolean (null is an error, as in Zeebe). */
export function evaluateCondition(expression: string, variables: Variables, options: EvaluateOptions = {}): boolean {
  if (!isFeel(expression)) {
    throw new ExpressionError(expression, "a condition must be a FEEL expression starting with '='.");
  }
  const { value, warnings } = evaluateWithWarnings(expression, variables, options);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(expression, `expected a boolean, but the result was ${describeValue(value)}.${describeWarnings(warnings)}`);
  }
  return value;
}

/**
 * candidateGroups / candidateUsers: static `a, b` (comma-separated) or FEEL producing a list of strings.
 * A FEEL result that is a single string is refused, as Zeebe does (camunda/camunda#8370 raises an incident
 * "expected ... ARRAY, but was STRING"): accepting it here would let a diagram pass locally and fail on a cluster.
 */
export function evaluateStringList(expression: string, variables: Variables, options: EvaluateOptions = {}): string[] {
  if (!isFeel(expression)) return splitList(expression);
  const { value, warnings } = evaluateWithWarnings(expression, variables, options);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => v.trim()).filter(Boolean);
  const hint = typeof value === 'string' ? ` Wrap it in a list, e.g. =[${expression.slice(1).trim()}].` : '';
  throw new ExpressionError(expression, `expected a list of strings, but the result was ${describeValue(value)}.${hint}${describeWarnings(warnings)}`);
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * dueDate / followUpDate: an ISO 8601 date-time with offset (or Z), static or from FEEL. Returns
 * the normalised ISO string, or undefined for an empty/null result (the date is simply not set).
 * A bare date is refused: a deadline needs a time and an offset to be one instant.
 */
export function evaluateDateTime(expression: string, variables: Variables, options: EvaluateOptions = {}): string | undefined {
  const { value, warnings } = evaluateWithWarnings(expression, variables, options);
  if (value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ExpressionError(expression, `expected a date-time, but the result was ${describeValue(value)}.${describeWarnings(warnings)}`);
  }
  const instant = normaliseZonedIso(value);
  if (!instant) {
    throw new ExpressionError(
      expression,
      `expected an ISO 8601 date-time with offset such as 2026-12-01T09:00:00+01:00, but the result was "${value}".`,
    );
  }
  return instant;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 80)})`;
  if (typeof value === 'object') return `a context (${JSON.stringify(value).slice(0, 80)})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
