import type { CamundaClient } from '../../../common/camunda';
import type { AuditLog } from '../../../common/audit';
import { managedKommuner, type SessionUser } from '../auth/user';
import { NOW, statusOf, taskVariables, variablesOf } from '../camunda-util';
import { UserError, forbidden, notFound } from '../errors';
import { fmtDateLong } from '../html';
import { kommunFromText } from '../labels';
import { canWorkOnTask, isChefFor } from './access';
import { FormCatalog, inputComponents, type ContextField, type FormSchema } from './form-catalog';
import type { UserDirectory } from './names';
import { checkSubmission, type ForbiddenText } from './validate-form';

export type TaskFilter = 'alla' | 'mina' | 'grupp' | 'forsenade' | 'snart';
export type TaskSort = 'dueDate' | 'creationDate' | 'name' | 'priority';

export interface InboxQuery {
  filter: TaskFilter;
  /** 1-based. */
  page: number;
  size: number;
  sort: TaskSort;
  order: 'asc' | 'desc';
  /** A case reference or part of one, in any case, with or without the VK- prefix. */
  ref?: string;
  process?: string;
  /** A kommun slug or name ("Växjö"). */
  kommun?: string;
}
export const DEFAULT_INBOX: InboxQuery = { filter: 'alla', page: 1, size: 50, sort: 'dueDate', order: 'asc' };

export interface InboxPage { items: TaskView[]; total: number; page: number; pages: number; size: number; query: InboxQuery }

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
  /** The holder's name (never only the login id when the app has seen the user). */
  assigneeName?: string;
  candidateGroups: string[];
  creationDate?: string;
  dueDate?: string;
  state: string;
  overdue: boolean;
  dueSoon: boolean;
}

/** A context value as the task page shows it: label and a Swedish text. */
export interface ContextValue { key: string; label: string; group: string; text: string }

type RawTask = Awaited<ReturnType<CamundaClient['getUserTask']>>;

export interface TaskDeps {
  client: CamundaClient;
  audit: AuditLog;
  now: () => Date;
  dueSoonDays: number;
  /** Default: the repository's forms/ with their context sidecars. */
  forms?: FormCatalog;
  /** Default: login ids are shown as they are. */
  names?: UserDirectory;
  forbiddenText?: ForbiddenText[];
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Task inbox operations; every one checks the user against the task as the API reports it. */
export class TaskService {
  private readonly completing = new Set<string>();
  private readonly d: Required<Omit<TaskDeps, 'forbiddenText' | 'names'>> & Pick<TaskDeps, 'forbiddenText'> & { names: Pick<UserDirectory, 'remember' | 'nameOf'> };
  constructor(deps: TaskDeps) {
    this.d = { ...deps, forms: deps.forms ?? FormCatalog.fromRepo(), names: deps.names ?? { remember: () => undefined, nameOf: (id) => id ?? undefined } };
  }

  get names(): Pick<UserDirectory, 'remember' | 'nameOf'> { return this.d.names; }

  /**
   * One page of the inbox, paged and sorted by the API (no cap: every task is reachable). Sorting by due date
   * lists dated tasks first, then undated ones by creation, which takes one extra search per page.
   */
  async list(user: SessionUser, q: InboxQuery): Promise<InboxPage> {
    const filter = await this.scopeFilter(user, q);
    if (!filter) return { items: [], total: 0, page: q.page, pages: 1, size: q.size, query: q };
    const from = (q.page - 1) * q.size;
    const order = q.order === 'desc' ? 'DESC' : 'ASC';
    let raw: RawTask[];
    let total: number;
    if (q.sort === 'dueDate' && q.filter !== 'forsenade' && q.filter !== 'snart') {
      const datedSearch = () => this.search({ ...filter, dueDate: { $exists: true } }, from, q.size, [{ field: 'dueDate', order }, { field: 'creationDate', order: 'ASC' }]);
      const undatedSearch = (at: number) => this.search({ ...filter, dueDate: { $exists: false } }, at, q.size, [{ field: 'creationDate', order: 'ASC' }]);
      let dated: Awaited<ReturnType<typeof datedSearch>>;
      let undated: Awaited<ReturnType<typeof datedSearch>>;
      // The first page (the one opened most) asks both at once; a later page needs the dated total for the undated
      // offset first.
      if (from === 0) [dated, undated] = await Promise.all([datedSearch(), undatedSearch(0)]);
      else {
        dated = await datedSearch();
        undated = await undatedSearch(Math.max(0, from - dated.total));
      }
      raw = [...dated.items, ...undated.items].slice(0, q.size);
      total = dated.total + undated.total;
    } else {
      const res = await this.search(filter, from, q.size, [{ field: q.sort, order }, { field: 'creationDate', order: 'ASC' }]);
      raw = res.items;
      total = res.total;
    }
    const vars = await variablesOf(this.d.client, [...new Set(raw.map((t) => String(t.processInstanceKey)))], ['caseRef', 'kommun']);
    const items = raw.map((t) => this.view(t, vars.get(String(t.processInstanceKey)) ?? {}));
    // Inbox rows show case data (reference, kommun, task): one audit row per page shown, naming every case on it.
    const caseRefs = [...new Set(items.map((t) => t.caseRef).filter((r): r is string => typeof r === 'string'))];
    if (caseRefs.length > 0) await this.d.audit.record({ actor: user.id, action: 'inbox.read', details: { caseRefs, filter: q.filter, page: q.page } });
    return { items, total, page: q.page, pages: Math.max(1, Math.ceil(total / q.size)), size: q.size, query: q };
  }

