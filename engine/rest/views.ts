import type { ElementInstanceRow, ProcessDefinitionRow } from '../runtime/context';
import type { IncidentRow } from '../runtime/incidents';
import type { JobRow } from '../runtime/jobs';
import type { UserTaskRow } from '../runtime/userTasks';
import type { Db } from '../store/db';
import { getForm } from '../store/definitions';
import type { ProcessInstanceSearchRow } from '../store/processInstances';
import { userTaskPropertiesOf } from '../runtime/taskListeners';

/**
 * Store rows → API JSON, exactly in the shapes the official client validates: keys as strings,
 * ISO 8601 dates, optional fields left out rather than null.
 */

export const TENANT = '<default>';
const key = (value: number) => String(value);
const date = (ms: number) => new Date(ms).toISOString();

export type ProcessDefinitionView = Pick<ProcessDefinitionRow, 'key' | 'bpmn_process_id' | 'version' | 'name' | 'version_tag' | 'resource_name'> & {
  /** 1 when the compiled process has a start form (store/definitions LIVE_DEFINITIONS). */
  has_start_form: number;
};

/** FormResult of the form endpoints (user task form, start form); undefined when no such form row exists. */
export function formResultView(db: Db, formKey: number) {
  const form = getForm({ db }, formKey);
  if (!form) return undefined;
  return { formKey: key(formKey), formId: form.form_id, version: form.version, schema: JSON.parse(form.schema), tenantId: TENANT };
}

export function processDefinitionView(row: ProcessDefinitionView) {
  return {
    processDefinitionKey: key(row.key),
    processDefinitionId: row.bpmn_process_id,
    name: row.name ?? row.bpmn_process_id,
    version: row.version,
    ...(row.version_tag ? { versionTag: row.version_tag } : {}),
    resourceName: row.resource_name,
    tenantId: TENANT,
    hasStartForm: row.has_start_form === 1,
  };
}


export function processInstanceView(row: ProcessInstanceSearchRow) {
  return {
    processInstanceKey: key(row.key),
    processDefinitionKey: key(row.process_definition_key),
    processDefinitionId: row.bpmn_process_id,
    processDefinitionName: row.definition_name ?? row.bpmn_process_id,
    processDefinitionVersion: row.version,
    ...(row.version_tag ? { processDefinitionVersionTag: row.version_tag } : {}),
    startDate: date(row.start_date),
    ...(row.end_date !== null ? { endDate: date(row.end_date) } : {}),
    state: row.state,
    hasIncident: row.incident_count > 0,
    tenantId: TENANT,
    ...(row.parent_process_instance_key !== null ? { parentProcessInstanceKey: key(row.parent_process_instance_key) } : {}),
    ...(row.parent_element_instance_key !== null ? { parentElementInstanceKey: key(row.parent_element_instance_key) } : {}),
    tags: JSON.parse(row.tags) as string[],
  };
}

export function elementInstanceView(row: ElementInstanceRow) {
  return {
    elementInstanceKey: key(row.key),
    processInstanceKey: key(row.process_instance_key),
    processDefinitionKey: key(row.process_definition_key),
    processDefinitionId: row.bpmn_process_id,
    elementId: row.element_id,
    elementName: row.element_name ?? row.element_id,
    type: row.element_type,
    state: row.state,
    startDate: date(row.start_date),
    ...(row.end_date !== null ? { endDate: date(row.end_date) } : {}),
    hasIncident: row.incident_key !== null,
    ...(row.incident_key !== null ? { incidentKey: key(row.incident_key) } : {}),
    tenantId: TENANT,
  };
}

export interface VariableView {
  key: number;
  name: string;
  value: string;
  scope_key: number;
  process_instance_key: number;
}

/** Search answers truncate long values (like Operate); GET /variables/{key} returns the full value. */
export const VARIABLE_PREVIEW_LIMIT = 8192;

export function variableView(row: VariableView, truncate: boolean) {
  const isTruncated = truncate && row.value.length > VARIABLE_PREVIEW_LIMIT;
  return {
    variableKey: key(row.key),
    name: row.name,
    value: isTruncated ? row.value.slice(0, VARIABLE_PREVIEW_LIMIT) : row.value,
    ...(truncate ? { isTruncated } : {}),
    scopeKey: key(row.scope_key),
    processInstanceKey: key(row.process_instance_key),
    tenantId: TENANT,
  };
}

