import type { CamundaClient } from '../../../common/camunda';
import type { AuditLog } from '../../../common/audit';
import type { SessionUser } from '../auth/user';
import { NOW, statusOf, variablesOf } from '../camunda-util';
import { UserError, forbidden, notFound } from '../errors';
import { canWorkOnTask } from './access';
import { validateAgainstForm } from './validate-form';

export type TaskFilter = 'alla' | 'mina' | 'grupp' | 'forsenade' | 'snart';

export interface TaskView {
  userTaskKey: string;
  name: string;
  elementId: string;
  processDefinitionId: string;
  processName: string;
  processInstanceKey: string;
  caseRef?: string;
  kommun?: string;
  assignee?: string;
  candidateGroups: string[];
  creationDate?: string;
  dueDate?: string;
  state: string;
  overdue: boolean;
  dueSoon: boolean;
}

type RawTask = Awaited<ReturnType<CamundaClient['getUserTask']>>;

export interface TaskDeps {
  client: CamundaClient;
  audit: AuditLog;
  now: () => Date;
  dueSoonDays: number;
}

/** Task inbox operations; every one checks the user against the task as the API reports it. */
export class TaskService {
  private readonly completing = new Set<string>();
  constructor(private readonly d: TaskDeps) {}

  async list(user: SessionUser, filter: TaskFilter): Promise<TaskView[]> {
    const nowIso = this.d.now().toISOString();
    const soonIso = new Date(this.d.now().getTime() + this.d.dueSoonDays * 86_400_000).toISOString();
    const base: Record<string, unknown> = { state: 'CREATED' };
    if (filter === 'forsenade') base.dueDate = { $lt: nowIso };
    if (filter === 'snart') base.dueDate = { $gte: nowIso, $lte: soonIso };
    const queries: Record<string, unknown>[] = [];
    if (filter !== 'grupp') queries.push({ ...base, assignee: user.id });
    if (filter !== 'mina') {
      queries.push({ ...base, candidateGroup: { $in: user.groups } });
      queries.push({ ...base, candidateUser: user.id });
    }
    const byKey = new Map<string, RawTask>();
    for (const q of queries) {
      for (const t of await this.searchAll(q)) byKey.set(String(t.userTaskKey), t);
    }
    // Candidate-group tasks someone else already claimed are not offered (Tasklist behaviour), except to that person.
    const tasks = [...byKey.values()].filter((t) => canWorkOnTask(user, t) && (!t.assignee || t.assignee === user.id || filter === 'forsenade' || filter === 'snart'));
    const vars = await variablesOf(this.d.client, [...new Set(tasks.map((t) => String(t.processInstanceKey)))], ['caseRef', 'kommun']);
    const views = tasks.map((t) => this.view(t, vars.get(String(t.processInstanceKey)) ?? {}));
    return views.sort(byDueDate);
  }

  /** The task if the user may work on it: 404 when unknown, 403 when it belongs to others. */
  async get(user: SessionUser, userTaskKey: string): Promise<TaskView & { formKey?: string }> {
    const t = await this.fetch(userTaskKey);
    if (!canWorkOnTask(user, t)) throw forbidden('Uppgiften tillhör en annan grupp eller kommun än din. Du kan inte öppna den.');
    const vars = await variablesOf(this.d.client, [String(t.processInstanceKey)], ['caseRef', 'kommun']);
    return { ...this.view(t, vars.get(String(t.processInstanceKey)) ?? {}), formKey: t.formKey ? String(t.formKey) : undefined };
  }

  /** The task's Camunda Form and the process variables to prefill it with. */
  async form(user: SessionUser, userTaskKey: string): Promise<{ schema: Record<string, unknown> | null; data: Record<string, unknown> }> {
    const task = await this.get(user, userTaskKey);
    let schema: Record<string, unknown> | null = null;
    if (task.formKey) {
      const form = await this.d.client.getUserTaskForm({ userTaskKey: userTaskKey as never }, NOW as never);
      schema = (form?.schema as Record<string, unknown> | undefined) ?? null;
      if (typeof schema === 'string') schema = JSON.parse(schema) as Record<string, unknown>;
    }
    const vars = await variablesOf(this.d.client, [task.processInstanceKey]);
    return { schema, data: vars.get(task.processInstanceKey) ?? {} };
  }

  /** The form for the browser: the case's variables are read, so this is audited as a case read. */
  async formForDisplay(user: SessionUser, userTaskKey: string) {
    const f = await this.form(user, userTaskKey);
    this.d.audit.record({ actor: user.id, action: 'case.read', caseRef: typeof f.data.caseRef === 'string' ? f.data.caseRef : undefined, details: { source: 'task-form', userTaskKey } });
    return f;
  }

