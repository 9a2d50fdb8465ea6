import vm from 'node:vm';
import { evaluate as feelEvaluate, unaryTest as feelUnaryTest, dateAndTime, date, type Warning } from 'feelin';
import { engineLimits } from '../limits';
import { ExpressionError } from './errors';
import { toJson, UnstorableValueError } from './convert';
import { withExtensions } from './extensions';
import { escapeLineBreaksInStrings } from './literals';

export interface EvaluateOptions {
  /** The engine's (possibly pinned) clock, used by FEEL now() and today(). Defaults to the system clock. */
  now?: Date;
}

/** Raw result of a FEEL evaluation: the JSON value plus feelin's warnings (e.g. missing variables). */
export interface Evaluation {
  value: unknown;
  warnings: Warning[];
}

/**
 * Evaluates an expression as Zeebe does: `=...` is FEEL, anything else is the static string itself.
 * Missing variables yield null (Zeebe 8.8); syntax errors and unstorable results throw ExpressionError.
 */
export function evaluate(expression: string, variables: Record<string, unknown>, options: EvaluateOptions = {}): unknown {
  return evaluateWithWarnings(expression, variables, options).value;
}

export function evaluateWithWarnings(expression: string, variables: Record<string, unknown>, options: EvaluateOptions = {}): Evaluation {
  if (!isFeel(expression)) return { value: expression, warnings: [] };
  const source = escapeLineBreaksInStrings(expression.slice(1));
  if (source.trim() === '') throw new ExpressionError(expression, 'the expression is empty. Write a FEEL expression after "=" or remove the "=".');
  let result: { value: unknown; warnings: Warning[] };
  try {
    result = withinBudget(() => feelEvaluate(source, evaluationContext(source, variables, options.now)));
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      const budget = engineLimits().feelBudgetMs;
      throw new ExpressionError(expression, `the evaluation took longer than its budget of ${budget} ms and was stopped (ENGINE_LIMIT_FEEL_BUDGET_MS). Simplify the expression, e.g. avoid nested loops over large lists.`);
    }
    throw new ExpressionError(expression, `syntax error: ${(error as Error).message}. Check the FEEL syntax.`);
  }
  try {
    return { value: toJson(result.value), warnings: result.warnings };
  } catch (error) {
    if (error instanceof UnstorableValueError) throw new ExpressionError(expression, error.message);
    throw error;
  }
}

/**
 * A DMN input entry (FEEL unary tests, e.g. `>= 18`, `"a","b"`, `-`) against the input value `input`, with the
 * decision's variables in scope. Returns whether the entry matches; null (no match) when the tests cannot be
 * applied to the value (e.g. `> 3` on a string), as Camunda's DMN engine treats it.
 */
export function evaluateUnaryTests(tests: string, input: unknown, variables: Record<string, unknown>, options: EvaluateOptions = {}): boolean {
  const source = tests.trim() === '' ? '-' : tests;
  let result: { value: boolean | null };
  try {
    result = withinBudget(() => feelUnaryTest(source, { ...evaluationContext(source, variables, options.now), '?': input }));
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new ExpressionError(source, `the evaluation took longer than its budget of ${engineLimits().feelBudgetMs} ms and was stopped (ENGINE_LIMIT_FEEL_BUDGET_MS).`);
    }
    throw new ExpressionError(source, `syntax error in the unary tests: ${(error as Error).message}. Check the FEEL syntax.`);
  }
  return result.value === true;
}

/**
 * feelin evaluates synchronously and cannot be interrupted from outside; V8 can. Running the call from a vm
 * script with a timeout lets V8's watchdog terminate a runaway evaluation (a nested loop, a huge range) after
 * the budget, so one expression never stalls the engine. The overhead per call is a few microseconds.
 */
const budgetContext = vm.createContext({ run: undefined as unknown });
const budgetScript = new vm.Script('run()');

function withinBudget<T>(fn: () => T): T {
  const budget = engineLimits().feelBudgetMs;
  // The watchdog counts wall-clock time, but the budget is about work: on a busy machine a trivial call can wait
  // longer than the budget for the CPU (seen: 3 of 10 000 `=caseRef` stopped at load 20). So a timed-out try only
  // counts when the process spent at least half the budget in CPU time meanwhile; a starved try is run again with
  // more wall-clock time (up to 400 × the budget). A runaway expression burns whatever CPU it gets, so it is still
  // stopped at the first try in which it got that much CPU.
  const tries = [budget, budget * 4, budget * 20, budget * 100, budget * 400];
  for (let i = 0; ; i++) {
    const cpuBefore = process.cpuUsage();
    try {
      return runFor(fn, tries[i]!);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      const used = process.cpuUsage(cpuBefore);
      if (i === tries.length - 1 || (used.user + used.system) / 1000 >= budget / 2) throw error;
    }
  }
}

function runFor<T>(fn: () => T, timeout: number): T {
  (budgetContext as { run: unknown }).run = fn;
  try {
    return budgetScript.runInContext(budgetContext, { timeout }) as T;
  } finally {
    (budgetContext as { run: unknown }).run = undefined;
  }
}

export function isFeel(expression: string): boolean {
  return expression.startsWith('=');
}

/** "[NO_VARIABLE_FOUND] Variable 'x' not found; ..." — appended to type errors so the cause is visible. */
export function describeWarnings(warnings: Warning[]): string {
  if (warnings.length === 0) return '';
  return ` The evaluation reported: ${warnings.map((w) => `[${w.type}] ${w.message}`).join('; ')}.`;
}

/**
 * Variables plus Camunda's extension functions, and now()/today() following the engine clock (tests
 * pin it and jump weeks): context functions, which feelin resolves before its built-ins. A
 * variable of the same name keeps precedence.
 */
function evaluationContext(source: string, variables: Record<string, unknown>, now: Date | undefined): Record<string, unknown> {
  const context = withExtensions(source, variables);
  if (!now) return context;
  const iso = now.toISOString();
  if (!('now' in variables)) context.now = () => dateAndTime(iso);
  if (!('today' in variables)) context.today = () => date(iso.slice(0, 10));
  return context;
}

// feelin builds its parser and V8 compiles it on the first evaluation: about 20 ms of CPU on a quiet machine, more
// under load, i.e. close to the budget. Paying it once at load keeps that cost out of the first expression a
// process evaluates, which would otherwise be stopped as if it were runaway.
// Outside the budget on purpose: this first call is the cold one.
feelEvaluate('string(length("a" + "b") + 1) = "3" and today() != null', evaluationContext('', {}, undefined));
// Date-time and duration arithmetic has its own cold path (the temporal code behind duration(), date and time() and
// their + / -): 30-40 ms CPU on its first use, after the call above — over half the budget, so on a loaded machine the
// first due date a diagram computes (`=now() + duration("PT24H")`, orosanmälan's skyddsbedömning) became an incident.
feelEvaluate('if x = null then now() + duration("PT1H") else date and time("2026-01-01T00:00:00+01:00") - duration("P1D") + duration("P1M")', evaluationContext('', { x: null }, undefined));
feelEvaluate('date("2026-01-01") + duration("P1D") < today() and string(date and time("2026-01-01T00:00:00Z")) != ""', evaluationContext('', {}, undefined));
feelUnaryTest('>= 1, "x"', { ...evaluationContext('', {}, undefined), '?': 2 });
