import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { evaluateStoredDecision, findDecision } from './decisions';
import { parseData } from './model';
import { visibleVariables } from './variables';
import { updateData } from '../store/elementInstances';

/**
 * A business rule task with zeebe:calledDecision: the engine evaluates the decision with the task's variables and
 * completes the task with the result in the result variable (output mappings apply as after a job). A decision
 * that is not deployed is a CALLED_DECISION_ERROR incident, a failing evaluation a DECISION_EVALUATION_ERROR one,
 * as in Zeebe; resolving the incident evaluates again.
 */
export function evaluateCalledDecision(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode, leave: () => void): void {
  const called = node.calledDecision!;
  const vars = visibleVariables(ctx, ei.key);
  const decisionId = expr.evaluateString(called.decisionId, vars, `the called decision of '${node.id}'`);
  const caller = ctx.definition(ei.process_definition_key);
  const decision = findDecision(ctx, decisionId, called.bindingType, { deploymentKey: caller.row.deployment_key, versionTag: called.versionTag });
  if (!decision) {
    const which = called.bindingType === 'versionTag' ? ` with version tag '${called.versionTag}'` : called.bindingType === 'deployment' ? ' in the same deployment as the process' : '';
    throw new ElementFailure('CALLED_DECISION_ERROR', `Expected to evaluate decision '${decisionId}'${which}, but no decision found for id '${decisionId}'. Deploy it, then resolve this incident.`);
  }
  const link = { processDefinitionKey: ei.process_definition_key, processInstanceKey: ei.process_instance_key, elementInstanceKey: ei.key };
  const { evaluation } = evaluateStoredDecision(ctx, decision, vars, link);
  if (evaluation.failure) {
    const failure = new ElementFailure('DECISION_EVALUATION_ERROR', evaluation.failure.message);
    // The step is rolled back, but the failed evaluation stays visible (as Zeebe's failed decision instance).
    failure.afterRollback = () => evaluateStoredDecision(ctx, decision, vars, link);
    throw failure;
  }
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: { [called.resultVariable]: evaluation.output } });
  leave();
}
