import type Database from 'better-sqlite3';
import type { CamundaClient } from '../../../common/camunda';
import { NOW, variablesOf } from '../camunda-util';

/**
 * Dashboard read model in web.sqlite, refreshed incrementally from the Orchestration Cluster REST API, so the
 * dashboard never scans 100 000 historical instances per page view.
 *
 * Each refresh fetches only (1) user tasks created or completed and process instances started or ended since the
 * last watermark (minus a 5-minute overlap for eventual consistency), and (2) all open (CREATED) user tasks and the
 * few indicator variables of instances that are still ACTIVE in the read model (bounded by the work in progress, not by
 * history). Rows are upserted; the watermark moves to the refresh's start time. Finished instances are never
 * re-read.
 */
const VARS = ['caseRef', 'kommun', 'home', 'decisionDate', 'admittedAt', 'beslut', 'ejVerkstalltDeadline'];
const PAGE = 500;

export class ReadModel {
  /** `overlapMs`: how far before the watermark changes are fetched again (eventual consistency of the cluster). */
  constructor(private readonly db: Database.Database, private readonly client: CamundaClient, private readonly now: () => Date, private readonly overlapMs = 5 * 60_000) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rm_tasks (user_task_key TEXT PRIMARY KEY, process_instance_key TEXT NOT NULL, process_definition_id TEXT NOT NULL,
        element_id TEXT NOT NULL, name TEXT, state TEXT NOT NULL, creation_date TEXT, completion_date TEXT, due_date TEXT, candidate_groups TEXT NOT NULL, assignee TEXT);
      CREATE INDEX IF NOT EXISTS rm_tasks_pi ON rm_tasks(process_instance_key);
      CREATE INDEX IF NOT EXISTS rm_tasks_open ON rm_tasks(state, due_date);
      CREATE TABLE IF NOT EXISTS rm_instances (process_instance_key TEXT PRIMARY KEY, process_definition_id TEXT NOT NULL, state TEXT NOT NULL,
        start_date TEXT NOT NULL, end_date TEXT, case_ref TEXT, kommun TEXT, home TEXT, decision_date TEXT, admitted_at TEXT, beslut TEXT, ej_verkstallt_deadline TEXT);
      CREATE INDEX IF NOT EXISTS rm_instances_state ON rm_instances(state);
      CREATE INDEX IF NOT EXISTS rm_instances_kommun ON rm_instances(kommun, start_date);
      CREATE TABLE IF NOT EXISTS rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  }

  lastRefresh(): string | undefined {
    return (this.db.prepare("SELECT value FROM rm_meta WHERE key = 'watermark'").get() as { value: string } | undefined)?.value;
  }

  private running?: Promise<{ tasks: number; instances: number }>;

  /** One incremental refresh; concurrent callers share the same run. */
  refresh(): Promise<{ tasks: number; instances: number }> {
    this.running ??= this.doRefresh().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async doRefresh(): Promise<{ tasks: number; instances: number }> {
    const started = this.now().toISOString();
    const wm = this.lastRefresh();
    const since = wm ? new Date(Date.parse(wm) - this.overlapMs).toISOString() : undefined;
    const instances = new Map<string, InstanceRow>();
    const tasks = new Map<string, TaskRow>();
    const addInstances = (rows: InstanceRow[]) => rows.forEach((r) => instances.set(r.processInstanceKey, r));
    const addTasks = (rows: TaskRow[]) => rows.forEach((r) => tasks.set(r.userTaskKey, r));
    if (since) {
      addInstances(await this.instances({ startDate: { $gte: since } }));
      addInstances(await this.instances({ endDate: { $gte: since } }));
      addTasks(await this.tasks({ creationDate: { $gte: since } }));
      addTasks(await this.tasks({ completionDate: { $gte: since } }));
    } else {
      addInstances(await this.instances({}));
      addTasks(await this.tasks({}));
    }
    if (since) {
      // Open tasks are bounded by work in progress; tasks that left CREATED without a completion date (canceled
      // with their instance) are re-read one by one.
      addTasks(await this.tasks({ state: 'CREATED' }));
      const stale = (this.db.prepare("SELECT user_task_key AS k FROM rm_tasks WHERE state = 'CREATED'").all() as Array<{ k: string }>).map((r) => r.k).filter((k) => !tasks.has(k));
      for (const k of stale) {
        const t = await this.client.getUserTask({ userTaskKey: k as never }, NOW as never).catch(() => undefined);
        if (t) addTasks([toTaskRow(t as unknown as Record<string, unknown>)]);
        else this.db.prepare("UPDATE rm_tasks SET state = 'CANCELED' WHERE user_task_key = ?").run(k);
      }
    }
    // Work in progress: instances still active in the read model (their tasks and variables can change).
    const active = (this.db.prepare("SELECT process_instance_key AS k FROM rm_instances WHERE state = 'ACTIVE'").all() as Array<{ k: string }>).map((r) => r.k);
    const toRefresh = [...new Set([...active, ...instances.keys()])];
    for (let i = 0; i < toRefresh.length; i += 200) {
      const batch = toRefresh.slice(i, i + 200);
      const missing = batch.filter((k) => !instances.has(k));
      if (missing.length) addInstances(await this.instances({ processInstanceKey: { $in: missing } }));
      const vars = await variablesOf(this.client, batch, VARS);
      for (const k of batch) {
        const row = instances.get(k);
        if (row) row.vars = vars.get(k) ?? {};
      }
    }
    this.write([...instances.values()], [...tasks.values()], started);
    return { tasks: tasks.size, instances: instances.size };
  }

  private write(instances: InstanceRow[], tasks: TaskRow[], watermark: string) {
    const upI = this.db.prepare(`INSERT INTO rm_instances VALUES (@k, @pd, @state, @start, @end, @caseRef, @kommun, @home, @decision, @admitted, @beslut, @ejv)
      ON CONFLICT(process_instance_key) DO UPDATE SET state = excluded.state, end_date = excluded.end_date, case_ref = excluded.case_ref, kommun = excluded.kommun,
      home = excluded.home, decision_date = excluded.decision_date, admitted_at = excluded.admitted_at, beslut = excluded.beslut, ej_verkstallt_deadline = excluded.ej_verkstallt_deadline`);
    const upT = this.db.prepare(`INSERT INTO rm_tasks VALUES (@k, @pi, @pd, @el, @name, @state, @created, @completed, @due, @groups, @assignee)
      ON CONFLICT(user_task_key) DO UPDATE SET state = excluded.state, completion_date = excluded.completion_date, due_date = excluded.due_date, assignee = excluded.assignee, candidate_groups = excluded.candidate_groups`);
    this.db.transaction(() => {
      for (const r of instances) {
        const v = r.vars ?? {};
        upI.run({ k: r.processInstanceKey, pd: r.processDefinitionId, state: r.state, start: iso(r.startDate), end: iso(r.endDate), caseRef: str(v.caseRef), kommun: str(v.kommun), home: str(v.home), decision: iso(str(v.decisionDate)), admitted: iso(str(v.admittedAt)), beslut: str(v.beslut), ejv: iso(str(v.ejVerkstalltDeadline)) });
      }
      for (const t of tasks) upT.run({ k: t.userTaskKey, pi: t.processInstanceKey, pd: t.processDefinitionId, el: t.elementId, name: t.name ?? null, state: t.state, created: iso(t.creationDate), completed: iso(t.completionDate), due: iso(t.dueDate), groups: JSON.stringify(t.candidateGroups), assignee: t.assignee ?? null });
      this.db.prepare("INSERT INTO rm_meta (key, value) VALUES ('watermark', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(watermark);
    })();
  }

  private async instances(filter: Record<string, unknown>): Promise<InstanceRow[]> {
    const out: InstanceRow[] = [];
    await paged((page) => this.client.searchProcessInstances({ filter: filter as never, page: page as never, sort: [{ field: 'processInstanceKey', order: 'ASC' }] as never }, NOW as never), (items) => {
      for (const p of items as Array<Record<string, unknown>>) {
        if (p.parentProcessInstanceKey) continue;
        out.push({ processInstanceKey: String(p.processInstanceKey), processDefinitionId: String(p.processDefinitionId), state: String(p.state), startDate: String(p.startDate), endDate: p.endDate as string | undefined });
      }
    });
    return out;
  }

  private async tasks(filter: Record<string, unknown>): Promise<TaskRow[]> {
    const out: TaskRow[] = [];
    await paged((page) => this.client.searchUserTasks({ filter: filter as never, page: page as never }, NOW), (items) => {
      for (const t of items as Array<Record<string, unknown>>) out.push(toTaskRow(t));
    });
    return out;
  }
}

interface InstanceRow { processInstanceKey: string; processDefinitionId: string; state: string; startDate: string; endDate?: string; vars?: Record<string, unknown> }
interface TaskRow { userTaskKey: string; processInstanceKey: string; processDefinitionId: string; elementId: string; name?: string; state: string; creationDate?: string; completionDate?: string; dueDate?: string; candidateGroups: string[]; assignee?: string }

function toTaskRow(t: Record<string, unknown>): TaskRow {
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

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Normalises dates to UTC ISO strings so SQL can compare them as text. */
function iso(v: string | null | undefined): string | null {
  if (!v) return null;
  const d = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isNaN(d) ? null : new Date(d).toISOString();
}
