import type { JobDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, extensionOf, extensionsOf } from './moddle';
import { compileHeaders } from './activities';

/** Zeebe's job type and header names for job-based user tasks (Protocol.USER_TASK_*). */
export const JOB_USER_TASK_TYPE = 'io.camunda.zeebe:userTask';
export const USER_TASK_HEADERS = {
  formKey: 'io.camunda.zeebe:formKey',
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  candidateUsers: 'io.camunda.zeebe:candidateUsers',
  dueDate: 'io.camunda.zeebe:dueDate',
  followUpDate: 'io.camunda.zeebe:followUpDate',
} as const;

const EMBEDDED_FORM_PREFIX = 'camunda-forms:bpmn:';

/**
 * A job-based user task (no zeebe:userTask), as Zeebe 8.8 still runs it although it is deprecated: a job of type
 * io.camunda.zeebe:userTask for a task-list worker, carrying the form key (an embedded form
 * "camunda-forms:bpmn:<zeebe:userTaskForm id>" or any custom key) and the assignment as headers; completing the job
 * completes the task. Priorities exist only for Camunda user tasks, so a priority here is refused.
 */
export function compileJobUserTask(element: ModdleElement, embeddedFormIds: ReadonlySet<string>, findings: FindingCollector): JobDefinition {
  const job: JobDefinition = { type: JOB_USER_TASK_TYPE, retries: '1', headers: compileHeaders(element, findings) };
  const dynamic: Record<string, string> = {};
  const assignment = extensionOf(element, 'zeebe:AssignmentDefinition');
  const schedule = extensionOf(element, 'zeebe:TaskSchedule');
  for (const [name, holder] of [['assignee', assignment], ['candidateGroups', assignment], ['candidateUsers', assignment], ['dueDate', schedule], ['followUpDate', schedule]] as const) {
    const value = attr(holder, name);
    if (value) dynamic[USER_TASK_HEADERS[name]] = value;
  }
  if (Object.keys(dynamic).length > 0) job.userTaskHeaders = dynamic;
  if (extensionOf(element, 'zeebe:PriorityDefinition')) {
    findings.report(element, 'is a job-based user task with a priority; priorities exist only for Camunda user tasks. Add <zeebe:userTask/> or remove the priority.');
  }
  const form = extensionOf(element, 'zeebe:FormDefinition');
  if (form) {
    const formKey = attr(form, 'formKey');
    if (!formKey || attr(form, 'formId') || attr(form, 'externalReference')) {
      findings.report(element, "is a job-based user task whose zeebe:formDefinition has no formKey. Exactly one of the attributes 'formId, formKey' must be present; job-based user tasks take a formKey (formId and externalReference need <zeebe:userTask/>).");
    } else if (formKey.startsWith(EMBEDDED_FORM_PREFIX) && !embeddedFormIds.has(formKey.slice(EMBEDDED_FORM_PREFIX.length))) {
      findings.report(element, `links the embedded form '${formKey}', but the process has no zeebe:userTaskForm with the id '${formKey.slice(EMBEDDED_FORM_PREFIX.length)}'. Add it or correct the form key.`);
    } else {
      job.headers[USER_TASK_HEADERS.formKey] = formKey;
    }
  }
  return job;
}

/** Ids of the embedded forms (zeebe:userTaskForm id + body) of a process; forms without id or body are refused. */
export function embeddedFormIdsOf(process: ModdleElement, findings: FindingCollector): Set<string> {
  const ids = new Set<string>();
  for (const form of extensionsOf(process).filter((e) => e.$type === 'zeebe:UserTaskForm')) {
    const id = attr(form, 'id');
    if (!id || typeof form.body !== 'string' || form.body.trim() === '') {
      findings.report(process, 'has a zeebe:userTaskForm without id or body. Give the embedded form an id and its form JSON, or remove it.');
      continue;
    }
    ids.add(id);
  }
  return ids;
}
