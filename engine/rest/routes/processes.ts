import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { invalidArgument, notFound } from '../../runtime/errors';
import { cancelProcessInstance } from '../../runtime/instances';
import { awaitCompletion, startProcessInstance } from '../../runtime/startInstance';
import { isLatestVersion, LIVE_DEFINITIONS, liveDefinitionWithXml } from '../../store/definitions';
import { CARRIES_TAG, hasActiveElement, PROCESS_INSTANCES_WITH_DEFINITION, type ProcessInstanceSearchRow } from '../../store/processInstances';
import { scopeHasVariable } from '../../store/variables';
import { runSearch, WhereBuilder, type FieldSpecs, type SearchDefinition } from '../search';
import { keyString, millis, parseInput, parseKey, variablesObject } from '../validation';
import { processDefinitionView, processInstanceView, TENANT, type ProcessDefinitionView } from '../views';

/** Camunda's TagSet: up to 10 distinct tags, each starting with a letter (then alphanumerics, `_ - : .`), ≤ 100 chars. */
const tag = z.string().regex(/^[A-Za-z][A-Za-z0-9_\-:.]{0,99}$/, 'a tag starts with a letter, then letters, digits, _ - : or . (at most 100 characters)');
const tagSet = z.array(tag).max(10, 'at most 10 tags per process instance').refine((tags) => new Set(tags).size === tags.length, 'tags must be distinct');
const tenantId = z.literal(TENANT, { error: `only the default tenant '${TENANT}' exists in the embedded engine` });
const common = {
  variables: variablesObject.optional(),
  tenantId: tenantId.optional(),
  operationReference: z.union([z.number(), z.string()]).optional(),
  startInstructions: z.array(z.strictObject({ elementId: z.string() })).max(0, 'start instructions are not supported by the embedded engine').optional(),
  runtimeInstructions: z.array(z.unknown()).max(0, 'runtime instructions are not supported by the embedded engine').optional(),
  awaitCompletion: z.boolean().optional(),
  fetchVariables: z.array(z.string()).optional(),
  requestTimeout: millis.optional(),
  tags: tagSet.optional(),
};
const createSchema = z.union([
  z.strictObject({ processDefinitionId: z.string().min(1), processDefinitionVersion: z.number().int().optional(), ...common }),
  z.strictObject({ processDefinitionKey: keyString, ...common }),
]);

/** Deleted definitions are gone for the API (as in Zeebe); the rows stay for the instances still running on them. */
const definitionSearch: SearchDefinition<ProcessDefinitionView, ReturnType<typeof processDefinitionView>> = {
  from: LIVE_DEFINITIONS,
  fields: {
    processDefinitionKey: { column: 'd.key', kind: 'key' },
    processDefinitionId: { column: 'd.bpmn_process_id', kind: 'string' },
    name: { column: 'd.name', kind: 'string' },
    version: { column: 'd.version', kind: 'int' },
    versionTag: { column: 'd.version_tag', kind: 'string' },
    resourceName: { column: 'd.resource_name', kind: 'string' },
  },
  extraFilters: { isLatestVersion: z.boolean(), tenantId, hasStartForm: z.boolean() },
  applyExtraFilters: (where, filter) => {
    if (typeof filter.isLatestVersion === 'boolean') where.add(isLatestVersion(filter.isLatestVersion));
    if (filter.hasStartForm === true) where.add('d.has_start_form = 1');
    if (filter.hasStartForm === false) where.add('d.has_start_form = 0');
  },
  sort: {
    processDefinitionKey: 'd.key', name: 'd.name', resourceName: 'd.resource_name', version: 'd.version', versionTag: 'd.version_tag',
    processDefinitionId: 'd.bpmn_process_id', tenantId: 'd.key',
  },
  defaultOrder: 'd.key ASC',
  toItem: processDefinitionView,
};

const instanceFields: FieldSpecs = {
  processInstanceKey: { column: 'p.key', kind: 'key' },
  processDefinitionKey: { column: 'p.process_definition_key', kind: 'key' },
  processDefinitionId: { column: 'p.bpmn_process_id', kind: 'string' },
  processDefinitionName: { column: 'p.definition_name', kind: 'string' },
  processDefinitionVersion: { column: 'p.version', kind: 'int' },
  processDefinitionVersionTag: { column: 'p.version_tag', kind: 'string' },
  parentProcessInstanceKey: { column: 'p.parent_process_instance_key', kind: 'key' },
  parentElementInstanceKey: { column: 'p.parent_element_instance_key', kind: 'key' },
  startDate: { column: 'p.start_date', kind: 'date' },
  endDate: { column: 'p.end_date', kind: 'date' },
  state: { column: 'p.state', kind: 'string', values: ['ACTIVE', 'COMPLETED', 'TERMINATED'] },
  tenantId: { column: `'${TENANT}'`, kind: 'string' },
  elementId: { column: 'e.element_id', kind: 'string', via: hasActiveElement },
};

