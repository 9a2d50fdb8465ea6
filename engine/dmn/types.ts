/** A DMN file compiled for evaluation: its decision requirements graph (DRG) and the decisions in it. */

export const HIT_POLICIES = ['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER'] as const;
export type HitPolicy = (typeof HIT_POLICIES)[number];
export const AGGREGATIONS = ['SUM', 'MIN', 'MAX', 'COUNT'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface DecisionInput {
  id: string;
  /** Shown as inputName in evaluation results: the label, else the expression. */
  name: string;
  expression: string;
  /** Allowed values (FEEL unary tests), checked against the input value. */
  inputValues?: string;
}

export interface DecisionOutput {
  id: string;
  /** The key in the result context when the table has more than one output. */
  name?: string;
  label?: string;
  /** Output values in priority order (PRIORITY and OUTPUT ORDER rank by them). */
  outputValues?: unknown[];
}

export interface DecisionRule {
  id: string;
  inputEntries: string[];
  outputEntries: string[];
}

export interface DecisionTable {
  kind: 'DECISION_TABLE';
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: DecisionInput[];
  outputs: DecisionOutput[];
  rules: DecisionRule[];
}

export interface LiteralExpressionLogic {
  kind: 'LITERAL_EXPRESSION';
  expression: string;
}

export interface CompiledDecision {
  id: string;
  name: string;
  versionTag?: string;
  /** Ids of the decisions whose results this one reads (as variables named by those ids). */
  requiredDecisions: string[];
  logic: DecisionTable | LiteralExpressionLogic;
}

export interface CompiledDrg {
  id: string;
  name: string;
  decisions: CompiledDecision[];
}
