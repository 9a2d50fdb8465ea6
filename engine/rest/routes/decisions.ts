import { Router } from 'express';
import { z } from 'zod';
import {
  getDecisionInstance, LIVE_DECISION_DEFINITIONS, LIVE_DECISION_REQUIREMENTS, liveDrgByKey, type DecisionInstanceRow, type DrgRow,
} from '../../store/decisions';
import type { Engine } from '../../runtime/engine';
import { notFound } from '../../runtime/errors';
import { decisionByKey, evaluateStoredDecision, findDecision, type DecisionDefinitionRow } from '../../runtime/decisions';
import { runSearch, type SearchDefinition } from '../search';
import { keyString, parseInput, parseKey, variablesObject } from '../validation';
import { TENANT } from '../views';

/** DMN: evaluating a decision, and decision definitions, decision requirements and decision instances (search/get/XML). */

const tenantId = z.literal(TENANT, { error: `only the default tenant '${TENANT}' exists in the embedded engine` });
const evaluationSchema = z.union([
  z.strictObject({ decisionDefinitionId: z.string().min(1), variables: variablesObject.optional(), tenantId: tenantId.optional() }),
  z.strictObject({ decisionDefinitionKey: keyString, variables: variablesObject.optional(), tenantId: tenantId.optional() }),
]);

const json = (value: unknown) => JSON.stringify(value ?? null);

function decisionDefinitionView(row: DecisionDefinitionRow) {
  return {
    decisionDefinitionId: row.decision_id, name: row.name, version: row.version, decisionRequirementsId: row.drg_id, tenantId: TENANT,
    decisionDefinitionKey: String(row.key), decisionRequirementsKey: String(row.drg_key),
  };
}

function drgView(row: DrgRow) {
  return { decisionRequirementsName: row.name, version: row.version, decisionRequirementsId: row.drg_id, resourceName: row.resource_name, tenantId: TENANT, decisionRequirementsKey: String(row.key) };
}

function decisionInstanceView(row: DecisionInstanceRow) {
  return {
    decisionEvaluationInstanceKey: String(row.key), state: row.state, evaluationDate: new Date(row.evaluation_date).toISOString(),
    ...(row.failure ? { evaluationFailure: row.failure } : {}),
    decisionDefinitionId: row.decision_id, decisionDefinitionName: row.decision_name, decisionDefinitionVersion: row.decision_version,
    decisionDefinitionType: row.decision_type, result: row.result, tenantId: TENANT, decisionEvaluationKey: String(row.evaluation_key),
    // Camunda answers -1 for an evaluation that no process made.
    processDefinitionKey: String(row.process_definition_key ?? -1), processInstanceKey: String(row.process_instance_key ?? -1),
    decisionDefinitionKey: String(row.decision_key), ...(row.element_instance_key !== null ? { elementInstanceKey: String(row.element_instance_key) } : {}),
  };
}

/** Inputs and outputs are JSON documents in the API, each value serialised as a string. */
function evaluatedDetails(row: Pick<DecisionInstanceRow, 'evaluated_inputs' | 'matched_rules'>) {
  const inputs = JSON.parse(row.evaluated_inputs) as { inputId: string; inputName: string; inputValue: unknown }[];
  const rules = JSON.parse(row.matched_rules) as { ruleId: string; ruleIndex: number; evaluatedOutputs: { outputId: string; outputName: string; outputValue: unknown }[] }[];
  return {
    evaluatedInputs: inputs.map((i) => ({ ...i, inputValue: json(i.inputValue) })),
    matchedRules: rules.map((r) => ({ ...r, evaluatedOutputs: r.evaluatedOutputs.map((o) => ({ ...o, outputValue: json(o.outputValue) })) })),
  };
}

