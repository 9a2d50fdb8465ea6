import { nextKey } from '../store/db';
import { getElementInstance, updateData } from '../store/elementInstances';
import { endJob, insertJob, type JobListenerEventType, type JobRow } from '../store/jobs';
import {
  completeUserTaskRow, getUserTask, setCandidateGroupRows, setUserTaskField, setUserTaskTransition, userTaskOfElement,
  type UserTaskRow, type UserTaskState,
} from '../store/userTasks';
import type { TaskListener, TaskListenerEventType } from '../model/types';
import { USER_TASK_HEADERS } from '../model/jobUserTask';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure, EngineError, invalidArgument, invalidState } from './errors';
import * as expr from './expressions';
import { nodeOf, parseData } from './model';
import { visibleVariables } from './variables';
import type { Waiters } from './waiters';
import type { Db } from '../store/db';

/**
 * User task listeners as Camunda 8.8 runs them: blocking jobs of kind TASK_LISTENER on the lifecycle transitions
 * creating, assigning, updating and completing of a Camunda user task. While a transition waits for its listeners
 * the task is in CREATING / ASSIGNING / UPDATING / COMPLETING and refuses other commands; the transition's
 * intermediate values (the requested change plus the listeners' corrections) live in `user_tasks.transition` and
 * are applied when the last listener completed. A listener may deny assigning, updating and completing: the task
 * keeps its state and data and the request that started the transition is rejected. The REST request waits for the
 * outcome (`awaitTransition`), as Zeebe answers the original command only when the transition is finalized.
 */

type Event = Exclude<TaskListenerEventType, 'canceling'>;

/** The correctable attributes of a user task, as the listeners see and correct them. */
export interface TaskRecord {
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: number | null;
  followUpDate: number | null;
  priority: number;
}

interface Transition {
  /** Identifies the request waiting for this transition. */
  ticket: number;
  event: Event;
  /** Listeners of the event that completed. */
  done: number;
  /** The values the transition asked for, before corrections (restored when a listener property fails). */
  requested: TaskRecord;
  record: TaskRecord;
  action: string;
  /** completing: the variables the task is completed with. */
  variables?: Record<string, unknown>;
  /** creating: the assignee the process gave; assigned (with assigning listeners) once the task is created. */
  assignAfter?: string;
}

/** How the last transition with listeners ended: its ticket, and the denial reason when it was denied. */
interface TransitionResult {
  ticket: number;
  deniedReason?: string;
}