  /**
   * The API filter for the user's view. Group members see their groups' tasks, including those a colleague holds;
   * chefs see the tasks of their kommun's cases (chef-region all), so they can take over a stalled one.
   */
  private async scopeFilter(user: SessionUser, q: InboxQuery): Promise<Record<string, unknown> | undefined> {
    const f: Record<string, unknown> = { state: 'CREATED' };
    const vars: Array<{ name: string; value: unknown }> = [];
    const managed = managedKommuner(user);
    if (q.filter === 'mina') f.assignee = user.id;
    else if (managed === 'all') { /* every task */ }
    else if (managed.length > 0) vars.push({ name: 'kommun', value: { $in: managed.map((k) => JSON.stringify(k)) } });
    else f.candidateGroup = { $in: user.groups };
    if (q.filter === 'grupp') f.assignee = { $exists: false };
    const now = this.d.now();
    if (q.filter === 'forsenade') f.dueDate = { $lt: now.toISOString() };
    if (q.filter === 'snart') f.dueDate = { $gte: now.toISOString(), $lte: new Date(now.getTime() + this.d.dueSoonDays * 86_400_000).toISOString() };
    if (q.process) f.processDefinitionId = q.process;
    const ref = q.ref ? caseRefFilter(q.ref) : undefined;
    if (typeof ref === 'string') {
      // A full reference: look its instances up once (an indexed variable search), then filter the tasks by them.
      const found = await this.d.client.searchVariables({ filter: { name: 'caseRef', value: ref } as never, page: { limit: 100 } as never }, NOW);
      const keys = [...new Set(found.items.map((v) => String(v.processInstanceKey)))];
      if (keys.length === 0) return undefined;
      // The task filter takes one instance key; a case with several processes is filtered by the variable.
      if (keys.length === 1) f.processInstanceKey = keys[0];
      else vars.push({ name: 'caseRef', value: ref });
    } else if (ref) vars.push({ name: 'caseRef', value: ref });
    if (q.kommun) {
      const slug = kommunFromText(q.kommun);
      if (!slug) throw new UserError(400, `Okänd kommun "${q.kommun}". Skriv kommunens namn, t.ex. Växjö.`);
      vars.push({ name: 'kommun', value: JSON.stringify(slug) });
    }
    if (vars.length) f.processInstanceVariables = vars;
    return f;
  }

  private async search(filter: Record<string, unknown>, from: number, limit: number, sort: Array<{ field: string; order: string }>): Promise<{ items: RawTask[]; total: number }> {
    const res = await this.d.client.searchUserTasks({ filter: filter as never, page: { from, limit } as never, sort: sort as never }, NOW);
    return { items: res.items as RawTask[], total: Number((res.page as { totalItems?: number }).totalItems ?? res.items.length) };
  }

  /** The task if the user may work on it: 404 when unknown, 403 when it belongs to others. */
  async get(user: SessionUser, userTaskKey: string): Promise<TaskView & { formKey?: string; formId?: string }> {
    const t = await this.fetch(userTaskKey);
    const vars = await variablesOf(this.d.client, [String(t.processInstanceKey)], ['caseRef', 'kommun']);
    const v = vars.get(String(t.processInstanceKey)) ?? {};
    if (!canWorkOnTask(user, t) && !isChefFor(user, typeof v.kommun === 'string' ? v.kommun : undefined)) {
      throw forbidden('Uppgiften tillhör en annan grupp eller kommun än din. Du kan inte öppna den.');
    }
    return { ...this.view(t, v), formKey: t.formKey ? String(t.formKey) : undefined };
  }