const definitionSearch: SearchDefinition<DecisionDefinitionRow, ReturnType<typeof decisionDefinitionView>> = {
  from: LIVE_DECISION_DEFINITIONS,
  fields: {
    decisionDefinitionKey: { column: 'd.key', kind: 'key' },
    decisionDefinitionId: { column: 'd.decision_id', kind: 'string' },
    name: { column: 'd.name', kind: 'string' },
    version: { column: 'd.version', kind: 'int' },
    decisionRequirementsId: { column: 'd.drg_id', kind: 'string' },
    decisionRequirementsKey: { column: 'd.drg_key', kind: 'key' },
  },
  extraFilters: { tenantId },
  sort: {
    decisionDefinitionKey: 'd.key', decisionDefinitionId: 'd.decision_id', name: 'd.name', version: 'd.version',
    decisionRequirementsId: 'd.drg_id', decisionRequirementsKey: 'd.drg_key', tenantId: 'd.key',
  },
  defaultOrder: 'd.key ASC',
  toItem: decisionDefinitionView,
};

const drgSearch: SearchDefinition<DrgRow, ReturnType<typeof drgView>> = {
  from: LIVE_DECISION_REQUIREMENTS,
  fields: {
    decisionRequirementsKey: { column: 'r.key', kind: 'key' },
    decisionRequirementsId: { column: 'r.drg_id', kind: 'string' },
    decisionRequirementsName: { column: 'r.name', kind: 'string' },
    version: { column: 'r.version', kind: 'int' },
    resourceName: { column: 'r.resource_name', kind: 'string' },
  },
  extraFilters: { tenantId },
  sort: { decisionRequirementsKey: 'r.key', decisionRequirementsName: 'r.name', version: 'r.version', decisionRequirementsId: 'r.drg_id', tenantId: 'r.key' },
  defaultOrder: 'r.key ASC',
  toItem: drgView,
};

const instanceSearch: SearchDefinition<DecisionInstanceRow, ReturnType<typeof decisionInstanceView>> = {
  from: 'decision_instances i',
  fields: {
    decisionEvaluationInstanceKey: { column: 'i.key', kind: 'key' },
    state: { column: 'i.state', kind: 'string', values: ['EVALUATED', 'FAILED', 'UNSPECIFIED', 'UNKNOWN'] },
    evaluationFailure: { column: 'i.failure', kind: 'string' },
    evaluationDate: { column: 'i.evaluation_date', kind: 'date' },
    decisionDefinitionId: { column: 'i.decision_id', kind: 'string' },
    decisionDefinitionName: { column: 'i.decision_name', kind: 'string' },
    decisionDefinitionVersion: { column: 'i.decision_version', kind: 'int' },
    decisionDefinitionType: { column: 'i.decision_type', kind: 'string', values: ['DECISION_TABLE', 'LITERAL_EXPRESSION', 'UNSPECIFIED', 'UNKNOWN'] },
    decisionEvaluationKey: { column: 'i.evaluation_key', kind: 'key' },
    processDefinitionKey: { column: 'i.process_definition_key', kind: 'key' },
    processInstanceKey: { column: 'i.process_instance_key', kind: 'key' },
    decisionDefinitionKey: { column: 'i.decision_key', kind: 'key' },
    elementInstanceKey: { column: 'i.element_instance_key', kind: 'key' },
  },
  extraFilters: { tenantId },
  sort: {
    decisionDefinitionId: 'i.decision_id', decisionDefinitionKey: 'i.decision_key', decisionDefinitionName: 'i.decision_name',
    decisionDefinitionType: 'i.decision_type', decisionDefinitionVersion: 'i.decision_version', decisionEvaluationInstanceKey: 'i.key',
    decisionEvaluationKey: 'i.evaluation_key', elementInstanceKey: 'i.element_instance_key', evaluationDate: 'i.evaluation_date',
    evaluationFailure: 'i.failure', processDefinitionKey: 'i.process_definition_key', processInstanceKey: 'i.process_instance_key', state: 'i.state', tenantId: 'i.evaluation_key',
  },
  defaultOrder: 'i.evaluation_key ASC, i.idx ASC',
  toItem: decisionInstanceView,
};