const STATE: Readonly<Record<Event, UserTaskState>> = { creating: 'CREATING', assigning: 'ASSIGNING', updating: 'UPDATING', completing: 'COMPLETING' };
const LISTENER_EVENT: Readonly<Record<Event, JobListenerEventType>> = { creating: 'CREATING', assigning: 'ASSIGNING', updating: 'UPDATING', completing: 'COMPLETING' };
const ATTRIBUTES = ['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'followUpDate', 'priority'] as const;
const ISO = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function recordOf(task: UserTaskRow): TaskRecord {
  return {
    assignee: task.assignee, candidateGroups: JSON.parse(task.candidate_groups) as string[], candidateUsers: JSON.parse(task.candidate_users) as string[],
    dueDate: task.due_date, followUpDate: task.follow_up_date, priority: task.priority,
  };
}

function listenersOf(ctx: Ctx, task: UserTaskRow, event: Event): TaskListener[] {
  const ei = getElementInstance(ctx, task.element_instance_key);
  const node = ei && nodeOf(ctx, ei);
  return (node?.userTask?.taskListeners ?? []).filter((l) => l.eventType === event);
}

/** True while a transition waits for its listeners: other commands on the task are refused (409). */
export function inTransition(task: UserTaskRow): boolean {
  return task.transition !== null;
}

/**
 * Starts the transition `event` when the task has listeners for it; returns the ticket the request waits for, or
 * undefined when there are none (the caller applies the change at once).
 */
export function beginTransition(
  ctx: Ctx, task: UserTaskRow, event: Event, record: TaskRecord, opts: { action: string; variables?: Record<string, unknown>; assignAfter?: string },
): number | undefined {
  if (listenersOf(ctx, task, event).length === 0) return undefined;
  const transition: Transition = { ticket: nextKey(ctx.db), event, done: 0, requested: record, record, action: opts.action };
  if (opts.variables) transition.variables = opts.variables;
  if (opts.assignAfter) transition.assignAfter = opts.assignAfter;
  setUserTaskTransition(ctx, task.key, STATE[event], JSON.stringify(transition));
  ctx.flow.schedule(ctx, task.element_instance_key, 'taskListener');
  return transition.ticket;
}

/**
 * A new Camunda user task: runs its creating listeners, then assigns the assignee the process gave (through the
 * assigning listeners when it has some, as Zeebe assigns after creating).
 */
export function onUserTaskCreated(ctx: Ctx, task: UserTaskRow): void {
  const assignee = task.assignee;
  const hasCreating = listenersOf(ctx, task, 'creating').length > 0;
  const hasAssigning = assignee !== null && listenersOf(ctx, task, 'assigning').length > 0;
  if (!hasCreating && !hasAssigning) return;
  if (assignee !== null) setUserTaskField(ctx, task.key, 'assignee', null);
  const unassigned = { ...recordOf(task), assignee: null };
  if (hasCreating) beginTransition(ctx, task, 'creating', unassigned, { action: '', ...(assignee !== null ? { assignAfter: assignee } : {}) });
  else beginTransition(ctx, { ...task, assignee: null }, 'assigning', { ...unassigned, assignee }, { action: '' });
}

/** The `taskListener` lifecycle step: the job of the transition's next listener, or its end when all completed. */
export function continueTransition(ctx: Ctx, ei: ElementInstanceRow): void {
  const task = userTaskOfElement(ctx, ei.key);
  if (!task?.transition) return;
  const transition = JSON.parse(task.transition) as Transition;
  const next = listenersOf(ctx, task, transition.event)[transition.done];
  if (!next) return finalize(ctx, ei, task, transition);
  try {
    createListenerJob(ctx, ei, task, transition, next);
  } catch (error) {
    // A listener property that fails to evaluate: once the incident is resolved, the whole transition runs again.
    if (error instanceof ElementFailure) {
      const before = error.afterRollback;
      error.afterRollback = () => {
        before?.();
        const restarted: Transition = { ...transition, done: 0, record: transition.requested };
        setUserTaskTransition(ctx, task.key, task.state, JSON.stringify(restarted));
      };
    }
    throw error;
  }
}

function createListenerJob(ctx: Ctx, ei: ElementInstanceRow, task: UserTaskRow, transition: Transition, listener: TaskListener): void {
  const vars = visibleVariables(ctx, ei.key);
  const what = `the '${listener.eventType}' task listener of '${ei.element_id}'`;
  const type = expr.evaluateString(listener.type, vars, `the job type of ${what}`);
  if (type === '') throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected result of the expression '${listener.type}' to be a not-empty string, but was an empty string.`);
  const retriesValue = expr.evaluateValue(listener.retries, vars, `the job retries of ${what}`);
  const retries = Number(retriesValue);
  if (!Number.isInteger(retries)) {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected the job retries of ${what} to be an integer, but it was ${JSON.stringify(retriesValue)}.`);
  }
  insertJob(ctx, {
    key: nextKey(ctx.db), type, retries, customHeaders: listenerHeaders(task, transition), elementInstanceKey: ei.key, elementId: ei.element_id,
    processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key, bpmnProcessId: ei.bpmn_process_id,
    version: task.version, createdAt: ctx.now, kind: 'TASK_LISTENER', listenerEventType: LISTENER_EVENT[transition.event],
  });
  ctx.jobTypesActivatable.add(type);
}

/** Zeebe hands the task's data to the listener in job headers (the client's `userTask` property is read from them). */
const HEADERS = {
  ...USER_TASK_HEADERS, changedAttributes: 'io.camunda.zeebe:changedAttributes', action: 'io.camunda.zeebe:action',
  userTaskKey: 'io.camunda.zeebe:userTaskKey', priority: 'io.camunda.zeebe:priority',
} as const;

function listenerHeaders(task: UserTaskRow, transition: Transition): Record<string, string> {
  const r = transition.record;
  const headers = new Map<string, string>(Object.entries(JSON.parse(task.custom_headers) as Record<string, string>));
  if (r.assignee) headers.set(HEADERS.assignee, r.assignee);
  if (r.candidateGroups.length > 0) headers.set(HEADERS.candidateGroups, JSON.stringify(r.candidateGroups));
  if (r.candidateUsers.length > 0) headers.set(HEADERS.candidateUsers, JSON.stringify(r.candidateUsers));
  if (r.dueDate !== null) headers.set(HEADERS.dueDate, ISO(r.dueDate)!);
  if (r.followUpDate !== null) headers.set(HEADERS.followUpDate, ISO(r.followUpDate)!);
  if (task.form_key !== null) headers.set(HEADERS.formKey, String(task.form_key));
  headers.set(HEADERS.changedAttributes, JSON.stringify(changedAttributes(recordOf(task), r)));
  if (transition.action) headers.set(HEADERS.action, transition.action);
  headers.set(HEADERS.userTaskKey, String(task.key));
  headers.set(HEADERS.priority, String(r.priority));
  return Object.fromEntries(headers);
}

