/** Tiny builders for inline DMN fixtures (decision tables, literal expressions, required decisions). */
import { escapeXml } from './bpmn-xml';

export interface TableSpec {
  id: string;
  name?: string;
  hitPolicy?: string;
  aggregation?: string;
  /** Input expressions (FEEL). */
  inputs: string[];
  /** Output names; `values` lists output values in priority order. */
  outputs: Array<{ name?: string; values?: string }>;
  /** Each rule: input entries, then output entries. */
  rules: Array<[string[], string[]]>;
  requires?: string[];
}

const text = (s: string) => `<text>${escapeXml(s)}</text>`;
const requirements = (owner: string, ids: string[] = []) => ids.map((r) => `<informationRequirement id="ir_${owner}_${r}"><requiredDecision href="#${r}" /></informationRequirement>`).join('');

export function decisionTable(spec: TableSpec): string {
  const attrs = `${spec.hitPolicy ? ` hitPolicy="${spec.hitPolicy}"` : ''}${spec.aggregation ? ` aggregation="${spec.aggregation}"` : ''}`;
  const inputs = spec.inputs.map((e, i) => `<input id="${spec.id}_in${i + 1}" label="In ${i + 1}"><inputExpression id="${spec.id}_ie${i + 1}">${text(e)}</inputExpression></input>`).join('');
  const outputs = spec.outputs
    .map((o, i) => `<output id="${spec.id}_out${i + 1}"${o.name ? ` name="${o.name}"` : ''}>${o.values ? `<outputValues id="${spec.id}_ov${i + 1}">${text(o.values)}</outputValues>` : ''}</output>`)
    .join('');
  const rules = spec.rules
    .map(([ins, outs], r) => `<rule id="${spec.id}_r${r + 1}">${ins.map((e, i) => `<inputEntry id="${spec.id}_r${r + 1}_i${i}">${text(e)}</inputEntry>`).join('')}${outs.map((e, i) => `<outputEntry id="${spec.id}_r${r + 1}_o${i}">${text(e)}</outputEntry>`).join('')}</rule>`)
    .join('');
  return `<decision id="${spec.id}" name="${spec.name ?? spec.id}">${requirements(spec.id, spec.requires)}<decisionTable id="${spec.id}_table"${attrs}>${inputs}${outputs}${rules}</decisionTable></decision>`;
}

export function literalDecision(id: string, expression: string, requires: string[] = []): string {
  return `<decision id="${id}" name="${id}">${requirements(id, requires)}<literalExpression id="${id}_le">${text(expression)}</literalExpression></decision>`;
}

export function dmnXml(decisions: string, id = 'drg', name = 'Test DRG'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="${id}" name="${name}" namespace="http://camunda.org/schema/1.0/dmn">\n${decisions}\n</definitions>`;
}
