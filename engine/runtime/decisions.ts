import { createHash } from 'node:crypto';
import { nextKey } from '../store/db';
import {
  decisionByBinding, decisionsOfDrg, drgCompiled, insertDecisionDefinition, insertDecisionInstance, insertDrg, latestDecisionVersion, latestDrgVersion,
  liveDecisionByKey, type DecisionDefinitionRow,
} from '../store/decisions';
import { evaluateDrg, type DrgEvaluation } from '../dmn/evaluate';
import type { CompiledDrg } from '../dmn/types';
import type { Ctx } from './context';

/**
 * Deployed decisions (DMN): storing a decision requirements graph and its decisions with versions as Zeebe
 * counts them, finding the decision a caller binds to, and evaluating it with a decision instance per
 * evaluated decision (what Operate shows and the decision-instance endpoints search; each has its own key, like Camunda 8.8's decisionEvaluationInstanceKey).
 */

export interface ParsedDrg {
  resourceName: string;
  xml: string;
  drg: CompiledDrg;
}

export interface DeployedDecisionResult {
  kind: 'decision';
  key: number;
  decisionId: string;
  name: string;
  version: number;
  drgId: string;
  drgKey: number;
}

export interface DeployedDrgResult {
  kind: 'decisionRequirements';
  key: number;
  drgId: string;
  name: string;
  version: number;
  resourceName: string;
}

export type { DecisionDefinitionRow };

/** Deploying identical content again returns the stored versions, like Zeebe (the checksum covers the file). */
export function storeDrg(ctx: Ctx, deploymentKey: number, parsed: ParsedDrg): Array<DeployedDecisionResult | DeployedDrgResult> {
  const { drg } = parsed;
  const sum = createHash('sha256').update(parsed.xml).digest('hex');
  const latest = latestDrgVersion(ctx, drg.id);
  if (latest && latest.checksum === sum && latest.deleted_at === null) {
    const rows = decisionsOfDrg(ctx, latest.key);
    return [...rows.map(decisionResult), { kind: 'decisionRequirements', key: latest.key, drgId: drg.id, name: drg.name, version: latest.version, resourceName: parsed.resourceName }];
  }
  const drgKey = nextKey(ctx.db);
  const drgVersion = (latest?.version ?? 0) + 1;
  insertDrg(ctx, { key: drgKey, drgId: drg.id, version: drgVersion, name: drg.name, resourceName: parsed.resourceName, checksum: sum, xml: parsed.xml, compiled: drg, deploymentKey });
  const results: Array<DeployedDecisionResult | DeployedDrgResult> = [];
  for (const decision of drg.decisions) {
    const key = nextKey(ctx.db);
    const row: DecisionDefinitionRow = {
      key, decision_id: decision.id, version: (latestDecisionVersion(ctx, decision.id) ?? 0) + 1, name: decision.name, version_tag: decision.versionTag ?? null,
      drg_key: drgKey, drg_id: drg.id, decision_type: decision.logic.kind, deployment_key: deploymentKey,
    };
    insertDecisionDefinition(ctx, row);
    results.push(decisionResult(row));
  }
  results.push({ kind: 'decisionRequirements', key: drgKey, drgId: drg.id, name: drg.name, version: drgVersion, resourceName: parsed.resourceName });
  return results;
}

function decisionResult(row: DecisionDefinitionRow): DeployedDecisionResult {
  return { kind: 'decision', key: row.key, decisionId: row.decision_id, name: row.name, version: row.version, drgId: row.drg_id, drgKey: row.drg_key };
}

/** The decision a business rule task or an evaluation request binds to; undefined when none is deployed. */
export function findDecision(
  ctx: Pick<Ctx, 'db'>,
  decisionId: string,
  binding: 'latest' | 'deployment' | 'versionTag' = 'latest',
  opts: { deploymentKey?: number; versionTag?: string } = {},
): DecisionDefinitionRow | undefined {
  return decisionByBinding(ctx, decisionId, binding, opts);
}

export function decisionByKey(ctx: Pick<Ctx, 'db'>, key: number): DecisionDefinitionRow | undefined {
  return liveDecisionByKey(ctx, key);
}

export interface StoredEvaluation {
  evaluationKey: number;
  decision: DecisionDefinitionRow;
  evaluation: DrgEvaluation;
  /** The decision definitions of the evaluated decisions (same DRG version), in evaluation order. */
  evaluatedRows: DecisionDefinitionRow[];
  /** The decision instance key of each evaluated decision, in evaluation order. */
  instanceKeys: number[];
}

/** Evaluates a deployed decision and records one decision instance per evaluated decision. */
export function evaluateStoredDecision(
  ctx: Ctx,
  decision: DecisionDefinitionRow,
  variables: Record<string, unknown>,
  link: { processDefinitionKey: number; processInstanceKey: number; elementInstanceKey: number } | undefined = undefined,
): StoredEvaluation {
  const drg = JSON.parse(drgCompiled(ctx, decision.drg_key)) as CompiledDrg;
  const evaluation = evaluateDrg(drg, decision.decision_id, variables, new Date(ctx.now));
  const evaluationKey = nextKey(ctx.db);
  const siblings = decisionsOfDrg(ctx, decision.drg_key);
  const rowOf = (id: string) => siblings.find((s) => s.decision_id === id) ?? decision;
  const instanceKeys: number[] = [];
  const evaluatedRows = evaluation.evaluated.map((evaluated, i) => {
    const row = rowOf(evaluated.decisionId);
    const instanceKey = nextKey(ctx.db);
    instanceKeys.push(instanceKey);
    const failed = evaluation.failure?.decisionId === evaluated.decisionId;
    insertDecisionInstance(ctx, {
      key: instanceKey, evaluationKey, idx: i + 1, state: failed ? 'FAILED' : 'EVALUATED', evaluationDate: ctx.now, failure: failed ? evaluation.failure!.message : null,
      decision: row, decisionType: evaluated.decisionType, result: evaluated.output, evaluatedInputs: evaluated.evaluatedInputs, matchedRules: evaluated.matchedRules, link,
    });
    return row;
  });
  return { evaluationKey, decision, evaluation, evaluatedRows, instanceKeys };
}
