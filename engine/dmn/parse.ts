import { DmnModdle } from 'dmn-moddle';
import { evaluate, parseExpression, parseUnaryTests } from 'feelin';
import { CAMUNDA_FUNCTIONS } from '../feel/extensions';
import { BpmnDeployError } from '../model/errors';
import type { UnsupportedFinding } from '../model/types';
import {
  AGGREGATIONS, HIT_POLICIES, type Aggregation, type CompiledDecision, type CompiledDrg, type DecisionOutput, type DecisionTable, type HitPolicy,
} from './types';

type Element = Record<string, any> & { $type: string; id?: string };

const DOCUMENT = '(document)';

/**
 * DMN XML → CompiledDrg, validated as Zeebe validates a decision resource at deploy: every decision has a
 * decision table or a literal expression, hit policies and aggregations Zeebe supports, parsable FEEL, required
 * decisions that exist (and no cycles). Throws a BpmnDeployError listing every problem.
 */
export async function compileDmn(xml: string, resourceName: string): Promise<CompiledDrg> {
  const fail = (findings: UnsupportedFinding[]) => new BpmnDeployError(resourceName, findings);
  if (/<!DOCTYPE/i.test(xml)) throw fail([{ elementId: DOCUMENT, message: 'The file contains a <!DOCTYPE> declaration, which DMN files never need and the engine does not accept. Remove it and deploy again.' }]);
  let parsed: { rootElement: Element; warnings: Array<{ message: string }> };
  try {
    parsed = await new DmnModdle().fromXML(xml, 'dmn:Definitions');
  } catch (error) {
    throw fail([{ elementId: DOCUMENT, message: `The file is not valid DMN XML: ${String((error as Error).message).split('\n')[0]}. Open and save it in Camunda Modeler, then deploy again.` }]);
  }
  const definitions = parsed.rootElement;
  if (!definitions || definitions.$type !== 'dmn:Definitions') {
    throw fail([{ elementId: DOCUMENT, message: 'The file is not a DMN 1.3 document: the root element must be <definitions> in namespace https://www.omg.org/spec/DMN/20191111/MODEL/.' }]);
  }
  const findings: UnsupportedFinding[] = parsed.warnings
    .filter((w) => !/zeebe:|versionTag/.test(w.message))
    .map((w) => ({ elementId: DOCUMENT, message: `${w.message.split('\n')[0]}. Remove or correct it; the engine would otherwise ignore it silently.` }));
  const report = (elementId: string, message: string) => findings.push({ elementId, message: `Element '${elementId}': ${message}` });

  if (!definitions.id) report(DOCUMENT, 'the <definitions> element has no id; it is the decision requirements id. Give it one.');
  const decisions = ((definitions.drgElement as Element[] | undefined) ?? []).filter((e) => e.$type === 'dmn:Decision');
  if (decisions.length === 0) report(definitions.id ?? DOCUMENT, 'the file contains no decision. Add a decision table or literal expression.');
  const compiled = decisions.map((d) => compileDecision(d, report));
  checkRequirements(compiled, report);
  if (findings.length > 0) throw fail(findings);
  return { id: definitions.id as string, name: (definitions.name ?? definitions.id) as string, decisions: compiled };
}

type Report = (elementId: string, message: string) => void;