export function decisionRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/decision-definitions/evaluation', async (req, res) => {
    const input = parseInput(evaluationSchema, req.body);
    const stored = await engine.execute((ctx) => {
      const decision = 'decisionDefinitionKey' in input ? decisionByKey(ctx, Number(input.decisionDefinitionKey)) : findDecision(ctx, input.decisionDefinitionId);
      if (!decision) {
        throw notFound('decisionDefinitionKey' in input
          ? `Expected to evaluate decision with key '${input.decisionDefinitionKey}', but no such decision was found.`
          : `Expected to evaluate decision '${input.decisionDefinitionId}', but no decision found for id '${input.decisionDefinitionId}'.`);
      }
      return evaluateStoredDecision(ctx, decision, input.variables ?? {});
    });
    const { decision, evaluation, evaluationKey, evaluatedRows, instanceKeys } = stored;
    const drgKey = String(decision.drg_key);
    res.json({
      decisionDefinitionId: decision.decision_id, decisionDefinitionName: decision.name, decisionDefinitionVersion: decision.version,
      decisionRequirementsId: decision.drg_id, output: json(evaluation.output),
      failedDecisionDefinitionId: evaluation.failure?.decisionId ?? '', failureMessage: evaluation.failure?.message ?? '',
      tenantId: TENANT, decisionDefinitionKey: String(decision.key), decisionRequirementsKey: drgKey,
      decisionInstanceKey: String(evaluationKey), decisionEvaluationKey: String(evaluationKey),
      evaluatedDecisions: evaluation.evaluated.map((evaluated, i) => {
        const row = evaluatedRows[i]!;
        return {
          decisionDefinitionId: row.decision_id, decisionDefinitionName: row.name, decisionDefinitionVersion: row.version, decisionDefinitionType: evaluated.decisionType,
          output: json(evaluated.output), tenantId: TENANT, decisionDefinitionKey: String(row.key), decisionEvaluationInstanceKey: String(instanceKeys[i]),
          ...evaluatedDetails({ evaluated_inputs: JSON.stringify(evaluated.evaluatedInputs), matched_rules: JSON.stringify(evaluated.matchedRules) }),
        };
      }),
    });
  });

  router.post('/decision-definitions/search', async (req, res) => {
    res.json(runSearch(engine.db, definitionSearch, req.body));
  });
  const definition = (param: string) => {
    const key = parseKey(param, 'decision definition key');
    const row = decisionByKey({ db: engine.db }, key);
    if (!row) throw notFound(`Decision definition with key '${key}' not found.`);
    return row;
  };
  router.get('/decision-definitions/:key', async (req, res) => {
    res.json(decisionDefinitionView(definition(req.params.key)));
  });
  router.get('/decision-definitions/:key/xml', async (req, res) => {
    res.type('text/xml').send(drg(String(definition(req.params.key).drg_key)).xml);
  });

  router.post('/decision-requirements/search', async (req, res) => {
    res.json(runSearch(engine.db, drgSearch, req.body));
  });
  const drg = (param: string) => {
    const key = parseKey(param, 'decision requirements key');
    const row = liveDrgByKey(engine, key);
    if (!row) throw notFound(`Decision requirements with key '${key}' not found.`);
    return row;
  };
  router.get('/decision-requirements/:key', async (req, res) => {
    res.json(drgView(drg(req.params.key)));
  });
  router.get('/decision-requirements/:key/xml', async (req, res) => {
    res.type('text/xml').send(drg(req.params.key).xml);
  });

  router.post('/decision-instances/search', async (req, res) => {
    res.json(runSearch(engine.db, instanceSearch, req.body));
  });
  router.get('/decision-instances/:key', async (req, res) => {
    const key = parseKey(req.params.key, 'decision evaluation instance key');
    const row = getDecisionInstance(engine, key);
    if (!row) throw notFound(`Decision instance with key '${key}' not found.`);
    res.json({ ...decisionInstanceView(row), ...evaluatedDetails(row) });
  });
  return router;
}
