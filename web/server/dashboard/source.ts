import type { CamundaClient } from '../../../common/camunda';
import { NOW } from '../camunda-util';

/**
 * What the read model asks the Orchestration Cluster REST API for: process instances, user tasks and ended element
 * instances (cursor paging, 2 000 per page: fewer requests, and the embedded engine counts the matches per page).
 */
const PAGE = 2000;

export interface InstanceRow { processInstanceKey: string; processDefinitionId: string; state: string; startDate: string; endDate?: string; parentProcessInstanceKey?: string }
export interface TaskRow { userTaskKey: string; processInstanceKey: string; processDefinitionId: string; elementId: string; name?: string; state: string; creationDate?: string; completionDate?: string; dueDate?: string; candidateGroups: string[]; assignee?: string }

/**
 * Process instances matching `filter`, called ones included: a called process (flytt, SIP, the placement deadlines)
 * carries the case's caseRef and kommun into its own root scope, so its tasks count for the case's kommun.
 */
export async function searchInstances(client: CamundaClient, filter: Record<string, unknown>): Promise<InstanceRow[]> {
  const out: InstanceRow[] = [];
  await paged((page) => client.searchProcessInstances({ filter: filter as never, page: page as never, sort: [{ field: 'processInstanceKey', order: 'ASC' }] as never }, NOW as never), (items) => {
    for (const p of items as Array<Record<string, unknown>>) {
      out.push({ processInstanceKey: String(p.processInstanceKey), processDefinitionId: String(p.processDefinitionId), state: String(p.state), startDate: String(p.startDate), endDate: p.endDate as string | undefined, parentProcessInstanceKey: p.parentProcessInstanceKey ? String(p.parentProcessInstanceKey) : undefined });
    }
  });
  return out;
}

export async function searchTasks(client: CamundaClient, filter: Record<string, unknown>): Promise<TaskRow[]> {
  const out: TaskRow[] = [];
  await paged((page) => client.searchUserTasks({ filter: filter as never, page: page as never }, NOW), (items) => {
    for (const t of items as Array<Record<string, unknown>>) out.push(toTaskRow(t));
  });
  return out;
}

export interface EndedElement { key: string; processInstanceKey: string; endDate?: string }

/**
 * Element instances that ended since `since`. Root variables only change when an element ends (job or user-task
 * completion, message correlation, timer, error/escalation), so their instances are the active ones whose indicator
 * variables may have changed.
 */
export async function endedElements(client: CamundaClient, since: string): Promise<EndedElement[]> {
  const out: EndedElement[] = [];
  await paged((page) => client.searchElementInstances({ filter: { endDate: { $gte: since } } as never, page: page as never }, NOW as never), (items) => {
    for (const e of items as Array<Record<string, unknown>>) out.push({ key: String(e.elementInstanceKey), processInstanceKey: String(e.processInstanceKey), endDate: e.endDate as string | undefined });
  });
  return out;
}

export function toTaskRow(t: Record<string, unknown>): TaskRow {
  return { userTaskKey: String(t.userTaskKey), processInstanceKey: String(t.processInstanceKey), processDefinitionId: String(t.processDefinitionId), elementId: String(t.elementId), name: t.name as string | undefined, state: String(t.state), creationDate: t.creationDate as string | undefined, completionDate: t.completionDate as string | undefined, dueDate: t.dueDate as string | undefined, candidateGroups: (t.candidateGroups as string[] | undefined) ?? [], assignee: t.assignee as string | undefined };
}

async function paged(fetchPage: (page: Record<string, unknown>) => Promise<{ items?: unknown[]; page?: unknown }>, onItems: (items: unknown[]) => void): Promise<void> {
  let after: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const res = await fetchPage(after ? { limit: PAGE, after } : { limit: PAGE });
    const items = res.items ?? [];
    onItems(items);
    const end = (res.page as { endCursor?: string } | undefined)?.endCursor;
    if (items.length < PAGE || !end) return;
    after = end;
  }
}