function compileDecision(element: Element, report: Report): CompiledDecision {
  const id = element.id ?? DOCUMENT;
  if (!element.id) report(DOCUMENT, 'a decision has no id. Give every decision an id.');
  const requiredDecisions = ((element.informationRequirement as Element[] | undefined) ?? [])
    .map((r) => (r.requiredDecision as Element | undefined)?.href as string | undefined)
    .filter((href): href is string => typeof href === 'string')
    .map((href) => href.replace(/^#/, ''));
  const logic = element.decisionLogic as Element | undefined;
  const decision: CompiledDecision = { id, name: element.name ?? id, requiredDecisions, logic: { kind: 'LITERAL_EXPRESSION', expression: 'null' } };
  const versionTag = versionTagOf(element);
  if (versionTag) decision.versionTag = versionTag;
  if (!logic) {
    report(id, 'the decision has no decision logic. Add a decision table or a literal expression.');
  } else if (logic.$type === 'dmn:DecisionTable') {
    decision.logic = compileTable(id, logic, report);
  } else if (logic.$type === 'dmn:LiteralExpression') {
    const expression = String(logic.text ?? '').trim();
    if (!expression) report(id, 'the literal expression is empty. Write a FEEL expression.');
    else checkExpression(id, expression, report);
    decision.logic = { kind: 'LITERAL_EXPRESSION', expression };
  } else {
    report(id, `the decision logic ${logic.$type.replace('dmn:', '')} is not supported (Zeebe evaluates decision tables and literal expressions).`);
  }
  return decision;
}

/** Camunda Modeler writes <zeebe:versionTag value="..."/>; dmn-moddle keeps it as a generic extension element. */
function versionTagOf(element: Element): string | undefined {
  const values = ((element.extensionElements as Element | undefined)?.values as Element[] | undefined) ?? [];
  const tag = values.find((v) => /(^|:)versionTag$/.test(v.$type));
  const value = tag?.value ?? tag?.$attrs?.value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function compileTable(decisionId: string, table: Element, report: Report): DecisionTable {
  const hitPolicy = String(table.hitPolicy ?? 'UNIQUE') as HitPolicy;
  if (!HIT_POLICIES.includes(hitPolicy)) report(decisionId, `the hit policy '${hitPolicy}' is not supported. Use one of: ${HIT_POLICIES.join(', ')}.`);
  const aggregation = table.aggregation as Aggregation | undefined;
  if (aggregation !== undefined && !AGGREGATIONS.includes(aggregation)) report(decisionId, `the aggregation '${aggregation}' is not supported. Use one of: ${AGGREGATIONS.join(', ')}.`);
  if (aggregation !== undefined && hitPolicy !== 'COLLECT') report(decisionId, `an aggregation (${aggregation}) is only allowed with hit policy COLLECT, not ${hitPolicy}.`);
  const inputs = ((table.input as Element[] | undefined) ?? []).map((input, i) => {
    const expression = String(input.inputExpression?.text ?? '').trim();
    const inputId = input.id ?? `${decisionId}-input-${i + 1}`;
    if (!expression) report(decisionId, `input ${i + 1} (${input.label ?? inputId}) has no input expression. Write the FEEL expression whose value the rules test.`);
    else checkExpression(decisionId, expression, report);
    const inputValues = typeof input.inputValues?.text === 'string' && input.inputValues.text.trim() !== '' ? String(input.inputValues.text) : undefined;
    if (inputValues) checkUnaryTests(decisionId, inputValues, report);
    return { id: inputId, name: input.label ?? expression, expression, ...(inputValues ? { inputValues } : {}) };
  });
  const outputs: DecisionOutput[] = ((table.output as Element[] | undefined) ?? []).map((output, i) => {
    const compiled: DecisionOutput = { id: output.id ?? `${decisionId}-output-${i + 1}` };
    if (output.name) compiled.name = output.name;
    if (output.label) compiled.label = output.label;
    const values = output.outputValues?.text;
    if (typeof values === 'string' && values.trim() !== '') compiled.outputValues = outputValueList(decisionId, values, report);
    return compiled;
  });
  if (outputs.length === 0) report(decisionId, 'the decision table has no output. Add an output column.');
  if (outputs.length > 1) {
    outputs.forEach((o, i) => { if (!o.name) report(decisionId, `output ${i + 1} (${o.label ?? o.id}) has no name; a table with several outputs needs a name on each (the key in the result).`); });
    const names = outputs.map((o) => o.name).filter(Boolean);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) report(decisionId, `two outputs are named '${twice}'. Give each output its own name.`);
    if (aggregation) report(decisionId, `hit policy COLLECT with aggregation ${aggregation} needs exactly one output, not ${outputs.length}.`);
  }
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && !outputs.some((o) => o.outputValues?.length)) {
    report(decisionId, `hit policy ${hitPolicy} ranks the matches by the output values, but no output lists any. Set output values (e.g. "high","medium","low") in priority order.`);
  }
  const rules = ((table.rule as Element[] | undefined) ?? []).map((rule, r) => {
    const ruleId = rule.id ?? `${decisionId}-rule-${r + 1}`;
    const inputEntries = ((rule.inputEntry as Element[] | undefined) ?? []).map((e) => String(e.text ?? '').trim() || '-');
    const outputEntries = ((rule.outputEntry as Element[] | undefined) ?? []).map((e) => String(e.text ?? '').trim());
    if (inputEntries.length !== inputs.length) report(decisionId, `rule ${r + 1} (${ruleId}) has ${inputEntries.length} input entries for ${inputs.length} inputs.`);
    if (outputEntries.length !== outputs.length) report(decisionId, `rule ${r + 1} (${ruleId}) has ${outputEntries.length} output entries for ${outputs.length} outputs.`);
    inputEntries.forEach((entry) => checkUnaryTests(decisionId, entry, report, `rule ${r + 1} (${ruleId})`));
    outputEntries.forEach((entry) => { if (entry) checkExpression(decisionId, entry, report, `rule ${r + 1} (${ruleId})`); });
    return { id: ruleId, inputEntries, outputEntries };
  });
  return { kind: 'DECISION_TABLE', hitPolicy, ...(aggregation ? { aggregation } : {}), inputs, outputs, rules };
}

/** Output values are a list of literals (`"high","low"`); read as a FEEL list so their priority order is known. */
function outputValueList(decisionId: string, text: string, report: Report): unknown[] {
  try {
    const value = evaluate(`[${text}]`, {}).value;
    if (Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  report(decisionId, `the output values '${text}' are not a list of literals (e.g. "high","medium","low").`);
  return [];
}

function checkExpression(decisionId: string, expression: string, report: Report, where = ''): void {
  const problem = syntaxProblem(expression, parseExpression);
  if (problem) report(decisionId, `${where ? `${where}: ` : ''}the FEEL expression '${expression}' ${problem}.`);
}

function checkUnaryTests(decisionId: string, tests: string, report: Report, where = ''): void {
  const problem = syntaxProblem(tests, parseUnaryTests);
  if (problem) report(decisionId, `${where ? `${where}: ` : ''}the input entry '${tests}' ${problem}.`);
}

function syntaxProblem(source: string, parse: typeof parseExpression): string | undefined {
  let problem: string | undefined;
  try {
    parse(source, CAMUNDA_FUNCTIONS, undefined).iterate({
      enter: (node) => {
        if (problem || !node.type.isError) return;
        problem = node.from >= source.length ? 'ends unexpectedly' : `has a syntax error at character ${node.from + 1}`;
      },
    });
  } catch (error) {
    problem = `cannot be parsed (${(error as Error).message})`;
  }
  return problem;
}

/** Required decisions must be in the same file, and the requirements must not form a cycle. */
function checkRequirements(decisions: CompiledDecision[], report: Report): void {
  const byId = new Map(decisions.map((d) => [d.id, d]));
  const ids = decisions.map((d) => d.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) report(twice, 'the decision id occurs twice in the file. Give every decision its own id.');
  for (const decision of decisions) {
    for (const required of decision.requiredDecisions) {
      if (!byId.has(required)) report(decision.id, `requires the decision '${required}', which is not in this file. Zeebe evaluates required decisions of the same DRD only.`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      report(id, `the required decisions form a cycle (${[...path, id].join(' → ')}). Remove one requirement.`);
      return;
    }
    state.set(id, 'visiting');
    for (const next of byId.get(id)?.requiredDecisions ?? []) if (byId.has(next)) visit(next, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of byId.keys()) visit(id, []);
}
