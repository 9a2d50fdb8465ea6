import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { invalidArgument, notFound } from '../../runtime/errors';
import {
  cancelProcessInstancesBatch, deleteResource, migrateProcessInstance, modifyProcessInstance, resolveIncidentsBatch,
} from '../../runtime/operations';
import { elementStatisticsOfInstance, elementStatisticsOfInstances } from '../../store/elementInstances';
import { CORRELATED_SUBSCRIPTIONS, OPEN_MESSAGE_SUBSCRIPTIONS, type CorrelatedSubscriptionRow, type OpenMessageSubscriptionRow } from '../../store/messages';
import { inInstanceTree, isLiveDefinition, processInstanceSummary } from '../../store/processInstances';
import { takenFlows } from '../../store/tokens';
import { filterKeys, filterWhere, runSearch, type SearchDefinition } from '../search';
import { keyString, parseInput, parseKey, variablesObject } from '../validation';
import { TENANT } from '../views';
import { instanceSearch } from './processes';
import { incidentSearch } from './runtimeState';

const operationReference = z.union([z.number(), z.string()]).optional();
const batchSchema = z.strictObject({ filter: z.record(z.string(), z.unknown()) });
const optionalBatchSchema = z.union([z.strictObject({ filter: z.record(z.string(), z.unknown()).optional() }), z.null(), z.undefined()]);
const date = (ms: number) => new Date(ms).toISOString();

/** Keys of the process instances a batch filter selects (the API ignores state: only active ones are acted on). */
function selectInstances(engine: Engine, filter: Record<string, unknown> | undefined, rootsOnly: boolean): number[] {
  const { state: _ignored, ...rest } = filter ?? {};
  return filterKeys(engine.db, instanceSearch, rest, 'p.key', (where) => {
    where.add(`p.state = 'ACTIVE'`);
    if (rootsOnly) where.add('p.parent_process_instance_key IS NULL');
  });
}

const modificationSchema = z.strictObject({
  operationReference,
  activateInstructions: z
    .array(z.strictObject({
      elementId: z.string().min(1),
      ancestorElementInstanceKey: z.union([z.literal('-1'), keyString]).optional(),
      variableInstructions: z.array(z.strictObject({ variables: variablesObject, scopeId: z.string().optional() })).optional(),
    }))
    .optional(),
  terminateInstructions: z.array(z.strictObject({ elementInstanceKey: keyString })).optional(),
});

const migrationSchema = z.strictObject({
  operationReference,
  targetProcessDefinitionKey: keyString,
  mappingInstructions: z.array(z.strictObject({ sourceElementId: z.string().min(1), targetElementId: z.string().min(1) })),
});

