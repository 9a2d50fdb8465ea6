import { getVariable } from '../../store/variables';
import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import type { ElementInstanceRow } from '../../runtime/context';
import { notFound } from '../../runtime/errors';
import { resolveIncident, type IncidentRow } from '../../runtime/incidents';
import { runSearch, type SearchDefinition } from '../search';
import { parseInput, parseKey, variablesObject } from '../validation';
import { setVariablesCommand } from '../../runtime/variables';
import { activateAdHocActivities } from '../../runtime/adHoc';
import { elementInstanceView, incidentView, TENANT, variableView, type VariableView } from '../views';

const ELEMENT_TYPES = [
  'UNSPECIFIED', 'PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS', 'AD_HOC_SUB_PROCESS', 'AD_HOC_SUB_PROCESS_INNER_INSTANCE', 'START_EVENT',
  'INTERMEDIATE_CATCH_EVENT', 'INTERMEDIATE_THROW_EVENT', 'BOUNDARY_EVENT', 'END_EVENT', 'SERVICE_TASK', 'RECEIVE_TASK', 'USER_TASK',
  'MANUAL_TASK', 'TASK', 'EXCLUSIVE_GATEWAY', 'INCLUSIVE_GATEWAY', 'PARALLEL_GATEWAY', 'EVENT_BASED_GATEWAY', 'SEQUENCE_FLOW',
  'MULTI_INSTANCE_BODY', 'CALL_ACTIVITY', 'BUSINESS_RULE_TASK', 'SCRIPT_TASK', 'SEND_TASK', 'UNKNOWN',
] as const;
const ERROR_TYPES = [
  'UNSPECIFIED', 'UNKNOWN', 'IO_MAPPING_ERROR', 'JOB_NO_RETRIES', 'EXECUTION_LISTENER_NO_RETRIES', 'TASK_LISTENER_NO_RETRIES',
  'AD_HOC_SUB_PROCESS_NO_RETRIES', 'CONDITION_ERROR', 'EXTRACT_VALUE_ERROR', 'CALLED_ELEMENT_ERROR', 'UNHANDLED_ERROR_EVENT',
  'MESSAGE_SIZE_EXCEEDED', 'CALLED_DECISION_ERROR', 'DECISION_EVALUATION_ERROR', 'FORM_NOT_FOUND', 'RESOURCE_NOT_FOUND',
] as const;

