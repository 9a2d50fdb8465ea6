import { prepare } from './db';
import type { Store } from './elementInstances';

/** Zeebe user tasks, their candidate groups (one row each, for indexed inbox queries) and the forms they show. */

/** CREATING, ASSIGNING, UPDATING and COMPLETING while task listeners of that transition run (Camunda 8.8). */
export type UserTaskState = 'CREATING' | 'CREATED' | 'ASSIGNING' | 'UPDATING' | 'COMPLETING' | 'COMPLETED' | 'CANCELED';

export interface UserTaskRow {
  key: number;
  state: UserTaskState;
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
  /** JSON: the lifecycle transition waiting for task listeners (runtime/taskListeners.ts), null otherwise. */
  transition: string | null;
  /** JSON: how the last transition with listeners ended (its ticket, and the reason when it was denied). */
  transition_result: string | null;
}

export type NewUserTask = Omit<UserTaskRow, 'state' | 'completion_date' | 'transition' | 'transition_result'>;

export function insertUserTask(s: Store, t: NewUserTask): void {
  prepare(
    s.db,
    `INSERT INTO user_tasks (key, state, name, element_id, element_instance_key, process_instance_key, process_definition_key,
       bpmn_process_id, version, assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key,
       external_form_reference, custom_headers, creation_date)
     VALUES (?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(t.key, t.name, t.element_id, t.element_instance_key, t.process_instance_key, t.process_definition_key, t.bpmn_process_id, t.version,
    t.assignee, t.candidate_groups, t.candidate_users, t.due_date, t.follow_up_date, t.priority, t.form_key, t.external_form_reference,
    t.custom_headers, t.creation_date);
}

export function getUserTask(s: Store, key: number): UserTaskRow | undefined {
  return prepare(s.db, 'SELECT * FROM user_tasks WHERE key = ?').get(key) as UserTaskRow | undefined;
}

/** The newest user task of an element instance (an element has at most one open task). */
export function userTaskOfElement(s: Store, elementInstanceKey: number): UserTaskRow | undefined {
  return prepare(s.db, 'SELECT * FROM user_tasks WHERE element_instance_key = ? ORDER BY key DESC LIMIT 1').get(elementInstanceKey) as UserTaskRow | undefined;
}

export function completeUserTaskRow(s: Store, key: number, now: number): void {
  prepare(s.db, `UPDATE user_tasks SET state = 'COMPLETED', completion_date = ? WHERE key = ?`).run(now, key);
}

/** The columns a changeset may set (PATCH /user-tasks/{key}, assignment). */
export type UserTaskField = 'assignee' | 'due_date' | 'follow_up_date' | 'candidate_users' | 'candidate_groups' | 'priority';

export function setUserTaskField(s: Store, key: number, field: UserTaskField, value: string | number | null): void {
  prepare(s.db, `UPDATE user_tasks SET ${field} = ? WHERE key = ?`).run(value, key);
}

export function setCandidateGroupRows(s: Store, userTaskKey: number, groups: string[]): void {
  prepare(s.db, 'DELETE FROM user_task_candidate_groups WHERE user_task_key = ?').run(userTaskKey);
  const insert = prepare(s.db, 'INSERT OR IGNORE INTO user_task_candidate_groups (user_task_key, candidate_group) VALUES (?, ?)');
  for (const group of groups) insert.run(userTaskKey, group);
}

/** Key of the newest non-deleted form with that id, by binding (latest, same deployment, version tag). */
export function formKeyByBinding(s: Store, formId: string, binding: 'latest' | 'deployment' | 'versionTag', arg?: number | string): number | undefined {
  let row: { key: number } | undefined;
  if (binding === 'deployment') {
    row = prepare(s.db, 'SELECT key FROM forms WHERE form_id = ? AND deployment_key = ? AND deleted_at IS NULL ORDER BY version DESC').get(formId, arg) as { key: number } | undefined;
  } else if (binding === 'versionTag') {
    row = prepare(s.db, 'SELECT key FROM forms WHERE form_id = ? AND version_tag = ? AND deleted_at IS NULL ORDER BY version DESC').get(formId, arg) as { key: number } | undefined;
  } else {
    row = prepare(s.db, 'SELECT key FROM forms WHERE form_id = ? AND deleted_at IS NULL ORDER BY version DESC').get(formId) as { key: number } | undefined;
  }
  return row?.key;
}

/** Starts (transition JSON) or ends (null, with how it ended) a lifecycle transition with task listeners. */
export function setUserTaskTransition(s: Store, key: number, state: UserTaskState, transition: string | null, result?: string): void {
  if (result === undefined) prepare(s.db, 'UPDATE user_tasks SET state = ?, transition = ? WHERE key = ?').run(state, transition, key);
  else prepare(s.db, 'UPDATE user_tasks SET state = ?, transition = ?, transition_result = ? WHERE key = ?').run(state, transition, result, key);
}

/** Search source of user tasks with their process's name (a display column: the total counts `user_tasks` alone). */
export const USER_TASKS_WITH_PROCESS_NAME = '(SELECT ut.*, d.name AS process_name FROM user_tasks ut JOIN process_definitions d ON d.key = ut.process_definition_key) t';

/** "Task `t` has a candidate group matching `condition`" (a condition on `g.candidate_group`, one row per group). */
export const hasCandidateGroup = (condition: string) => `EXISTS (SELECT 1 FROM user_task_candidate_groups g WHERE g.user_task_key = t.key AND ${condition})`;

/** "Task `t` has a candidate user matching `condition`" (a condition on `u.value`, over its JSON list). */
export const hasCandidateUser = (condition: string) => `EXISTS (SELECT 1 FROM json_each(t.candidate_users) u WHERE ${condition})`;

/**
 * Search source (alias `x`) of the variables a task sees from `chain`, its scopes innermost first: each name once,
 * from the innermost scope holding it. The placeholders take `chain` twice (`fromParams`).
 */
export function visibleVariablesSource(chain: number[]): { from: string; fromParams: number[] } {
  const marks = chain.map(() => '?').join(', ');
  const depth = chain.map((scope, i) => `WHEN ${Number(scope)} THEN ${i}`).join(' ');
  return {
    from: `(SELECT * FROM variables v WHERE v.scope_key IN (${marks}) AND NOT EXISTS (
              SELECT 1 FROM variables inner_v WHERE inner_v.name = v.name AND inner_v.scope_key IN (${marks})
              AND (CASE inner_v.scope_key ${depth} END) < (CASE v.scope_key ${depth} END))) x`,
    fromParams: [...chain, ...chain],
  };
}