  /**
   * The task's Camunda Form with only what it may show: the form's own fields (prefilled from the case), its
   * declared context (forms/<id>.context.json) and caseRef — never the case's other variables.
   */
  async form(user: SessionUser, userTaskKey: string): Promise<{ task: TaskView; schema: FormSchema | null; data: Record<string, unknown>; context: ContextValue[]; all: Record<string, unknown> }> {
    const task = await this.get(user, userTaskKey);
    let schema: FormSchema | null = null;
    if (task.formKey) {
      const form = await this.d.client.getUserTaskForm({ userTaskKey: userTaskKey as never }, NOW as never);
      let s: unknown = form?.schema;
      if (typeof s === 'string') s = JSON.parse(s);
      schema = (s as FormSchema | undefined) ?? null;
    }
    const formId = schema?.id;
    // The task's own scope too: a called process's task or a multi-instance task sees more than its instance's root.
    const all = await taskVariables(this.d.client, userTaskKey);
    const own = new Set(schema ? inputComponents(schema).map((c) => c.key!) : []);
    const fields = this.d.forms.contextFields(formId);
    const data: Record<string, unknown> = {};
    for (const key of this.d.forms.readableKeys(formId, schema)) {
      if (!(key in all)) continue;
      const v = all[key];
      // Context dates are shown as Swedish text inside the form ("Senast {{overlamningDeadline}}").
      data[key] = !own.has(key) && typeof v === 'string' && ISO_LIKE.test(v) ? fmtDateLong(v) : v;
    }
    const context = fields.filter((f) => f.key in all && !own.has(f.key)).map((f) => ({ key: f.key, label: f.label, group: f.group, text: describe(f, all[f.key]) }));
    return { task, schema, data, context, all };
  }

  /** The form for the browser or the task page: it shows case data, so it is audited as a case read. */
  async formForDisplay(user: SessionUser, userTaskKey: string, source: 'task-form' | 'task-page' | 'task-print' = 'task-form') {
    const { task, schema, data, context } = await this.form(user, userTaskKey);
    await this.d.audit.record({ actor: user.id, action: 'case.read', caseRef: task.caseRef, details: { source, userTaskKey, fields: [...Object.keys(data)] } });
    return { task, schema, data, context, printable: this.d.forms.sidecar(schema?.id).printable };
  }