function changedAttributes(persisted: TaskRecord, record: TaskRecord): string[] {
  return ATTRIBUTES.filter((name) => JSON.stringify(persisted[name]) !== JSON.stringify(record[name]));
}

/** The `userTask` property of an activated task listener job, from its headers. */
export function userTaskPropertiesOf(headers: Record<string, string>) {
  const list = (name: string) => (headers[name] ? (JSON.parse(headers[name]) as string[]) : []);
  return {
    ...(headers[HEADERS.action] ? { action: headers[HEADERS.action] } : {}),
    assignee: headers[HEADERS.assignee] ?? null,
    candidateGroups: list(HEADERS.candidateGroups),
    candidateUsers: list(HEADERS.candidateUsers),
    changedAttributes: list(HEADERS.changedAttributes),
    dueDate: headers[HEADERS.dueDate] ?? null,
    followUpDate: headers[HEADERS.followUpDate] ?? null,
    ...(headers[HEADERS.formKey] ? { formKey: headers[HEADERS.formKey] } : {}),
    priority: headers[HEADERS.priority] !== undefined ? Number(headers[HEADERS.priority]) : null,
    userTaskKey: headers[HEADERS.userTaskKey] ?? null,
  };
}

function finalize(ctx: Ctx, ei: ElementInstanceRow, task: UserTaskRow, transition: Transition): void {
  applyRecord(ctx, task.key, transition.record);
  const result: TransitionResult = { ticket: transition.ticket };
  ctx.userTaskTransitionsEnded.add(task.key);
  if (transition.event === 'completing') {
    setUserTaskTransition(ctx, task.key, 'CREATED', null, JSON.stringify(result));
    return finishCompletion(ctx, task.key, ei, transition.variables ?? {});
  }
  setUserTaskTransition(ctx, task.key, 'CREATED', null, JSON.stringify(result));
  if (transition.event === 'creating' && transition.assignAfter !== undefined) {
    const created = getUserTask(ctx, task.key)!;
    const ticket = beginTransition(ctx, created, 'assigning', { ...recordOf(created), assignee: transition.assignAfter }, { action: '' });
    if (ticket === undefined) setUserTaskField(ctx, task.key, 'assignee', transition.assignAfter);
  }
}

/** Writes the transition's values to the task. */
export function applyRecord(ctx: Ctx, key: number, record: TaskRecord): void {
  setUserTaskField(ctx, key, 'assignee', record.assignee);
  setUserTaskField(ctx, key, 'candidate_groups', JSON.stringify(record.candidateGroups));
  setCandidateGroupRows(ctx, key, record.candidateGroups);
  setUserTaskField(ctx, key, 'candidate_users', JSON.stringify(record.candidateUsers));
  setUserTaskField(ctx, key, 'due_date', record.dueDate);
  setUserTaskField(ctx, key, 'follow_up_date', record.followUpDate);
  setUserTaskField(ctx, key, 'priority', record.priority);
}

/** The task is completed: its element completes with the variables. */
export function finishCompletion(ctx: Ctx, key: number, ei: ElementInstanceRow, variables: Record<string, unknown>): void {
  completeUserTaskRow(ctx, key, ctx.now);
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: variables });
  ctx.flow.schedule(ctx, ei.key, 'leave');
}

/** What a worker may send as the result of a task listener job (POST /jobs/{key}/completion `result`). */
export interface TaskListenerResult {
  denied?: boolean | null;
  deniedReason?: string | null;
  corrections?: {
    assignee?: string | null; dueDate?: string | null; followUpDate?: string | null;
    candidateUsers?: string[] | null; candidateGroups?: string[] | null; priority?: number | null;
  } | null;
}

