import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { notFound } from '../../runtime/errors';
import { assignUserTask, completeUserTask, getUserTask, unassignUserTask, updateUserTask, type UserTaskRow } from '../../runtime/userTasks';
import { scopeChain } from '../../runtime/variables';
import { awaitTransition } from '../../runtime/taskListeners';
import { runSearch, searchRequestSchema, type SearchDefinition } from '../search';
import { iso, parseInput, parseKey, variablesObject } from '../validation';
import { formResultView, TENANT, userTaskView, variableView, type VariableView } from '../views';
import { applyVariableFilters } from './processes';
import { hasCandidateGroup, hasCandidateUser, USER_TASKS_WITH_PROCESS_NAME, visibleVariablesSource } from '../../store/userTasks';

const STATES = ['CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'COMPLETED', 'CANCELING', 'CANCELED', 'FAILED'] as const;
const variableValueFilter = z.array(z.strictObject({ name: z.string(), value: z.union([z.string(), z.record(z.string(), z.unknown())]) }));

/** The user-task search (its query plans are checked in test/engine/store.inbox-plans.test.ts). */
export const userTaskSearch: SearchDefinition<UserTaskRow & { process_name: string | null }, ReturnType<typeof userTaskView>> = {
  from: USER_TASKS_WITH_PROCESS_NAME,
  countFrom: 'user_tasks t',
  fields: {
    userTaskKey: { column: 't.key', kind: 'key' },
    state: { column: 't.state', kind: 'string', values: STATES },
    assignee: { column: 't.assignee', kind: 'string' },
    priority: { column: 't.priority', kind: 'int' },
    elementId: { column: 't.element_id', kind: 'string' },
    name: { column: 't.name', kind: 'string' },
    candidateGroup: {
      column: 'g.candidate_group', kind: 'string',
      via: hasCandidateGroup,
    },
    candidateUser: {
      column: 'u.value', kind: 'string',
      via: hasCandidateUser,
    },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
    processDefinitionId: { column: 't.bpmn_process_id', kind: 'string' },
    creationDate: { column: 't.creation_date', kind: 'date' },
    completionDate: { column: 't.completion_date', kind: 'date' },
    followUpDate: { column: 't.follow_up_date', kind: 'date' },
    dueDate: { column: 't.due_date', kind: 'date' },
    processDefinitionKey: { column: 't.process_definition_key', kind: 'key' },
    processInstanceKey: { column: 't.process_instance_key', kind: 'key' },
    elementInstanceKey: { column: 't.element_instance_key', kind: 'key' },
  },
  extraFilters: { processInstanceVariables: variableValueFilter, localVariables: variableValueFilter },
  applyExtraFilters: (where, filter) => {
    applyVariableFilters(where, filter.processInstanceVariables, 't.process_instance_key');
    applyVariableFilters(where, filter.localVariables, 't.element_instance_key');
  },
  sort: { creationDate: 't.creation_date', completionDate: 't.completion_date', followUpDate: 't.follow_up_date', dueDate: 't.due_date', priority: 't.priority', name: 't.name' },
  defaultOrder: 't.key ASC',
  toItem: userTaskView,
};

const completionSchema = z.strictObject({ variables: variablesObject.nullable().optional(), action: z.string().nullable().optional() });
const assignmentSchema = z.strictObject({
  assignee: z.string().min(1, 'the assignee must not be empty'),
  allowOverride: z.boolean().nullable().optional(),
  action: z.string().nullable().optional(),
});
const updateSchema = z.strictObject({
  changeset: z
    .strictObject({
      dueDate: z.union([iso, z.literal('')]).nullable().optional(),
      followUpDate: z.union([iso, z.literal('')]).nullable().optional(),
      candidateUsers: z.array(z.string()).nullable().optional(),
      candidateGroups: z.array(z.string()).nullable().optional(),
      priority: z.number().int().min(0).max(100).nullable().optional(),
    })
    .nullable()
    .optional(),
  action: z.string().nullable().optional(),
});

export function userTaskRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/user-tasks/search', async (req, res) => {
    res.json(runSearch(engine.db, userTaskSearch, req.body));
  });

  const requireTask = (param: string) => {
    const key = parseKey(param, 'user task key');
    const result = runSearch(engine.db, userTaskSearch, { filter: { userTaskKey: String(key) } });
    if (result.items.length === 0) throw notFound(`User task with key '${key}' not found.`);
    return result.items[0];
  };

  router.get('/user-tasks/:key', async (req, res) => {
    res.json(requireTask(req.params.key));
  });

  router.get('/user-tasks/:key/form', async (req, res) => {
    const task = requireTask(req.params.key);
    if (!task.formKey) return void res.status(204).end();
    const form = formResultView(engine.db, Number(task.formKey));
    if (!form) throw notFound(`The form of user task '${task.userTaskKey}' (form key ${task.formKey}) is not deployed.`);
    res.json(form);
  });

  router.post('/user-tasks/:key/completion', async (req, res) => {
    const key = parseKey(req.params.key, 'user task key');
    const input = parseInput(completionSchema, req.body);
    const ticket = await engine.execute((ctx) => completeUserTask(ctx, key, input.variables ?? {}, input.action ?? undefined));
    if (ticket !== undefined) await awaitTransition(engine, key, ticket, 'COMPLETE');
    res.status(204).end();
  });

  router.post('/user-tasks/:key/assignment', async (req, res) => {
    const key = parseKey(req.params.key, 'user task key');
    const input = parseInput(assignmentSchema, req.body);
    const ticket = await engine.execute((ctx) => assignUserTask(ctx, key, input.assignee, input.allowOverride ?? true, input.action ?? undefined));
    if (ticket !== undefined) await awaitTransition(engine, key, ticket, 'ASSIGN');
    res.status(204).end();
  });

  router.delete('/user-tasks/:key/assignee', async (req, res) => {
    const key = parseKey(req.params.key, 'user task key');
    const ticket = await engine.execute((ctx) => unassignUserTask(ctx, key));
    if (ticket !== undefined) await awaitTransition(engine, key, ticket, 'ASSIGN');
    res.status(204).end();
  });

  router.patch('/user-tasks/:key', async (req, res) => {
    const key = parseKey(req.params.key, 'user task key');
    const input = parseInput(updateSchema, req.body);
    const ticket = await engine.execute((ctx) => updateUserTask(ctx, key, input.changeset ?? {}, input.action ?? undefined));
    if (ticket !== undefined) await awaitTransition(engine, key, ticket, 'UPDATE');
    res.status(204).end();
  });

  const variableFields = { name: { column: 'x.name', kind: 'string' } } as const;
  const variableSort = { value: 'x.value', name: 'x.name', tenantId: 'x.key', variableKey: 'x.key', scopeKey: 'x.scope_key', processInstanceKey: 'x.process_instance_key' };
  router.post('/user-tasks/:key/variables/search', async (req, res) => {
    const key = parseKey(req.params.key, 'user task key');
    // Bad input is refused before looking the task up, like every other route.
    parseInput(searchRequestSchema(variableFields, Object.keys(variableSort)), req.body === undefined ? {} : req.body, 'search request');
    const task = await engine.execute((ctx) => getUserTask(ctx, key));
    if (!task) throw notFound(`User task with key '${key}' not found.`);
    // Variables visible from the task: its own scope and every enclosing one; inner names shadow outer.
    const chain = await engine.execute((ctx) => scopeChain(ctx, task.element_instance_key));
    const source = visibleVariablesSource(chain);
    const search: SearchDefinition<VariableView, ReturnType<typeof variableView>> = {
      from: source.from,
      fields: variableFields,
      sort: variableSort,
      defaultOrder: 'x.name ASC',
      toItem: (row) => variableView(row, true),
    };
    res.json(runSearch(engine.db, search, req.body, undefined, source.fromParams));
  });

  return router;
}