export function incidentView(row: IncidentRow) {
  return {
    incidentKey: key(row.key),
    processDefinitionKey: key(row.process_definition_key),
    processDefinitionId: row.bpmn_process_id,
    processInstanceKey: key(row.process_instance_key),
    elementInstanceKey: key(row.element_instance_key),
    elementId: row.element_id,
    errorType: row.error_type,
    errorMessage: row.error_message,
    state: row.state,
    creationTime: date(row.creation_time),
    ...(row.job_key !== null ? { jobKey: key(row.job_key) } : {}),
    tenantId: TENANT,
  };
}

export function userTaskView(row: UserTaskRow & { process_name?: string | null }) {
  return {
    userTaskKey: key(row.key),
    name: row.name ?? row.element_id,
    state: row.state,
    ...(row.assignee ? { assignee: row.assignee } : {}),
    elementId: row.element_id,
    elementInstanceKey: key(row.element_instance_key),
    candidateGroups: JSON.parse(row.candidate_groups) as string[],
    candidateUsers: JSON.parse(row.candidate_users) as string[],
    processDefinitionId: row.bpmn_process_id,
    processDefinitionKey: key(row.process_definition_key),
    processDefinitionVersion: row.version,
    processInstanceKey: key(row.process_instance_key),
    ...(row.process_name ? { processName: row.process_name } : {}),
    creationDate: date(row.creation_date),
    ...(row.completion_date !== null ? { completionDate: date(row.completion_date) } : {}),
    ...(row.due_date !== null ? { dueDate: date(row.due_date) } : {}),
    ...(row.follow_up_date !== null ? { followUpDate: date(row.follow_up_date) } : {}),
    ...(row.form_key !== null ? { formKey: key(row.form_key) } : {}),
    ...(row.external_form_reference ? { externalFormReference: row.external_form_reference } : {}),
    customHeaders: JSON.parse(row.custom_headers) as Record<string, string>,
    priority: row.priority,
    tenantId: TENANT,
  };
}

export function activatedJobView(job: JobRow, variables: Record<string, unknown>) {
  return {
    jobKey: key(job.key),
    type: job.type,
    processInstanceKey: key(job.process_instance_key),
    processDefinitionKey: key(job.process_definition_key),
    processDefinitionId: job.bpmn_process_id,
    processDefinitionVersion: job.version,
    elementId: job.element_id,
    elementInstanceKey: key(job.element_instance_key),
    customHeaders: JSON.parse(job.custom_headers) as Record<string, string>,
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline ?? 0,
    variables,
    tenantId: TENANT,
    kind: job.kind,
    listenerEventType: job.listener_event_type,
    ...(job.kind === 'TASK_LISTENER' ? { userTask: userTaskPropertiesOf(JSON.parse(job.custom_headers) as Record<string, string>) } : {}),
    tags: JSON.parse(job.tags) as string[],
  };
}

export function jobView(job: JobRow) {
  return {
    jobKey: key(job.key),
    type: job.type,
    state: job.state,
    kind: job.kind,
    listenerEventType: job.listener_event_type,
    retries: job.retries,
    worker: job.worker,
    hasFailedWithRetriesLeft: job.state === 'FAILED' && job.retries > 0,
    ...(job.deadline !== null ? { deadline: date(job.deadline) } : {}),
    ...(job.end_time !== null ? { endTime: date(job.end_time) } : {}),
    ...(job.error_message !== null ? { errorMessage: job.error_message } : {}),
    ...(job.error_code !== null ? { errorCode: job.error_code } : {}),
    customHeaders: JSON.parse(job.custom_headers) as Record<string, string>,
    elementId: job.element_id,
    elementInstanceKey: key(job.element_instance_key),
    processDefinitionId: job.bpmn_process_id,
    processDefinitionKey: key(job.process_definition_key),
    processInstanceKey: key(job.process_instance_key),
    tenantId: TENANT,
  };
}