/** Completes a task listener job: its corrections go into the transition, or its denial ends it. */
export function completeTaskListenerJob(ctx: Ctx, job: JobRow, variables: Record<string, unknown>, result: TaskListenerResult | undefined): void {
  if (Object.keys(variables).length > 0) {
    throw invalidArgument(`Task Listener job completion with variables payload provided is not yet supported (job key '${job.key}', type '${job.type}', processInstanceKey '${job.process_instance_key}'). Support will be enabled with the resolution of issue #23702`);
  }
  const corrections = Object.entries(result?.corrections ?? {}).filter(([, value]) => value !== null && value !== undefined);
  if (result?.denied && corrections.length > 0) {
    throw invalidArgument('Expected to complete task listener job with corrections, but the job result is denied. The corrections would be reverted by the denial. Either complete the job with corrections without setting denied, or complete the job with a denied result but no corrections.');
  }
  const task = userTaskOfElement(ctx, job.element_instance_key);
  const transition = task?.transition ? (JSON.parse(task.transition) as Transition) : undefined;
  if (result?.denied && transition && (transition.event === 'creating')) {
    throw invalidArgument(`Expected to complete task listener job '${job.key}' with a denied result, but the '${transition.event}' transition cannot be denied. Only assigning, updating and completing can be denied.`);
  }
  endJob(ctx, job.key, 'COMPLETED', ctx.now);
  const ei = getElementInstance(ctx, job.element_instance_key);
  if (!task || !transition || !ei || ei.state !== 'ACTIVE') return;
  if (result?.denied) {
    const denied: TransitionResult = { ticket: transition.ticket, deniedReason: result.deniedReason ?? '' };
    setUserTaskTransition(ctx, task.key, 'CREATED', null, JSON.stringify(denied));
    ctx.userTaskTransitionsEnded.add(task.key);
    return;
  }
  const record = { ...transition.record };
  for (const [name, value] of corrections) correct(record, name, value);
  setUserTaskTransition(ctx, task.key, task.state, JSON.stringify({ ...transition, record, done: transition.done + 1 }));
  ctx.flow.schedule(ctx, ei.key, 'taskListener');
}

/** One correction: an empty text or list clears the attribute (Zeebe); other attributes are ignored. */
function correct(record: TaskRecord, name: string, value: unknown): void {
  if (name === 'assignee') record.assignee = value === '' ? null : (value as string);
  else if (name === 'dueDate') record.dueDate = value === '' ? null : Date.parse(value as string);
  else if (name === 'followUpDate') record.followUpDate = value === '' ? null : Date.parse(value as string);
  else if (name === 'candidateGroups') record.candidateGroups = value as string[];
  else if (name === 'candidateUsers') record.candidateUsers = value as string[];
  else if (name === 'priority') record.priority = value as number;
}

/** Long enough for a listener worker to answer; a request still waiting then gets 504 and the transition goes on. */
export const TRANSITION_TIMEOUT_MS = 15_000;

const COMMAND_TEXT = {
  COMPLETE: 'Completion',
  ASSIGN: 'Assignment',
  UPDATE: 'Update',
} as const;

/**
 * Waits until the transition with `ticket` of user task `key` ended: returns when it was finalized, throws 409 with
 * Zeebe's rejection when a listener denied it (or the task was canceled meanwhile), 504 when it takes too long.
 */
export async function awaitTransition(
  engine: { db: Db; transitionWaiters: Waiters<number>; closing: boolean },
  key: number, ticket: number, command: keyof typeof COMMAND_TEXT,
): Promise<void> {
  const deadline = Date.now() + TRANSITION_TIMEOUT_MS;
  for (;;) {
    const task = getUserTask({ db: engine.db }, key);
    const pending = task?.transition ? (JSON.parse(task.transition) as Transition) : undefined;
    if (!task || pending?.ticket !== ticket) {
      const result = task?.transition_result ? (JSON.parse(task.transition_result) as TransitionResult) : undefined;
      if (result?.ticket === ticket && result.deniedReason === undefined) return;
      if (result?.ticket === ticket) {
        throw invalidState(`Command '${command}' rejected with code 'INVALID_STATE': ${COMMAND_TEXT[command]} of the User Task with key '${key}' was denied by Task Listener. Reason to deny: '${result.deniedReason}'`);
      }
      throw invalidState(`Expected to ${command.toLowerCase()} user task with key '${key}', but it was ${task?.state === 'CANCELED' ? 'canceled' : 'changed'} while its task listeners ran.`);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0 || engine.closing) {
      throw new EngineError(504, 'DEADLINE_EXCEEDED', `The ${command.toLowerCase()} request of user task '${key}' waited ${TRANSITION_TIMEOUT_MS} ms for its task listeners; the transition goes on and is finalized when they complete.`);
    }
    // Woken when a transition ends; the short period also notices a task canceled meanwhile.
    await engine.transitionWaiters.wait(key, Math.min(remaining, 250));
  }
}