const elementInstanceSearch: SearchDefinition<ElementInstanceRow, ReturnType<typeof elementInstanceView>> = {
  from: 'element_instances e',
  fields: {
    elementInstanceKey: { column: 'e.key', kind: 'key' },
    processInstanceKey: { column: 'e.process_instance_key', kind: 'key' },
    processDefinitionKey: { column: 'e.process_definition_key', kind: 'key' },
    processDefinitionId: { column: 'e.bpmn_process_id', kind: 'string' },
    state: { column: 'e.state', kind: 'string', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] },
    type: { column: 'e.element_type', kind: 'string', values: ELEMENT_TYPES },
    elementId: { column: 'e.element_id', kind: 'string' },
    incidentKey: { column: 'e.incident_key', kind: 'key' },
    elementInstanceScopeKey: { column: 'e.flow_scope_key', kind: 'key' },
    startDate: { column: 'e.start_date', kind: 'date' },
    endDate: { column: 'e.end_date', kind: 'date' },
    elementName: { column: 'e.element_name', kind: 'string' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  extraFilters: { hasIncident: z.boolean() },
  applyExtraFilters: (where, filter) => {
    if (filter.hasIncident !== undefined) where.add(filter.hasIncident ? 'e.incident_key IS NOT NULL' : 'e.incident_key IS NULL');
  },
  sort: {
    elementInstanceKey: 'e.key', processInstanceKey: 'e.process_instance_key', processDefinitionKey: 'e.process_definition_key',
    processDefinitionId: 'e.bpmn_process_id', startDate: 'e.start_date', endDate: 'e.end_date', elementId: 'e.element_id',
    elementName: 'e.element_name', type: 'e.element_type', state: 'e.state', incidentKey: 'e.incident_key', tenantId: 'e.key',
  },
  defaultOrder: 'e.key ASC',
  // The process instance is the root element instance in the store (as in Zeebe's state), but Camunda's exporter
  // never writes it as an element instance: it is only visible as a process instance.
  baseFilter: (where) => where.add(`e.element_type <> 'PROCESS'`),
  toItem: elementInstanceView,
};

const variableSearch: SearchDefinition<VariableView, ReturnType<typeof variableView>> = {
  from: 'variables v',
  fields: {
    variableKey: { column: 'v.key', kind: 'key' },
    name: { column: 'v.name', kind: 'string' },
    value: { column: 'v.value', kind: 'string' },
    scopeKey: { column: 'v.scope_key', kind: 'key' },
    processInstanceKey: { column: 'v.process_instance_key', kind: 'key' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  extraFilters: { isTruncated: z.boolean() },
  applyExtraFilters: (where, filter) => {
    if (filter.isTruncated !== undefined) where.add(`(length(v.value) > 8192) = ?`, filter.isTruncated ? 1 : 0);
  },
  sort: { value: 'v.value', name: 'v.name', tenantId: 'v.key', variableKey: 'v.key', scopeKey: 'v.scope_key', processInstanceKey: 'v.process_instance_key' },
  defaultOrder: 'v.key ASC',
  toItem: (row) => variableView(row, true),
};

export const incidentSearch: SearchDefinition<IncidentRow, ReturnType<typeof incidentView>> = {
  from: 'incidents i',
  fields: {
    incidentKey: { column: 'i.key', kind: 'key' },
    processDefinitionKey: { column: 'i.process_definition_key', kind: 'key' },
    processDefinitionId: { column: 'i.bpmn_process_id', kind: 'string' },
    processInstanceKey: { column: 'i.process_instance_key', kind: 'key' },
    elementInstanceKey: { column: 'i.element_instance_key', kind: 'key' },
    elementId: { column: 'i.element_id', kind: 'string' },
    errorType: { column: 'i.error_type', kind: 'string', values: ERROR_TYPES },
    errorMessage: { column: 'i.error_message', kind: 'string' },
    state: { column: 'i.state', kind: 'string', values: ['ACTIVE', 'MIGRATED', 'RESOLVED', 'PENDING'] },
    jobKey: { column: 'i.job_key', kind: 'key' },
    creationTime: { column: 'i.creation_time', kind: 'date' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  sort: {
    incidentKey: 'i.key', processDefinitionKey: 'i.process_definition_key', processDefinitionId: 'i.bpmn_process_id',
    processInstanceKey: 'i.process_instance_key', errorType: 'i.error_type', errorMessage: 'i.error_message', elementId: 'i.element_id',
    elementInstanceKey: 'i.element_instance_key', creationTime: 'i.creation_time', state: 'i.state', jobKey: 'i.job_key', tenantId: 'i.key',
  },
  defaultOrder: 'i.key ASC',
  toItem: incidentView,
};

function getOne<Row, T>(engine: Engine, def: SearchDefinition<Row, T>, field: string, key: number, what: string): T {
  const result = runSearch(engine.db, def, { filter: { [field]: String(key) } }, def.baseFilter);
  if (result.items.length === 0) throw notFound(`${what} with key '${key}' not found.`);
  return result.items[0];
}

/** Read models of running state: element instances, variables, incidents (+ incident resolution). */
export function runtimeStateRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/element-instances/search', async (req, res) => {
    res.json(runSearch(engine.db, elementInstanceSearch, req.body, elementInstanceSearch.baseFilter));
  });
  router.get('/element-instances/:key', async (req, res) => {
    res.json(getOne(engine, elementInstanceSearch, 'elementInstanceKey', parseKey(req.params.key, 'element instance key'), 'Element instance'));
  });

  const setVariablesSchema = z.strictObject({
    variables: variablesObject,
    local: z.boolean().optional(),
    operationReference: z.union([z.number(), z.string()]).optional(),
  });
  router.put('/element-instances/:key/variables', async (req, res) => {
    const key = parseKey(req.params.key, 'element instance key');
    const input = parseInput(setVariablesSchema, req.body);
    await engine.execute((ctx) => setVariablesCommand(ctx, key, input.variables, input.local ?? false));
    res.status(204).end();
  });

  const adHocActivationSchema = z.strictObject({
    elements: z.array(z.strictObject({ elementId: z.string().min(1), variables: variablesObject.optional() })),
    // Zeebe 8.8 takes it in the instruction record but its activation processor does not act on it.
    cancelRemainingInstances: z.boolean().optional(),
  });
  router.post('/element-instances/ad-hoc-activities/:key/activation', async (req, res) => {
    const key = parseKey(req.params.key, 'ad-hoc sub-process instance key');
    const input = parseInput(adHocActivationSchema, req.body);
    await engine.execute((ctx) => activateAdHocActivities(ctx, key, input));
    res.status(204).end();
  });

  router.post('/variables/search', async (req, res) => {
    res.json(runSearch(engine.db, variableSearch, req.body));
  });
  router.get('/variables/:key', async (req, res) => {
    const key = parseKey(req.params.key, 'variable key');
    const row = getVariable(engine, key);
    if (!row) throw notFound(`Variable with key '${key}' not found.`);
    res.json(variableView(row, false));
  });

  router.post('/incidents/search', async (req, res) => {
    res.json(runSearch(engine.db, incidentSearch, req.body));
  });
  router.get('/incidents/:key', async (req, res) => {
    res.json(getOne(engine, incidentSearch, 'incidentKey', parseKey(req.params.key, 'incident key'), 'Incident'));
  });
  const resolutionSchema = z.union([z.strictObject({ operationReference: z.union([z.number(), z.string()]).optional() }), z.null()]);
  router.post('/incidents/:key/resolution', async (req, res) => {
    const key = parseKey(req.params.key, 'incident key');
    parseInput(resolutionSchema, req.body);
    await engine.execute((ctx) => resolveIncident(ctx, key));
    res.status(204).end();
  });

  return router;
}
