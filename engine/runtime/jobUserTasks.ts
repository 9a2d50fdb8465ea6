import type { JobDefinition } from '../model/types';
import { USER_TASK_HEADERS } from '../model/jobUserTask';
import * as expr from './expressions';

const LIST_HEADERS: ReadonlySet<string> = new Set([USER_TASK_HEADERS.candidateGroups, USER_TASK_HEADERS.candidateUsers]);
const DATE_HEADERS: ReadonlySet<string> = new Set([USER_TASK_HEADERS.dueDate, USER_TASK_HEADERS.followUpDate]);

/**
 * The assignment headers of a job-based user task, evaluated when its job is created as Zeebe does: candidate
 * groups/users as a JSON array text, dates as ISO 8601, the assignee as text. Unset values are left out.
 */
export function userTaskJobHeaders(job: JobDefinition, vars: expr.Vars, elementId: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, expression] of Object.entries(job.userTaskHeaders ?? {})) {
    const what = `the ${header.replace('io.camunda.zeebe:', '')} of '${elementId}'`;
    if (LIST_HEADERS.has(header)) {
      headers[header] = JSON.stringify(expr.evaluateStringList(expression, vars, what));
    } else if (DATE_HEADERS.has(header)) {
      const ms = expr.evaluateDateTime(expression, vars, what);
      if (ms !== undefined) headers[header] = expression.startsWith('=') ? new Date(ms).toISOString() : expression;
    } else {
      const value = expr.evaluateOptionalString(expression, vars, what);
      if (value !== undefined) headers[header] = value;
    }
  }
  return headers;
}
