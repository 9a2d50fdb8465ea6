import type { ScriptDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, extensionOf } from './moddle';

const VARIABLE_NAME = /^[A-Za-z_]\w*$/;

/**
 * A FEEL script task (zeebe:script): the engine evaluates the expression itself and stores the result
 * under resultVariable, like a job completed with that one variable (Zeebe 8.8 ScriptTaskProcessor).
 * Zeebe requires exactly one of zeebe:script and zeebe:taskDefinition; the job variant is compiled elsewhere.
 */
export function compileScript(element: ModdleElement, findings: FindingCollector): ScriptDefinition | undefined {
  const script = extensionOf(element, 'zeebe:Script');
  if (!script) return undefined;
  if (extensionOf(element, 'zeebe:TaskDefinition')) {
    findings.report(element, "has both zeebe:script and zeebe:taskDefinition. Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element; keep one.");
    return undefined;
  }
  const expression = attr(script, 'expression');
  const resultVariable = attr(script, 'resultVariable');
  if (!expression) findings.report(element, 'has a zeebe:script without an expression. Write the FEEL expression to evaluate (e.g. =summa * 2).');
  if (!resultVariable) findings.report(element, 'has a zeebe:script without a result variable. Name the variable that receives the result (e.g. resultat).');
  else if (!VARIABLE_NAME.test(resultVariable)) {
    findings.report(element, `has the script result variable '${resultVariable}', which is not a plain variable name. Use letters, digits and _ (e.g. resultat); map it further with an output mapping.`);
    return undefined;
  }
  if (!expression || !resultVariable) return undefined;
  return { expression, resultVariable };
}
