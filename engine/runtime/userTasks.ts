import { prepare } from '../store/db';
import type { Ctx } from './context';
import { invalidArgument, invalidState, notFound } from './errors';
import { getElementInstance, updateData } from '../store/elementInstances';
import { parseData } from './model';
import { setCandidateGroups } from './waits';

/** User task commands (Zeebe user tasks): assignment, update, completion. */

export interface UserTaskRow {
  key: number;
  state: string;
  name: string | null;
  element_id: string;
  element_instance_key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  version: number;
  assignee: string | null;
  candidate_groups: string;
  candidate_users: string;
  due_date: number | null;
  follow_up_date: number | null;
  priority: number;
  form_key: number | null;
  external_form_reference: string | null;
  custom_headers: string;
  creation_date: number;
  completion_date: number | null;
}

export function getUserTask(ctx: Ctx, key: number): UserTaskRow | undefined {
  return prepare(ctx.db, 'SELECT * FROM user_tasks WHERE key = ?').get(key) as UserTaskRow | undefined;
}

function requireOpenTask(ctx: Ctx, key: number, action: string): UserTaskRow {
  const task = getUserTask(ctx, key);
  // Zeebe forgets completed and canceled tasks, so for commands they no longer exist (404); the
  // read endpoints still show them.
  if (!task || task.state !== 'CREATED') {
    const why = task ? ` (it is ${task.state.toLowerCase()})` : '';
    throw notFound(`Expected to ${action} user task with key '${key}', but no such user task was found${why}.`);
  }
  return task;
}

export function completeUserTask(ctx: Ctx, key: number, variables: Record<string, unknown>): void {
  const task = requireOpenTask(ctx, key, 'complete');
  prepare(ctx.db, `UPDATE user_tasks SET state = 'COMPLETED', completion_date = ? WHERE key = ?`).run(ctx.now, key);
  const ei = getElementInstance(ctx, task.element_instance_key)!;
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: variables });
  ctx.flow.schedule(ctx, ei.key, 'leave');
}

export function assignUserTask(ctx: Ctx, key: number, assignee: string, allowOverride: boolean): void {
  const task = requireOpenTask(ctx, key, 'assign');
  if (!allowOverride && task.assignee && task.assignee !== assignee) {
    throw invalidState(`Expected to assign user task '${key}' to '${assignee}', but it is already assigned to '${task.assignee}' and allowOverride is false.`);
  }
  prepare(ctx.db, 'UPDATE user_tasks SET assignee = ? WHERE key = ?').run(assignee, key);
}

export function unassignUserTask(ctx: Ctx, key: number): void {
  requireOpenTask(ctx, key, 'unassign');
  prepare(ctx.db, 'UPDATE user_tasks SET assignee = NULL WHERE key = ?').run(key);
}

export interface UserTaskChangeset {
  dueDate?: string | null;
  followUpDate?: string | null;
  candidateUsers?: string[] | null;
  candidateGroups?: string[] | null;
  priority?: number | null;
}

const toMillis = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export function updateUserTask(ctx: Ctx, key: number, changeset: UserTaskChangeset): void {
  requireOpenTask(ctx, key, 'update');
  if (Object.values(changeset).every((v) => v === undefined)) {
    throw invalidArgument('The changeset is empty: set at least one of dueDate, followUpDate, candidateUsers, candidateGroups, priority.');
  }
  const set = (column: string, value: unknown) => prepare(ctx.db, `UPDATE user_tasks SET ${column} = ? WHERE key = ?`).run(value, key);
  // An empty string or null clears a date, as in Zeebe.
  if (changeset.dueDate !== undefined) set('due_date', toMillis(changeset.dueDate || null));
  if (changeset.followUpDate !== undefined) set('follow_up_date', toMillis(changeset.followUpDate || null));
  if (changeset.candidateUsers !== undefined) set('candidate_users', JSON.stringify(changeset.candidateUsers ?? []));
  if (changeset.candidateGroups !== undefined) {
    set('candidate_groups', JSON.stringify(changeset.candidateGroups ?? []));
    setCandidateGroups(ctx, key, changeset.candidateGroups ?? []);
  }
  if (changeset.priority !== undefined) set('priority', changeset.priority ?? 50);
}
