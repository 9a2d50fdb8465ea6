import { evaluateUnaryTests, evaluateWithWarnings } from '../feel';
import type { CompiledDecision, CompiledDrg, DecisionOutput, DecisionTable } from './types';

/** What one decision of an evaluation did: the inputs it saw, the rules that matched, its output. */
export interface EvaluatedDecision {
  decisionId: string;
  decisionName: string;
  decisionType: 'DECISION_TABLE' | 'LITERAL_EXPRESSION';
  output: unknown;
  evaluatedInputs: { inputId: string; inputName: string; inputValue: unknown }[];
  matchedRules: { ruleId: string; ruleIndex: number; evaluatedOutputs: { outputId: string; outputName: string; outputValue: unknown }[] }[];
}

export interface DrgEvaluation {
  /** The called decision's output (null when the evaluation failed). */
  output: unknown;
  /** Required decisions first, then the called one; on failure it ends with the decision that failed. */
  evaluated: EvaluatedDecision[];
  failure?: { decisionId: string; message: string };
}

class DecisionFailure extends Error {
  constructor(readonly decisionId: string, message: string) {
    super(message);
  }
}

/**
 * Evaluates a decision as Zeebe's DMN engine does: required decisions first (each result visible to the
 * requiring decision as a variable named by the decision id), then the decision table by its hit policy or the
 * literal expression. A failure does not throw; it is part of the answer, like Zeebe's failed evaluation record.
 */
export function evaluateDrg(drg: CompiledDrg, decisionId: string, variables: Record<string, unknown>, now?: Date): DrgEvaluation {
  const evaluated: EvaluatedDecision[] = [];
  const results = new Map<string, unknown>();
  const byId = new Map(drg.decisions.map((d) => [d.id, d]));
  const run = (id: string): unknown => {
    if (results.has(id)) return results.get(id);
    const decision = byId.get(id);
    if (!decision) throw new DecisionFailure(id, `no decision with id '${id}' in the decision requirements '${drg.id}'`);
    const context: Record<string, unknown> = { ...variables };
    for (const required of decision.requiredDecisions) context[required] = run(required);
    const record: EvaluatedDecision = { decisionId: id, decisionName: decision.name, decisionType: decision.logic.kind, output: null, evaluatedInputs: [], matchedRules: [] };
    evaluated.push(record);
    record.output = evaluateDecision(decision, context, record, now);
    results.set(id, record.output);
    return record.output;
  };
  try {
    return { output: run(decisionId), evaluated };
  } catch (error) {
    const failedId = error instanceof DecisionFailure ? error.decisionId : decisionId;
    return { output: null, evaluated, failure: { decisionId: failedId, message: `Expected to evaluate decision '${decisionId}', but ${error instanceof DecisionFailure ? error.message : (error as Error).message}` } };
  }
}

function evaluateDecision(decision: CompiledDecision, context: Record<string, unknown>, record: EvaluatedDecision, now: Date | undefined): unknown {
  const feel = (expression: string, vars: Record<string, unknown>) => {
    try {
      return evaluateWithWarnings(`=${expression}`, vars, { now }).value;
    } catch (error) {
      throw new DecisionFailure(decision.id, `failed to evaluate expression '${expression}' of decision '${decision.id}': ${(error as Error).message}`);
    }
  };
  if (decision.logic.kind === 'LITERAL_EXPRESSION') return feel(decision.logic.expression, context);
  return evaluateTable(decision.id, decision.logic, context, record, feel, now);
}

