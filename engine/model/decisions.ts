import type { CalledDecisionDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, extensionOf } from './moddle';

const BINDING_TYPES = ['latest', 'deployment', 'versionTag'] as const;

/** zeebe:calledDecision on a business rule task, validated as Zeebe 8.8 does at deploy. */
export function compileCalledDecision(element: ModdleElement, findings: FindingCollector): CalledDecisionDefinition | undefined {
  const called = extensionOf(element, 'zeebe:CalledDecision');
  const decisionId = attr(called, 'decisionId');
  const resultVariable = attr(called, 'resultVariable');
  const bindingType = (attr(called, 'bindingType') ?? 'latest') as CalledDecisionDefinition['bindingType'];
  const versionTag = attr(called, 'versionTag');
  let valid = true;
  const problem = (text: string) => {
    findings.report(element, text);
    valid = false;
  };
  if (extensionOf(element, 'zeebe:TaskDefinition')) problem('has both zeebe:calledDecision and zeebe:taskDefinition. Keep one: the engine evaluates the decision, or a job worker does the work.');
  if (!decisionId) problem('calls no decision. Set the decision id on zeebe:calledDecision (in Camunda Modeler: "Decision ID").');
  if (!resultVariable) problem('has no result variable on zeebe:calledDecision. Set the variable that receives the decision result.');
  if (!(BINDING_TYPES as readonly string[]).includes(bindingType)) problem(`has binding type '${bindingType}'. Use one of: ${BINDING_TYPES.join(', ')}.`);
  if (bindingType === 'versionTag' && !versionTag) problem("has binding type 'versionTag' without a version tag. Set versionTag.");
  if (!valid) return undefined;
  return { decisionId: decisionId!, resultVariable: resultVariable!, bindingType, ...(bindingType === 'versionTag' ? { versionTag: versionTag! } : {}) };
}
