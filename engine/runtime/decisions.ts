import { createHash } from 'node:crypto';
import { nextKey, prepare } from '../store/db';
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

export interface DecisionDefinitionRow {
  key: number;
  decision_id: string;
  version: number;
  name: string;
  version_tag: string | null;
  drg_key: number;
  drg_id: string;
  decision_type: string;
  deployment_key: number;
}

/** Deploying identical content again returns the stored versions, like Zeebe (the checksum covers the file). */
export function storeDrg(ctx: Ctx, deploymentKey: number, parsed: ParsedDrg): Array<DeployedDecisionResult | DeployedDrgResult> {
  const { drg } = parsed;
  const sum = createHash('sha256').update(parsed.xml).digest('hex');
  const latest = prepare(ctx.db, 'SELECT key, version, checksum, deleted_at FROM decision_requirements WHERE drg_id = ? ORDER BY version DESC LIMIT 1').get(drg.id) as
    | { key: number; version: number; checksum: string; deleted_at: number | null }
    | undefined;
  if (latest && latest.checksum === sum && latest.deleted_at === null) {
    const rows = prepare(ctx.db, 'SELECT * FROM decision_definitions WHERE drg_key = ? ORDER BY key').all(latest.key) as DecisionDefinitionRow[];
    return [...rows.map(decisionResult), { kind: 'decisionRequirements', key: latest.key, drgId: drg.id, name: drg.name, version: latest.version, resourceName: parsed.resourceName }];
  }
  const drgKey = nextKey(ctx.db);
  const drgVersion = (latest?.version ?? 0) + 1;
  prepare(ctx.db, 'INSERT INTO decision_requirements (key, drg_id, version, name, resource_name, checksum, xml, compiled, deployment_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(drgKey, drg.id, drgVersion, drg.name, parsed.resourceName, sum, parsed.xml, JSON.stringify(drg), deploymentKey);
  const results: Array<DeployedDecisionResult | DeployedDrgResult> = [];
  for (const decision of drg.decisions) {
    const previous = prepare(ctx.db, 'SELECT MAX(version) AS v FROM decision_definitions WHERE decision_id = ?').get(decision.id) as { v: number | null };
    const key = nextKey(ctx.db);
    const row: DecisionDefinitionRow = {
      key, decision_id: decision.id, version: (previous.v ?? 0) + 1, name: decision.name, version_tag: decision.versionTag ?? null,
      drg_key: drgKey, drg_id: drg.id, decision_type: decision.logic.kind, deployment_key: deploymentKey,
    };
    prepare(ctx.db, 
        `INSERT INTO decision_definitions (key, decision_id, version, name, version_tag, drg_key, drg_id, decision_type, deployment_key)
         VALUES (@key, @decision_id, @version, @name, @version_tag, @drg_key, @drg_id, @decision_type, @deployment_key)`,
      )
      .run(row);
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
  const base = 'SELECT * FROM decision_definitions WHERE decision_id = ? AND deleted_at IS NULL';
  if (binding === 'deployment') return prepare(ctx.db, `${base} AND deployment_key = ? ORDER BY version DESC LIMIT 1`).get(decisionId, opts.deploymentKey ?? -1) as DecisionDefinitionRow | undefined;
  if (binding === 'versionTag') return prepare(ctx.db, `${base} AND version_tag = ? ORDER BY version DESC LIMIT 1`).get(decisionId, opts.versionTag ?? '') as DecisionDefinitionRow | undefined;
  return prepare(ctx.db, `${base} ORDER BY version DESC LIMIT 1`).get(decisionId) as DecisionDefinitionRow | undefined;
}

export function decisionByKey(ctx: Pick<Ctx, 'db'>, key: number): DecisionDefinitionRow | undefined {
  return prepare(ctx.db, 'SELECT * FROM decision_definitions WHERE key = ? AND deleted_at IS NULL').get(key) as DecisionDefinitionRow | undefined;
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
  const drgRow = prepare(ctx.db, 'SELECT compiled FROM decision_requirements WHERE key = ?').get(decision.drg_key) as { compiled: string };
  const drg = JSON.parse(drgRow.compiled) as CompiledDrg;
  const evaluation = evaluateDrg(drg, decision.decision_id, variables, new Date(ctx.now));
  const evaluationKey = nextKey(ctx.db);
  const siblings = prepare(ctx.db, 'SELECT * FROM decision_definitions WHERE drg_key = ?').all(decision.drg_key) as DecisionDefinitionRow[];
  const rowOf = (id: string) => siblings.find((s) => s.decision_id === id) ?? decision;
  const insert = prepare(ctx.db, 
    `INSERT INTO decision_instances (key, evaluation_key, idx, state, evaluation_date, failure, decision_key, decision_id, decision_name, decision_version,
       decision_type, result, evaluated_inputs, matched_rules, process_definition_key, process_instance_key, element_instance_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const instanceKeys: number[] = [];
  const evaluatedRows = evaluation.evaluated.map((evaluated, i) => {
    const row = rowOf(evaluated.decisionId);
    const instanceKey = nextKey(ctx.db);
    instanceKeys.push(instanceKey);
    const failed = evaluation.failure?.decisionId === evaluated.decisionId;
    insert.run(
      instanceKey, evaluationKey, i + 1, failed ? 'FAILED' : 'EVALUATED', ctx.now, failed ? evaluation.failure!.message : null,
      row.key, row.decision_id, row.name, row.version, evaluated.decisionType, JSON.stringify(evaluated.output ?? null),
      JSON.stringify(evaluated.evaluatedInputs), JSON.stringify(evaluated.matchedRules),
      link?.processDefinitionKey ?? null, link?.processInstanceKey ?? null, link?.elementInstanceKey ?? null,
    );
    return row;
  });
  return { evaluationKey, decision, evaluation, evaluatedRows, instanceKeys };
}
