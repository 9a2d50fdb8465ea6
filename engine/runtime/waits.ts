import { nextKey, prepare } from '../store/db';
import { closeWaitsOf, insertSubscription, insertTimerRow } from '../store/waits';
import type { EventDefinition, FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import { ElementFailure } from './errors';
import * as expr from './expressions';
import { eventSubprocessesOf, eventSubprocessStart, processOf, requireNode } from './model';
import { visibleVariables } from './variables';
import { correlateBufferedMessages } from './messages';
import { findDeployedForm } from './forms';
import { userTaskJobHeaders } from './jobUserTasks';

/**
 * What an element waits for: jobs, user tasks, timers, message and signal subscriptions. Opened when
 * an element is entered; closed by cancelWaits when it completes or is terminated.
 */

export function createJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const job = node.job!;
  const vars = visibleVariables(ctx, ei.key);
  const type = expr.evaluateString(job.type, vars, `the job type of '${node.id}'`);
  const retriesValue = expr.evaluateValue(job.retries || '3', vars, `the job retries of '${node.id}'`);
  const retries = Number(retriesValue);
  if (!Number.isInteger(retries)) {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected the job retries of '${node.id}' to be an integer, but it was ${JSON.stringify(retriesValue)}.`);
  }
  const definition = ctx.definition(ei.process_definition_key).row;
  prepare(ctx.db, 
      `INSERT INTO jobs (key, type, state, retries, custom_headers, element_instance_key, element_id, process_instance_key,
         process_definition_key, bpmn_process_id, version, created_at, tags)
       VALUES (?, ?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT tags FROM process_instances WHERE key = ?))`,
    )
    .run(nextKey(ctx.db), type, retries, JSON.stringify({ ...job.headers, ...userTaskJobHeaders(job, vars, node.id) }), ei.key, node.id, ei.process_instance_key,
      ei.process_definition_key, ei.bpmn_process_id, definition.version, ctx.now, ei.process_instance_key);
  ctx.jobTypesActivatable.add(type);
}

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
  prepare(ctx.db, 
      `INSERT INTO user_tasks (key, state, name, element_id, element_instance_key, process_instance_key, process_definition_key,
         bpmn_process_id, version, assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key,
         external_form_reference, custom_headers, creation_date)
       VALUES (?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(key, node.name ?? null, node.id, ei.key, ei.process_instance_key, ei.process_definition_key, ei.bpmn_process_id,
      definition.version, assignee ?? null, JSON.stringify(candidateGroups), JSON.stringify(candidateUsers), dueDate ?? null,
      followUpDate ?? null, priority, formKey, def?.externalFormReference ?? null, JSON.stringify(def?.headers ?? {}), ctx.now);
  setCandidateGroups(ctx, key, candidateGroups);
}

/** Candidate groups are also kept one per row so an inbox query by group uses an index. */
export function setCandidateGroups(ctx: Ctx, userTaskKey: number, groups: string[]): void {
  prepare(ctx.db, 'DELETE FROM user_task_candidate_groups WHERE user_task_key = ?').run(userTaskKey);
  const insert = prepare(ctx.db, 'INSERT OR IGNORE INTO user_task_candidate_groups (user_task_key, candidate_group) VALUES (?, ?)');
  for (const group of groups) insert.run(userTaskKey, group);
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

/** Opens the wait of one event definition on behalf of `ei` (the waiting element, host or scope). */
function openWait(ctx: Ctx, ei: ElementInstanceRow, eventElementId: string, def: EventDefinition | undefined): void {
  if (!def) return;
  const vars = () => visibleVariables(ctx, ei.key);
  if (def.kind === 'timer') {
    const schedule = expr.scheduleTimer(def.timer, vars(), ctx.now, eventElementId);
    insertTimer(ctx, {
      dueAt: Date.parse(schedule.dueAt), remaining: schedule.remaining, interval: schedule.interval ?? null, elementId: eventElementId,
      elementInstanceKey: ei.key, processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
  } else if (def.kind === 'message') {
    const correlationKey = expr.evaluateCorrelationKey(def.correlationKey, vars(), eventElementId);
    const key = nextKey(ctx.db);
    insertSubscription(ctx, {
      key, kind: 'message', name: def.messageName, correlationKey, elementId: eventElementId, elementInstanceKey: ei.key,
      processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
    ctx.queue.push(() => correlateBufferedMessages(ctx, key));
  } else if (def.kind === 'signal') {
    insertSubscription(ctx, {
      key: nextKey(ctx.db), kind: 'signal', name: def.signalName, correlationKey: null, elementId: eventElementId, elementInstanceKey: ei.key,
      processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key,
    });
  }
}

export interface TimerInsert {
  dueAt: number;
  remaining: number | null;
  interval: string | null;
  elementId: string;
  elementInstanceKey: number | null;
  processInstanceKey: number | null;
  processDefinitionKey: number;
}

export function insertTimer(ctx: Ctx, timer: TimerInsert): void {
  insertTimerRow(ctx, { key: nextKey(ctx.db), ...timer });
  ctx.wakeScheduler = true;
}

export function openBoundaryWaits(ctx: Ctx, host: ElementInstanceRow, node: FlowNode): void {
  const process = processOf(ctx, host);
  for (const id of node.boundaryEventIds) openWait(ctx, host, id, requireNode(process, id).eventDefinition);
}

export function openEventSubprocessWaits(ctx: Ctx, scope: ElementInstanceRow, scopeElementId: string | undefined): void {
  const process = processOf(ctx, scope);
  for (const sub of eventSubprocessesOf(process, scopeElementId)) {
    const start = eventSubprocessStart(process, sub);
    if (start) openWait(ctx, scope, start.id, start.eventDefinition);
  }
}

export function openCatchWait(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  if (!node.eventDefinition || node.eventDefinition.kind === 'none') {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Element '${node.id}' has nothing to wait for (no event definition).`);
  }
  openWait(ctx, ei, node.id, node.eventDefinition);
}

export function openEventGatewayWaits(ctx: Ctx, gateway: ElementInstanceRow, node: FlowNode): void {
  const process = processOf(ctx, gateway);
  for (const flowId of node.outgoing) {
    const target = requireNode(process, process.flows[flowId].targetRef);
    openWait(ctx, gateway, target.id, target.eventDefinition);
  }
}

/** Closes everything `ei` waits for; jobs and user tasks still open are canceled. */
export function cancelWaits(ctx: Ctx, elementInstanceKey: number): void {
  if (closeWaitsOf(ctx, elementInstanceKey, ctx.now)) ctx.wakeScheduler = true;
}
