import * as feel from '../feel';
import type { Mapping, TimerDefinition } from '../model/types';
import { ElementFailure, type IncidentErrorType } from './errors';

/**
 * The runtime's only door to engine/feel: every evaluation failure becomes an ElementFailure with
 * the incident type Zeebe would raise, so the element stops with an incident instead of crashing
 * the command.
 */
export type Vars = Record<string, unknown>;
export type TimerSchedule = { dueAt: string; remaining: number | null; interval?: string };

/**
 * FEEL's now()/today() must follow the engine clock (which tests pin). Commands run synchronously,
 * so the command runner sets the instant for the duration of one command.
 */
let commandNow: Date | undefined;

export function withEvaluationTime<T>(now: number, run: () => T): T {
  const previous = commandNow;
  commandNow = new Date(now);
  try {
    return run();
  } finally {
    commandNow = previous;
  }
}

const opts = () => (commandNow ? { now: commandNow } : {});

function guard<T>(errorType: IncidentErrorType, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ElementFailure) throw error;
    throw new ElementFailure(errorType, `${what}: ${(error as Error).message}`);
  }
}

/**
 * Only the variables an expression can mention (its text contains their name) are handed to FEEL: variables
 * come lazily from the store (see visibleVariables), so a large collection elsewhere in the scope is never
 * parsed for an expression that does not use it. A static value needs none.
 */
function narrow(text: string, vars: Vars): Vars {
  const out: Vars = {};
  if (!text.startsWith('=')) return out;
  for (const name of Object.keys(vars)) if (text.includes(name)) out[name] = vars[name];
  return out;
}

export function evaluateValue(expression: string, vars: Vars, what: string): unknown {
  return guard('EXTRACT_VALUE_ERROR', `Failed to evaluate ${what} '${expression}'`, () => feel.evaluate(expression, narrow(expression, vars), opts()));
}

export function evaluateString(expression: string, vars: Vars, what: string): string {
  const value = evaluateValue(expression, vars, what);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ElementFailure(
    'EXTRACT_VALUE_ERROR',
    `Expected ${what} '${expression}' to be a string, but it evaluated to ${JSON.stringify(value) ?? 'null'}`,
  );
}

export function evaluateOptionalString(expression: string | undefined, vars: Vars, what: string): string | undefined {
  if (expression === undefined || expression === '') return undefined;
  const value = evaluateValue(expression, vars, what);
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected ${what} '${expression}' to be a string, but it evaluated to ${JSON.stringify(value)}`);
}

export function evaluateCorrelationKey(expression: string | undefined, vars: Vars, elementId: string): string {
  if (!expression) return '';
  const value = evaluateValue(expression, vars, `the correlation key of '${elementId}'`);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ElementFailure(
    'EXTRACT_VALUE_ERROR',
    `Failed to extract the correlation key for '${expression}': the value must be either a string or a number, but was ${JSON.stringify(value) ?? 'null'}. Set the variable before the process reaches '${elementId}'.`,
  );
}

export function evaluateCondition(expression: string, vars: Vars, flowId: string): boolean {
  return guard('CONDITION_ERROR', `Failed to evaluate the condition of sequence flow '${flowId}'`, () =>
    feel.evaluateCondition(expression, narrow(expression, vars), opts()),
  );
}

export function evaluateStringList(expression: string | undefined, vars: Vars, what: string): string[] {
  if (!expression) return [];
  return guard('EXTRACT_VALUE_ERROR', `Failed to evaluate ${what} '${expression}'`, () => feel.evaluateStringList(expression, narrow(expression, vars), opts()));
}

export function evaluateDateTime(expression: string | undefined, vars: Vars, what: string): number | undefined {
  if (!expression) return undefined;
  const iso = guard('EXTRACT_VALUE_ERROR', `Failed to evaluate ${what} '${expression}'`, () => feel.evaluateDateTime(expression, narrow(expression, vars), opts()));
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ElementFailure('EXTRACT_VALUE_ERROR', `${what} '${expression}' is not a date-time: ${iso}`);
  return ms;
}

export function scheduleTimer(def: TimerDefinition, vars: Vars, now: number, elementId: string): TimerSchedule {
  return guard('EXTRACT_VALUE_ERROR', `Failed to evaluate the timer of '${elementId}'`, () => feel.scheduleTimer(def, narrow(def.expression, vars), new Date(now)));
}

export function nextTimerSchedule(schedule: TimerSchedule, firedAt: number): TimerSchedule | undefined {
  return feel.nextTimerSchedule(schedule, new Date(firedAt));
}

export function inputMappings(mappings: Mapping[] | undefined, vars: Vars): Vars {
  if (!mappings || mappings.length === 0) return {};
  return guard('IO_MAPPING_ERROR', 'Failed to apply input mappings', () => feel.applyInputMappings(mappings, narrow(mappingText(mappings), vars), opts()) as Vars);
}

export function outputMappings(mappings: Mapping[], vars: Vars): Vars {
  return guard('IO_MAPPING_ERROR', 'Failed to apply output mappings', () => feel.applyOutputMappings(mappings, narrow(mappingText(mappings), vars), opts()) as Vars);
}

/** Sources and targets: a dotted target merges into the existing variable of its first segment. */
const mappingText = (mappings: Mapping[]) => `=${mappings.map((m) => `${m.source}\n${m.target}`).join('\n')}`;

export function setPath(target: Vars, path: string, value: unknown): void {
  feel.setPath(target, path, value);
}
