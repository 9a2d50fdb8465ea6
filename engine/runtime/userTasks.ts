import { nextKey } from '../store/db';
import {
  getUserTask, insertUserTask, setCandidateGroupRows, setUserTaskField, type UserTaskField, type UserTaskRow,
} from '../store/userTasks';
import type { FlowNode } from '../model/types';
import * as expr from './expressions';
import { visibleVariables } from './variables';
import { findDeployedForm } from './forms';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure, invalidArgument, invalidState, notFound } from './errors';
import { getElementInstance } from '../store/elementInstances';
import { beginTransition, finishCompletion, inTransition, onUserTaskCreated, recordOf } from './taskListeners';

/** Zeebe user tasks: creation when the element is entered, assignment, update, completion. */

export function createUserTask(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const def = node.userTask;
  const vars = visibleVariables(ctx, ei.key);
  const assignee = expr.evaluateOptionalString(def?.assignee, vars, `the assignee of '${node.id}'`);
  const candidateGroups = expr.evaluateStringList(def?.candidateGroups, vars, `the candidate groups of '${node.id}'`);
  const candidateUsers = expr.evaluateStringList(def?.candidateUsers, vars, `the candidate users of '${node.id}'`);
  const dueDate = expr.evaluateDateTime(def?.dueDate, vars, `the due date of '${node.id}'`);
  const followUpDate = expr.evaluateDateTime(def?.followUpDate, vars, `the follow-up date of '${node.id}'`);
  const priority = def?.priority ? Number(expr.evaluateValue(def.priority, vars, `the priority of '${node.id}'`)) : 50;
  if (!Number.isInteger(priority) || priority < 0 || priority > 100) {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected the priority of '${node.id}' to be an integer between 0 and 100, but it was ${priority}.`);
  }
  const formKey = def?.formId ? resolveFormKey(ctx, ei, def.formId, def.formBindingType, def.formVersionTag) : null;
  const definition = ctx.definition(ei.process_definition_key).row;
  const key = nextKey(ctx.db);
  insertUserTask(ctx, {
    key, name: node.name ?? null, element_id: node.id, element_instance_key: ei.key, process_instance_key: ei.process_instance_key,
    process_definition_key: ei.process_definition_key, bpmn_process_id: ei.bpmn_process_id, version: definition.version, assignee: assignee ?? null,
    candidate_groups: JSON.stringify(candidateGroups), candidate_users: JSON.stringify(candidateUsers), due_date: dueDate ?? null,
    follow_up_date: followUpDate ?? null, priority, form_key: formKey, external_form_reference: def?.externalFormReference ?? null,
    custom_headers: JSON.stringify(def?.headers ?? {}), creation_date: ctx.now,
  });
  setCandidateGroups(ctx, key, candidateGroups);
  onUserTaskCreated(ctx, getUserTask(ctx, key)!);
}

/** Candidate groups are also kept one per row so an inbox query by group uses an index. */
export function setCandidateGroups(ctx: Ctx, userTaskKey: number, groups: string[]): void {
  setCandidateGroupRows(ctx, userTaskKey, groups);
}

function resolveFormKey(ctx: Ctx, ei: ElementInstanceRow, formId: string, binding?: string, versionTag?: string): number {
  const definition = ctx.definition(ei.process_definition_key).row;
  const key = findDeployedForm(ctx.db, { formId, bindingType: binding, versionTag }, definition.deployment_key);
  if (key === undefined) {
    throw new ElementFailure(
      'FORM_NOT_FOUND',
      `Expected to find a form with id '${formId}'${binding && binding !== 'latest' ? ` (binding ${binding})` : ''} for user task '${ei.element_id}', but no such form is deployed. Deploy the form, then resolve this incident.`,
    );
  }
  return key;
}


export type { UserTaskRow } from '../store/userTasks';
export { getUserTask };

function requireOpenTask(ctx: Ctx, key: number, action: string): UserTaskRow {
  const task = getUserTask(ctx, key);
  // Zeebe forgets completed and canceled tasks, so for commands they no longer exist (404); the
  // read endpoints still show them.
  if (!task || task.state === 'COMPLETED' || task.state === 'CANCELED') {
    const why = task ? ` (it is ${task.state.toLowerCase()})` : '';
    throw notFound(`Expected to ${action} user task with key '${key}', but no such user task was found${why}.`);
  }
  // Task listeners of a transition are running (runtime/taskListeners.ts): Zeebe refuses other commands meanwhile.
  if (inTransition(task)) throw invalidState(`Expected to ${action} user task with key '${key}', but it is in state '${task.state}'.`);
  return task;
}

/**
 * The commands below return the ticket of the transition when task listeners must run first (the request then
 * waits for it, `awaitTransition`), undefined when the change is done.
 */
export function completeUserTask(ctx: Ctx, key: number, variables: Record<string, unknown>, action?: string): number | undefined {
  const task = requireOpenTask(ctx, key, 'complete');
  const ticket = beginTransition(ctx, task, 'completing', recordOf(task), { action: action || 'complete', variables });
  if (ticket === undefined) finishCompletion(ctx, key, getElementInstance(ctx, task.element_instance_key)!, variables);
  return ticket;
}

export function assignUserTask(ctx: Ctx, key: number, assignee: string, allowOverride: boolean, action?: string): number | undefined {
  const task = requireOpenTask(ctx, key, 'assign');
  if (!allowOverride && task.assignee && task.assignee !== assignee) {
    throw invalidState(`Expected to assign user task '${key}' to '${assignee}', but it is already assigned to '${task.assignee}' and allowOverride is false.`);
  }
  const ticket = beginTransition(ctx, task, 'assigning', { ...recordOf(task), assignee }, { action: action || 'assign' });
  if (ticket === undefined) setUserTaskField(ctx, key, 'assignee', assignee);
  return ticket;
}

export function unassignUserTask(ctx: Ctx, key: number): number | undefined {
  const task = requireOpenTask(ctx, key, 'unassign');
  const ticket = beginTransition(ctx, task, 'assigning', { ...recordOf(task), assignee: null }, { action: 'unassign' });
  if (ticket === undefined) setUserTaskField(ctx, key, 'assignee', null);
  return ticket;
}

export interface UserTaskChangeset {
  dueDate?: string | null;
  followUpDate?: string | null;
  candidateUsers?: string[] | null;
  candidateGroups?: string[] | null;
  priority?: number | null;
}

const toMillis = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export function updateUserTask(ctx: Ctx, key: number, changeset: UserTaskChangeset, action?: string): number | undefined {
  const task = requireOpenTask(ctx, key, 'update');
  if (Object.values(changeset).every((v) => v === undefined)) {
    throw invalidArgument('The changeset is empty: set at least one of dueDate, followUpDate, candidateUsers, candidateGroups, priority.');
  }
  const record = recordOf(task);
  if (changeset.dueDate !== undefined) record.dueDate = toMillis(changeset.dueDate || null);
  if (changeset.followUpDate !== undefined) record.followUpDate = toMillis(changeset.followUpDate || null);
  if (changeset.candidateUsers !== undefined) record.candidateUsers = changeset.candidateUsers ?? [];
  if (changeset.candidateGroups !== undefined) record.candidateGroups = changeset.candidateGroups ?? [];
  if (changeset.priority !== undefined) record.priority = changeset.priority ?? 50;
  const ticket = beginTransition(ctx, task, 'updating', record, { action: action || 'update' });
  if (ticket !== undefined) return ticket;
  const set = (field: UserTaskField, value: string | number | null) => setUserTaskField(ctx, key, field, value);
  // An empty string or null clears a date, as in Zeebe.
  if (changeset.dueDate !== undefined) set('due_date', toMillis(changeset.dueDate || null));
  if (changeset.followUpDate !== undefined) set('follow_up_date', toMillis(changeset.followUpDate || null));
  if (changeset.candidateUsers !== undefined) set('candidate_users', JSON.stringify(changeset.candidateUsers ?? []));
  if (changeset.candidateGroups !== undefined) {
    set('candidate_groups', JSON.stringify(changeset.candidateGroups ?? []));
    setCandidateGroups(ctx, key, changeset.candidateGroups ?? []);
  }
  if (changeset.priority !== undefined) set('priority', changeset.priority ?? 50);
  return undefined;
}