  async claim(user: SessionUser, userTaskKey: string): Promise<void> {
    const t = await this.get(user, userTaskKey);
    if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är redan slutförd.');
    if (t.assignee && t.assignee !== user.id) throw new UserError(409, `Uppgiften är redan tilldelad ${t.assigneeName}. Välj "Ta över" om du ska ta den i stället.`);
    await this.d.client.assignUserTask({ userTaskKey: userTaskKey as never, assignee: user.id, allowOverride: false } as never);
    await this.d.audit.record({ actor: user.id, action: 'task.claimed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey } });
  }

  /**
   * Explicit take-over of a task a colleague holds (Tasklist's re-assignment): by a member of a candidate group or
   * a chef of the case's kommun. Audited with the previous holder, who sees the task leave their list.
   */
  async takeOver(user: SessionUser, userTaskKey: string): Promise<{ from: string }> {
    const t = await this.get(user, userTaskKey);
    if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är redan slutförd.');
    if (!t.assignee) throw new UserError(409, 'Ingen har uppgiften just nu. Välj "Ta uppgiften" i stället.');
    if (t.assignee === user.id) throw new UserError(409, 'Du har redan uppgiften.');
    await this.d.client.assignUserTask({ userTaskKey: userTaskKey as never, assignee: user.id, allowOverride: true } as never);
    await this.d.audit.record({ actor: user.id, action: 'task.takenOver', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey, from: t.assignee } });
    return { from: t.assigneeName ?? t.assignee };
  }

  async unclaim(user: SessionUser, userTaskKey: string): Promise<void> {
    const t = await this.get(user, userTaskKey);
    if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är redan slutförd.');
    if (t.assignee !== user.id) throw new UserError(409, 'Uppgiften är inte tilldelad dig, så du kan inte lämna tillbaka den.');
    await this.d.client.unassignUserTask({ userTaskKey: userTaskKey as never });
    await this.d.audit.record({ actor: user.id, action: 'task.unclaimed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey } });
  }

  /**
   * Completes the task with the submitted form data after server-side validation against the form schema
   * (validate-form.ts): only the form's visible own fields, with checked types and dates, are passed on.
   * A second submission (double click, two tabs) gets 409 "redan slutförd".
   */
  async complete(user: SessionUser, userTaskKey: string, data: Record<string, unknown>): Promise<void> {
    if (this.completing.has(userTaskKey)) throw new UserError(409, 'Uppgiften är redan slutförd (eller håller på att slutföras).');
    this.completing.add(userTaskKey);
    try {
      const t = await this.get(user, userTaskKey);
      if (t.state === 'COMPLETED' || t.state === 'COMPLETING') throw new UserError(409, 'Uppgiften är redan slutförd.');
      if (t.state !== 'CREATED') throw new UserError(409, 'Uppgiften är inte längre aktiv (ärendet kan ha avslutats).');
      if (t.assignee && t.assignee !== user.id) throw new UserError(409, `Uppgiften är tilldelad ${t.assigneeName}. Välj "Ta över" först om du ska slutföra den.`);
      const { schema, all } = await this.form(user, userTaskKey);
      let variables: Record<string, unknown> = {};
      if (schema) {
        const checked = checkSubmission(schema, data, all, { now: this.d.now(), dates: this.d.forms.sidecar(schema.id).dates, forbiddenText: this.d.forbiddenText });
        if (Object.keys(checked.errors).length > 0) throw new UserError(400, 'Formuläret innehåller fel. Rätta de markerade fälten och skicka igen.', { fieldErrors: checked.errors });
        variables = checked.variables;
      }
      if (!t.assignee) await this.d.client.assignUserTask({ userTaskKey: userTaskKey as never, assignee: user.id, allowOverride: false } as never);
      try {
        await this.d.client.completeUserTask({ userTaskKey: userTaskKey as never, variables });
      } catch (err) {
        const s = statusOf(err);
        if (s === 404 || s === 409) throw new UserError(409, 'Uppgiften är redan slutförd.');
        throw err;
      }
      await this.d.audit.record({ actor: user.id, action: 'task.completed', caseRef: t.caseRef, details: { userTaskKey, elementId: t.elementId, processInstanceKey: t.processInstanceKey, fields: Object.keys(variables) } });
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
      assigneeName: this.d.names.nameOf(t.assignee),
      candidateGroups: t.candidateGroups ?? [],
      creationDate: t.creationDate,
      dueDate: t.dueDate,
      state: String(t.state ?? 'CREATED'),
      overdue: due !== undefined && due < now && t.state === 'CREATED',
      dueSoon: due !== undefined && due >= now && due <= now + this.d.dueSoonDays * 86_400_000,
    };
  }
}

/**
 * What the user typed in the case-reference search, as an API filter on the `caseRef` variable (values are JSON
 * strings): a full reference in any case and with or without "VK-" matches exactly, a part of one (digits and
 * dashes) anywhere in the reference.
 */
export function caseRefFilter(input: string): string | { $like: string } | undefined {
  const s = input.trim().toUpperCase().replace(/\s+/g, '');
  if (!s) return undefined;
  const full = /^(?:VK-?)?(\d{4})-?(\d{6})$/.exec(s);
  if (full) return JSON.stringify(`VK-${full[1]}-${full[2]}`);
  const part = s.replace(/^VK-?/, '');
  if (!/^[\d-]{1,11}$/.test(part)) throw new UserError(400, 'Ett ärendenummer ser ut som VK-2026-000123. Sök på hela numret eller en del av siffrorna.');
  return { $like: `*${part}*` };
}

/** A context value as Swedish text, using the option labels of the form that asked for it. */
function describe(f: ContextField, v: unknown): string {
  if (v === null || v === undefined || v === '') return 'Ej ifyllt';
  const options = f.component?.values;
  const label = (x: unknown) => options?.find((o) => o.value === x)?.label ?? String(x);
  if (Array.isArray(v)) return v.length ? v.map(label).join(', ') : 'Inget valt';
  if (typeof v === 'boolean') return v ? 'Ja' : 'Nej';
  if (f.type === 'date' || (typeof v === 'string' && ISO_LIKE.test(v))) return fmtDateLong(String(v));
  if (typeof v === 'object') return 'Ej visningsbart';
  return label(v);
}