const variableValueFilter = z.array(z.strictObject({ name: z.string(), value: z.union([z.string(), z.record(z.string(), z.unknown())]) }));

/** `variables: [{name, value}]` filters: value is the variable's JSON text (e.g. `"\"VK-2026-000123\""`). */
export function applyVariableFilters(where: WhereBuilder, filters: unknown, scopeColumn: string): void {
  for (const { name, value } of (filters as { name: string; value: unknown }[] | undefined) ?? []) {
    const valueConditions = new WhereBuilder();
    valueConditions.field({ column: 'v.value', kind: 'string' }, value);
    where.add(scopeHasVariable(scopeColumn, valueConditions.conditions), name, ...valueConditions.params);
  }
}

export const instanceSearch: SearchDefinition<ProcessInstanceSearchRow, ReturnType<typeof processInstanceView>> = {
  from: PROCESS_INSTANCES_WITH_DEFINITION,
  fields: instanceFields,
  extraFilters: { hasIncident: z.boolean(), variables: variableValueFilter, tags: tagSet },
  applyExtraFilters: (where, filter) => {
    if (filter.hasIncident !== undefined) where.add(filter.hasIncident ? 'p.incident_count > 0' : 'p.incident_count = 0');
    // An instance matches when it carries every tag of the filter.
    for (const t of (filter.tags as string[] | undefined) ?? []) where.add(CARRIES_TAG, t);
    applyVariableFilters(where, filter.variables, 'p.key');
  },
  sort: {
    processInstanceKey: 'p.key', processDefinitionId: 'p.bpmn_process_id', processDefinitionName: 'p.definition_name',
    processDefinitionVersion: 'p.version', processDefinitionVersionTag: 'p.version_tag', processDefinitionKey: 'p.process_definition_key',
    parentProcessInstanceKey: 'p.parent_process_instance_key', parentElementInstanceKey: 'p.parent_element_instance_key',
    startDate: 'p.start_date', endDate: 'p.end_date', state: 'p.state', hasIncident: 'p.incident_count > 0', tenantId: 'p.key',
  },
  defaultOrder: 'p.key ASC',
  toItem: processInstanceView,
};

/** Process definitions (search/get/XML) and process instances (create/get/search/cancel). */
export function processRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/process-definitions/search', async (req, res) => {
    res.json(runSearch(engine.db, definitionSearch, req.body));
  });

  const getDefinitionRow = (keyParam: string) => {
    const key = parseKey(keyParam, 'process definition key');
    const row = liveDefinitionWithXml(engine, key);
    if (!row) throw notFound(`Process definition with key '${key}' not found.`);
    return row;
  };
  router.get('/process-definitions/:key', async (req, res) => {
    res.json(processDefinitionView(getDefinitionRow(req.params.key)));
  });
  router.get('/process-definitions/:key/xml', async (req, res) => {
    res.type('text/xml').send(getDefinitionRow(req.params.key).xml);
  });

  router.post('/process-instances', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && 'processDefinitionId' in body && 'processDefinitionKey' in body) {
      throw invalidArgument('Give either processDefinitionId (with an optional processDefinitionVersion) or processDefinitionKey, not both.');
    }
    const input = parseInput(createSchema, req.body);
    const ref = 'processDefinitionKey' in input
      ? { processDefinitionKey: Number(input.processDefinitionKey) }
      : { processDefinitionId: input.processDefinitionId, processDefinitionVersion: input.processDefinitionVersion };
    const result = await engine.execute((ctx) => startProcessInstance(ctx, ref, input.variables ?? {}, input.tags));
    const variables = input.awaitCompletion ? await awaitCompletion(engine, result.key, input.requestTimeout, input.fetchVariables) : {};
    res.json({
      processInstanceKey: String(result.key),
      processDefinitionKey: String(result.deployed.row.key),
      processDefinitionId: result.deployed.row.bpmn_process_id,
      processDefinitionVersion: result.deployed.row.version,
      tenantId: TENANT,
      variables,
      tags: input.tags ?? [],
    });
  });

  router.post('/process-instances/search', async (req, res) => {
    res.json(runSearch(engine.db, instanceSearch, req.body));
  });

  router.get('/process-instances/:key', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    const result = runSearch(engine.db, instanceSearch, { filter: { processInstanceKey: String(key) } });
    if (result.items.length === 0) throw notFound(`Process instance with key '${key}' not found.`);
    res.json(result.items[0]);
  });

  const cancelSchema = z.union([z.strictObject({ operationReference: z.union([z.number(), z.string()]).optional() }), z.null()]);
  router.post('/process-instances/:key/cancellation', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    parseInput(cancelSchema, req.body);
    await engine.execute((ctx) => cancelProcessInstance(ctx, key));
    res.status(204).end();
  });

  return router;
}
