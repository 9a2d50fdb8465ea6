import { prepare } from './db';
import type { Store } from './elementInstances';
import type { BindingType } from './processInstances';
import type { LatestVersion } from './definitions';

/** Deployed decision requirements graphs (XML + compiled DRG), their decisions, and the decision instances of evaluations. */

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

export type DecisionInstanceState = 'EVALUATED' | 'FAILED';

export function latestDrgVersion(s: Store, drgId: string): LatestVersion | undefined {
  return prepare(s.db, 'SELECT key, version, checksum, deleted_at FROM decision_requirements WHERE drg_id = ? ORDER BY version DESC LIMIT 1').get(drgId) as
    | LatestVersion
    | undefined;
}

export interface NewDrg {
  key: number;
  drgId: string;
  version: number;
  name: string;
  resourceName: string;
  checksum: string;
  xml: string;
  compiled: object;
  deploymentKey: number;
}

export function insertDrg(s: Store, d: NewDrg): void {
  prepare(s.db, 'INSERT INTO decision_requirements (key, drg_id, version, name, resource_name, checksum, xml, compiled, deployment_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(d.key, d.drgId, d.version, d.name, d.resourceName, d.checksum, d.xml, JSON.stringify(d.compiled), d.deploymentKey);
}

/** JSON of the CompiledDrg of a stored DRG. */
export function drgCompiled(s: Store, drgKey: number): string {
  return (prepare(s.db, 'SELECT compiled FROM decision_requirements WHERE key = ?').get(drgKey) as { compiled: string }).compiled;
}

/** The decisions of one DRG version, by key (deployment order). */
export function decisionsOfDrg(s: Store, drgKey: number): DecisionDefinitionRow[] {
  return prepare(s.db, 'SELECT * FROM decision_definitions WHERE drg_key = ? ORDER BY key').all(drgKey) as DecisionDefinitionRow[];
}

/** Highest version of a decision id ever deployed (deleted ones included: versions are never reused). */
export function latestDecisionVersion(s: Store, decisionId: string): number | undefined {
  return (prepare(s.db, 'SELECT MAX(version) AS v FROM decision_definitions WHERE decision_id = ?').get(decisionId) as { v: number | null }).v ?? undefined;
}

export function insertDecisionDefinition(s: Store, row: DecisionDefinitionRow): void {
  prepare(
    s.db,
    `INSERT INTO decision_definitions (key, decision_id, version, name, version_tag, drg_key, drg_id, decision_type, deployment_key)
     VALUES (@key, @decision_id, @version, @name, @version_tag, @drg_key, @drg_id, @decision_type, @deployment_key)`,
  ).run(row);
}

/** Newest non-deleted version of a decision id, by binding (latest, same deployment, version tag). */
export function decisionByBinding(s: Store, decisionId: string, binding: BindingType, opts: { deploymentKey?: number; versionTag?: string }): DecisionDefinitionRow | undefined {
  const base = 'SELECT * FROM decision_definitions WHERE decision_id = ? AND deleted_at IS NULL';
  if (binding === 'deployment') return prepare(s.db, `${base} AND deployment_key = ? ORDER BY version DESC LIMIT 1`).get(decisionId, opts.deploymentKey ?? -1) as DecisionDefinitionRow | undefined;
  if (binding === 'versionTag') return prepare(s.db, `${base} AND version_tag = ? ORDER BY version DESC LIMIT 1`).get(decisionId, opts.versionTag ?? '') as DecisionDefinitionRow | undefined;
  return prepare(s.db, `${base} ORDER BY version DESC LIMIT 1`).get(decisionId) as DecisionDefinitionRow | undefined;
}

export function liveDecisionByKey(s: Store, key: number): DecisionDefinitionRow | undefined {
  return prepare(s.db, 'SELECT * FROM decision_definitions WHERE key = ? AND deleted_at IS NULL').get(key) as DecisionDefinitionRow | undefined;
}

export interface NewDecisionInstance {
  key: number;
  evaluationKey: number;
  /** 1-based position in the evaluation. */
  idx: number;
  state: DecisionInstanceState;
  evaluationDate: number;
  failure: string | null;
  decision: DecisionDefinitionRow;
  decisionType: string;
  result: unknown;
  evaluatedInputs: unknown;
  matchedRules: unknown;
  link: { processDefinitionKey: number; processInstanceKey: number; elementInstanceKey: number } | undefined;
}

export function insertDecisionInstance(s: Store, d: NewDecisionInstance): void {
  prepare(
    s.db,
    `INSERT INTO decision_instances (key, evaluation_key, idx, state, evaluation_date, failure, decision_key, decision_id, decision_name, decision_version,
       decision_type, result, evaluated_inputs, matched_rules, process_definition_key, process_instance_key, element_instance_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.key, d.evaluationKey, d.idx, d.state, d.evaluationDate, d.failure, d.decision.key, d.decision.decision_id, d.decision.name, d.decision.version,
    d.decisionType, JSON.stringify(d.result ?? null), JSON.stringify(d.evaluatedInputs), JSON.stringify(d.matchedRules),
    d.link?.processDefinitionKey ?? null, d.link?.processInstanceKey ?? null, d.link?.elementInstanceKey ?? null,
  );
}

export interface DrgRow {
  key: number;
  drg_id: string;
  version: number;
  name: string;
  resource_name: string;
  xml: string;
}

export interface DecisionInstanceRow {
  key: number;
  evaluation_key: number;
  state: DecisionInstanceState;
  evaluation_date: number;
  failure: string | null;
  decision_key: number;
  decision_id: string;
  decision_name: string;
  decision_version: number;
  decision_type: string;
  /** JSON texts. */
  result: string;
  evaluated_inputs: string;
  matched_rules: string;
  process_definition_key: number | null;
  process_instance_key: number | null;
  element_instance_key: number | null;
}

/** Search sources of the decision definitions and DRGs the API shows (deleted ones are gone for it). */
export const LIVE_DECISION_DEFINITIONS = '(SELECT * FROM decision_definitions WHERE deleted_at IS NULL) d';
export const LIVE_DECISION_REQUIREMENTS = '(SELECT * FROM decision_requirements WHERE deleted_at IS NULL) r';

export function liveDrgByKey(s: Store, key: number): DrgRow | undefined {
  return prepare(s.db, 'SELECT * FROM decision_requirements WHERE key = ? AND deleted_at IS NULL').get(key) as DrgRow | undefined;
}

export function getDecisionInstance(s: Store, key: number): DecisionInstanceRow | undefined {
  return prepare(s.db, 'SELECT * FROM decision_instances WHERE key = ?').get(key) as DecisionInstanceRow | undefined;
}