function evaluateTable(
  decisionId: string,
  table: DecisionTable,
  context: Record<string, unknown>,
  record: EvaluatedDecision,
  feel: (expression: string, vars: Record<string, unknown>) => unknown,
  now: Date | undefined,
): unknown {
  const test = (tests: string, value: unknown) => {
    try {
      return evaluateUnaryTests(tests, value, context, { now });
    } catch (error) {
      throw new DecisionFailure(decisionId, `failed to evaluate the input entry '${tests}' of decision '${decisionId}': ${(error as Error).message}`);
    }
  };
  const inputValues = table.inputs.map((input) => {
    const value = feel(input.expression, context);
    record.evaluatedInputs.push({ inputId: input.id, inputName: input.name, inputValue: value });
    if (input.inputValues && value !== null && !test(input.inputValues, value)) {
      throw new DecisionFailure(decisionId, `the input '${input.name}' of decision '${decisionId}' has the value ${JSON.stringify(value)}, which is not one of the allowed values ${input.inputValues}`);
    }
    return value;
  });
  const matches: { index: number; values: unknown[] }[] = [];
  // FIRST stops at the first match: later rules are neither evaluated nor reported as matched (as in Zeebe).
  table.rules.forEach((rule, index) => {
    if (table.hitPolicy === 'FIRST' && matches.length > 0) return;
    if (!rule.inputEntries.every((entry, i) => entry === '-' || test(entry, inputValues[i]))) return;
    const values = rule.outputEntries.map((entry) => (entry === '' ? null : feel(entry, context)));
    matches.push({ index, values });
    record.matchedRules.push({
      ruleId: rule.id,
      ruleIndex: index + 1,
      evaluatedOutputs: table.outputs.map((output, i) => ({ outputId: output.id, outputName: output.name ?? output.label ?? '', outputValue: values[i] ?? null })),
    });
  });
  const single = table.outputs.length === 1;
  const shape = (values: unknown[]) => (single ? values[0] ?? null : Object.fromEntries(table.outputs.map((o, i) => [o.name!, values[i] ?? null])));
  const results = matches.map((m) => shape(m.values));
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (matches.length > 1) throw new DecisionFailure(decisionId, `hit policy UNIQUE of decision '${decisionId}' allows one matching rule, but ${matches.length} matched (rules ${matches.map((m) => m.index + 1).join(', ')})`);
      return results[0] ?? null;
    case 'FIRST':
      return results[0] ?? null;
    case 'ANY': {
      const distinct = new Set(results.map((r) => JSON.stringify(r)));
      if (distinct.size > 1) throw new DecisionFailure(decisionId, `hit policy ANY of decision '${decisionId}' requires all matching rules to have the same output, but they differ: ${[...distinct].join(', ')}`);
      return results[0] ?? null;
    }
    case 'PRIORITY': {
      const winner = byPriority(table.outputs, matches)[0];
      // Only the rule that gave the result counts as matched.
      record.matchedRules = record.matchedRules.filter((r) => r.ruleIndex === (winner?.index ?? -1) + 1);
      return winner ? shape(winner.values) : null;
    }
    case 'OUTPUT ORDER':
      return byPriority(table.outputs, matches).map((m) => shape(m.values));
    case 'RULE ORDER':
      return results;
    case 'COLLECT':
      return table.aggregation ? aggregate(decisionId, table.aggregation, results) : results;
  }
}

/** Matches ranked by their outputs' positions in the output values (first output first); ties keep rule order. */
function byPriority(outputs: DecisionOutput[], matches: { index: number; values: unknown[] }[]) {
  const rank = (values: unknown[]) =>
    outputs.map((output, i) => {
      const list = output.outputValues ?? [];
      const at = list.findIndex((v) => JSON.stringify(v) === JSON.stringify(values[i]));
      return at === -1 ? list.length : at;
    });
  return [...matches].sort((a, b) => {
    const ra = rank(a.values);
    const rb = rank(b.values);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return a.index - b.index;
  });
}

function aggregate(decisionId: string, aggregation: NonNullable<DecisionTable['aggregation']>, values: unknown[]): unknown {
  if (aggregation === 'COUNT') return values.length;
  if (values.length === 0) return null;
  const numbers = values.filter((v) => v !== null);
  if (numbers.some((v) => typeof v !== 'number')) {
    throw new DecisionFailure(decisionId, `hit policy COLLECT ${aggregation} of decision '${decisionId}' needs numeric outputs, but got ${JSON.stringify(values)}`);
  }
  const list = numbers as number[];
  if (list.length === 0) return null;
  if (aggregation === 'SUM') return list.reduce((a, b) => a + b, 0);
  return aggregation === 'MIN' ? Math.min(...list) : Math.max(...list);
}