const correlatedSearch: SearchDefinition<CorrelatedSubscriptionRow, Record<string, unknown>> = {
  from: CORRELATED_SUBSCRIPTIONS,
  fields: {
    correlationKey: { column: 'c.correlation_key', kind: 'string' },
    correlationTime: { column: 'c.correlation_time', kind: 'date' },
    elementId: { column: 'c.element_id', kind: 'string' },
    elementInstanceKey: { column: 'c.element_instance_key', kind: 'key' },
    messageKey: { column: 'c.message_key', kind: 'key' },
    messageName: { column: 'c.message_name', kind: 'string' },
    partitionId: { column: '1', kind: 'int' },
    processDefinitionId: { column: 'c.bpmn_process_id', kind: 'string' },
    processDefinitionKey: { column: 'c.process_definition_key', kind: 'key' },
    processInstanceKey: { column: 'c.process_instance_key', kind: 'key' },
    subscriptionKey: { column: 'c.subscription_key', kind: 'key' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  sort: {
    correlationKey: 'c.correlation_key', correlationTime: 'c.correlation_time', elementId: 'c.element_id', elementInstanceKey: 'c.element_instance_key',
    messageKey: 'c.message_key', messageName: 'c.message_name', partitionId: 'c.message_key', processDefinitionId: 'c.bpmn_process_id',
    processDefinitionKey: 'c.process_definition_key', processInstanceKey: 'c.process_instance_key', subscriptionKey: 'c.subscription_key', tenantId: 'c.message_key',
  },
  defaultOrder: 'c.message_key ASC, c.subscription_key ASC',
  toItem: (r) => ({
    correlationKey: r.correlation_key,
    correlationTime: date(r.correlation_time),
    elementId: r.element_id,
    ...(r.element_instance_key !== null ? { elementInstanceKey: String(r.element_instance_key) } : {}),
    messageKey: String(r.message_key),
    messageName: r.message_name,
    partitionId: 1,
    processDefinitionId: r.bpmn_process_id,
    processDefinitionKey: String(r.process_definition_key),
    processInstanceKey: String(r.process_instance_key),
    subscriptionKey: String(r.subscription_key),
    tenantId: TENANT,
  }),
};

const subscriptionSearch: SearchDefinition<OpenMessageSubscriptionRow, Record<string, unknown>> = {
  from: OPEN_MESSAGE_SUBSCRIPTIONS,
  fields: {
    messageSubscriptionKey: { column: 'm.key', kind: 'key' },
    processDefinitionId: { column: 'm.bpmn_process_id', kind: 'string' },
    processInstanceKey: { column: 'm.process_instance_key', kind: 'key' },
    elementId: { column: 'm.element_id', kind: 'string' },
    elementInstanceKey: { column: 'm.element_instance_key', kind: 'key' },
    messageSubscriptionState: { column: `'CREATED'`, kind: 'string', values: ['CORRELATED', 'CREATED', 'DELETED', 'MIGRATED'] },
    lastUpdatedDate: { column: 'm.opened', kind: 'date' },
    messageName: { column: 'm.name', kind: 'string' },
    correlationKey: { column: 'm.correlation_key', kind: 'string' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  sort: {
    messageSubscriptionKey: 'm.key', processDefinitionId: 'm.bpmn_process_id', processInstanceKey: 'm.process_instance_key', elementId: 'm.element_id',
    elementInstanceKey: 'm.element_instance_key', messageSubscriptionState: 'm.key', lastUpdatedDate: 'm.opened', messageName: 'm.name',
    correlationKey: 'm.correlation_key', tenantId: 'm.key',
  },
  defaultOrder: 'm.key ASC',
  toItem: (r) => ({
    messageSubscriptionKey: String(r.key),
    processDefinitionId: r.bpmn_process_id,
    processDefinitionKey: String(r.process_definition_key),
    processInstanceKey: String(r.process_instance_key),
    elementId: r.element_id,
    elementInstanceKey: String(r.element_instance_key),
    messageSubscriptionState: 'CREATED',
    lastUpdatedDate: date(r.opened),
    messageName: r.name,
    ...(r.correlation_key !== null ? { correlationKey: r.correlation_key } : {}),
    tenantId: TENANT,
  }),
};

function requireInstance(engine: Engine, processInstanceKey: number) {
  const row = processInstanceSummary(engine, processInstanceKey);
  if (!row) throw notFound(`Process instance with key '${processInstanceKey}' not found.`);
  return row;
}

/**
 * What operators use to repair and inspect instances (Operate): batch cancel and incident resolution,
 * modification, migration, resource deletion, message-subscription searches, element statistics, taken
 * sequence flows, call hierarchy and the incidents of one instance. Thin: validation here, commands in
 * engine/runtime/operations.ts.
 */
export function operationRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/process-instances/cancellation', async (req, res) => {
    const { filter } = parseInput(batchSchema, req.body);
    res.json(await engine.execute((ctx) => {
      const result = cancelProcessInstancesBatch(ctx, selectInstances(engine, filter, true));
      return { batchOperationKey: String(result.batchOperationKey), batchOperationType: result.batchOperationType };
    }));
  });

  router.post('/process-instances/incident-resolution', async (req, res) => {
    const input = parseInput(optionalBatchSchema, req.body);
    res.json(await engine.execute((ctx) => {
      const result = resolveIncidentsBatch(ctx, selectInstances(engine, input?.filter, false));
      return { batchOperationKey: String(result.batchOperationKey), batchOperationType: result.batchOperationType };
    }));
  });

  router.post('/process-instances/:key/modification', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    const input = parseInput(modificationSchema, req.body);
    if ((input.activateInstructions ?? []).length + (input.terminateInstructions ?? []).length === 0) {
      throw invalidArgument('Expected to modify a process instance with at least one activate or terminate instruction, but none was given.');
    }
    await engine.execute((ctx) => modifyProcessInstance(ctx, key, {
      activateInstructions: (input.activateInstructions ?? []).map((a) => ({ ...a, variableInstructions: a.variableInstructions ?? [] })),
      terminateInstructions: (input.terminateInstructions ?? []).map((t) => ({ elementInstanceKey: Number(t.elementInstanceKey) })),
    }));
    res.status(204).end();
  });

  router.post('/process-instances/:key/migration', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    const input = parseInput(migrationSchema, req.body);
    await engine.execute((ctx) => migrateProcessInstance(ctx, key, Number(input.targetProcessDefinitionKey), input.mappingInstructions));
    res.status(204).end();
  });

  const deletionSchema = z.union([z.strictObject({ operationReference }), z.null(), z.undefined()]);
  router.post('/resources/:key/deletion', async (req, res) => {
    const key = parseKey(req.params.key, 'resource key');
    parseInput(deletionSchema, req.body);
    await engine.execute((ctx) => deleteResource(ctx, key));
    res.status(200).end();
  });

  router.post('/correlated-message-subscriptions/search', async (req, res) => {
    res.json(runSearch(engine.db, correlatedSearch, req.body));
  });
  router.post('/message-subscriptions/search', async (req, res) => {
    res.json(runSearch(engine.db, subscriptionSearch, req.body));
  });

  const statisticsSchema = z.union([z.strictObject({ filter: z.record(z.string(), z.unknown()).optional() }), z.null(), z.undefined()]);
  router.post('/process-definitions/:key/statistics/element-instances', async (req, res) => {
    const key = parseKey(req.params.key, 'process definition key');
    const input = parseInput(statisticsSchema, req.body);
    if (!isLiveDefinition(engine, key)) {
      throw notFound(`Process definition with key '${key}' not found.`);
    }
    const where = filterWhere(instanceSearch, input?.filter ?? {});
    where.add('p.process_definition_key = ?', key);
    res.json({ items: elementStatisticsOfInstances(engine, { from: instanceSearch.from }, where, 'p.key') });
  });

  router.get('/process-instances/:key/statistics/element-instances', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    requireInstance(engine, key);
    res.json({ items: elementStatisticsOfInstance(engine, key) });
  });

  router.get('/process-instances/:key/sequence-flows', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    requireInstance(engine, key);
    res.json({
      items: takenFlows(engine, key).map((r) => ({
        sequenceFlowId: r.flow_id, processInstanceKey: String(key), processDefinitionKey: String(r.process_definition_key),
        processDefinitionId: r.bpmn_process_id, elementId: r.flow_id, tenantId: TENANT,
      })),
    });
  });

  router.get('/process-instances/:key/call-hierarchy', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    const chain = [];
    for (let current: number | null = key; current !== null; ) {
      const row = requireInstance(engine, current);
      chain.unshift({ processInstanceKey: String(row.key), processDefinitionKey: String(row.process_definition_key), processDefinitionName: row.definition_name ?? row.bpmn_process_id });
      current = row.parent_process_instance_key;
    }
    res.json(chain);
  });

  const instanceIncidentsSchema = z.union([z.strictObject({ sort: z.array(z.unknown()).optional(), page: z.unknown().optional() }), z.null(), z.undefined()]);
  router.post('/process-instances/:key/incidents/search', async (req, res) => {
    const key = parseKey(req.params.key, 'process instance key');
    const input = parseInput(instanceIncidentsSchema, req.body) ?? {};
    requireInstance(engine, key);
    // The incidents of the instance and of every instance it called, directly or further down.
    const base = (where: { add(condition: string, ...params: unknown[]): void }) => where.add(inInstanceTree('i.process_instance_key'), key);
    res.json(runSearch(engine.db, incidentSearch, input, base));
  });

  return router;
}