  async claim(user: SessionUser, userTaskKey: string): Promise<void> {
    const t = await this.get(user, userTaskKey);
    if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är redan slutförd.');
    if (t.assignee && t.assignee !== user.id) throw new UserError(409, `Uppgiften är redan tilldelad ${t.assignee}. Be hen lämna tillbaka den om du ska ta över.`);
    await this.d.client.assignUserTask({ userTaskKey: userTaskKey as never, assignee: user.id, allowOverride: false } as never);
    this.d.audit.record({ actor: user.id, action: 'task.claimed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey } });
  }

  async unclaim(user: SessionUser, userTaskKey: string): Promise<void> {
    const t = await this.get(user, userTaskKey);
    if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är redan slutförd.');
    if (t.assignee !== user.id) throw new UserError(409, 'Uppgiften är inte tilldelad dig, så du kan inte lämna tillbaka den.');
    await this.d.client.unassignUserTask({ userTaskKey: userTaskKey as never });
    this.d.audit.record({ actor: user.id, action: 'task.unclaimed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey } });
  }

  /**
   * Completes the task with the submitted form data after server-side validation against the form schema.
   * Only the form's own fields are passed on. A second submission (double click, two tabs) gets 409 "redan slutförd".
   */
  async complete(user: SessionUser, userTaskKey: string, data: Record<string, unknown>): Promise<void> {
    if (this.completing.has(userTaskKey)) throw new UserError(409, 'Uppgiften är redan slutförd (eller håller på att slutföras).');
    this.completing.add(userTaskKey);
    try {
      const t = await this.get(user, userTaskKey);
      if (t.state === 'COMPLETED' || t.state === 'COMPLETING') throw new UserError(409, 'Uppgiften är redan slutförd.');
      if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är inte längre aktiv (ärendet kan ha avslutats).');
      if (t.assignee && t.assignee !== user.id) throw new UserError(409, `Uppgiften är tilldelad ${t.assignee}. Ta den inte över utan att prata med hen.`);
      const { schema, data: context } = await this.form(user, userTaskKey);
      let variables: Record<string, unknown> = {};
      if (schema) {
        const errors = validateAgainstForm(schema, data, context);
        if (Object.keys(errors).length > 0) throw new UserError(400, 'Formuläret innehåller fel. Rätta de markerade fälten och skicka igen.', { fieldErrors: errors });
        variables = pickFormFields(schema, data);
      }
      if (!t.assignee) await this.d.client.assignUserTask({ userTaskKey: userTaskKey as never, assignee: user.id, allowOverride: false } as never);
      try {
        await this.d.client.completeUserTask({ userTaskKey: userTaskKey as never, variables });
      } catch (err) {
        const s = statusOf(err);
        if (s === 404 || s === 409) throw new UserError(409, 'Uppgiften är redan slutförd.');
        throw err;
      }
      this.d.audit.record({ actor: user.id, action: 'task.completed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey, fields: Object.keys(variables) } });
    } finally {
      this.completing.delete(userTaskKey);
    }
  }

  private async fetch(userTaskKey: string): Promise<RawTask> {
    if (!/^\d{1,20}$/.test(userTaskKey)) throw notFound('Uppgiften finns inte. Kontrollera länken.');
    try {
      return await this.d.client.getUserTask({ userTaskKey: userTaskKey as never }, NOW as never);
    } catch (err) {
      if (statusOf(err) === 404) throw notFound('Uppgiften finns inte (längre). Gå tillbaka till inkorgen.');
      throw err;
    }
  }

  private async searchAll(filter: Record<string, unknown>): Promise<RawTask[]> {
    const res = await this.d.client.searchUserTasks({ filter: filter as never, page: { limit: 500 } as never }, NOW);
    return res.items as RawTask[];
  }

  private view(t: RawTask, vars: Record<string, unknown>): TaskView {
    const now = this.d.now().getTime();
    const due = t.dueDate ? Date.parse(t.dueDate) : undefined;
    return {
      userTaskKey: String(t.userTaskKey),
      name: t.name ?? String(t.elementId),
      elementId: String(t.elementId ?? ''),
      processDefinitionId: String(t.processDefinitionId ?? ''),
      processName: t.processName ?? String(t.processDefinitionId ?? ''),
      processInstanceKey: String(t.processInstanceKey),
      caseRef: typeof vars.caseRef === 'string' ? vars.caseRef : undefined,
      kommun: typeof vars.kommun === 'string' ? vars.kommun : undefined,
      assignee: t.assignee ?? undefined,
      candidateGroups: t.candidateGroups ?? [],
      creationDate: t.creationDate,
      dueDate: t.dueDate,
      state: String(t.state ?? 'CREATED'),
      overdue: due !== undefined && due < now && t.state === 'CREATED',
      dueSoon: due !== undefined && due >= now && due <= now + this.d.dueSoonDays * 86_400_000,
    };
  }
}

function byDueDate(a: TaskView, b: TaskView): number {
  if (a.dueDate && b.dueDate) return Date.parse(a.dueDate) - Date.parse(b.dueDate);
  if (a.dueDate) return -1;
  if (b.dueDate) return 1;
  return (a.creationDate ?? '').localeCompare(b.creationDate ?? '');
}

function pickFormFields(schema: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const keys = new Set<string>();
  const walk = (cs: unknown) => {
    for (const c of (Array.isArray(cs) ? cs : []) as Array<{ key?: string; components?: unknown; type?: string }>) {
      if (c.key && c.type !== 'text' && c.type !== 'button') keys.add(c.key);
      walk(c.components);
    }
  };
  walk(schema.components);
  return Object.fromEntries(Object.entries(data).filter(([k]) => keys.has(k)));
}
