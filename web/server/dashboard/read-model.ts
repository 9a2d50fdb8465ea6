import type Database from 'better-sqlite3';
import type { CamundaClient } from '../../../common/camunda';
import { NOW, variablesOf } from '../camunda-util';
import { ensureReadModelSchema } from './schema';
import { endedElements, searchInstances, searchTasks, toTaskRow, type EndedElement, type InstanceRow, type TaskRow } from './source';

/**
 * Dashboard read model in web.sqlite, refreshed incrementally from the Orchestration Cluster REST API, so the
 * dashboard never scans 100 000 historical instances per page view.
 *
 * An incremental refresh fetches only what changed since the last watermark (minus `overlapMs` for the cluster's
 * eventual consistency): process instances started or ended, user tasks created or completed, and the element
 * instances that ended (only then can root variables change); it re-reads the indicator variables of new and
 * just-ended instances and of active instances with an element end no earlier refresh processed, and the open tasks
 * of those instances that the windows did not return (canceled ones). Instances already stored as finished are
 * never re-read, so what the overlap fetches again costs paging but no further reads. Every `fullSweepMs` (and on
 * the first refresh) a full sweep also re-reads all active instances, all open tasks and the variables of every
 * active instance, which catches what leaves no trace in the windows (variables set through the API, due dates or
 * candidate groups changed on an open task, changes exported later than the overlap). Rows are upserted in one
 * transaction; the watermark moves to the refresh's start time.
 */
const VARS = ['caseRef', 'kommun', 'home', 'decisionDate', 'admittedAt', 'beslut', 'ejVerkstalltDeadline'];
const BATCH = 200;
/**
 * An element end counts as processed only when it was at least this old at the refresh that saw it: the cluster may
 * make an element's end searchable slightly before the variables its completion wrote, so younger ends are
 * processed again by the next refresh.
 */
const SETTLE_MS = 10_000;

export interface RefreshResult { tasks: number; instances: number; variablesRead: number; full: boolean }

export class ReadModel {
  /**
   * `overlapMs`: how far before the watermark changes are fetched again (eventual consistency of the cluster);
   * `fullSweepMs`: how often a refresh is a full sweep of the work in progress.
   */
  constructor(private readonly db: Database.Database, private readonly client: CamundaClient, private readonly now: () => Date, private readonly overlapMs = 60_000, private readonly fullSweepMs = 15 * 60_000) {
    ensureReadModelSchema(db);
  }

  lastRefresh(): string | undefined {
    return this.meta('watermark');
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM rm_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private running?: Promise<RefreshResult>;

  /** Whether a refresh is under way. */
  get refreshing(): boolean {
    return this.running !== undefined;
  }

  /** One incremental refresh (a full sweep when due, or when `full`); concurrent callers share the same run. */
  refresh(opts: { full?: boolean } = {}): Promise<RefreshResult> {
    this.running ??= this.doRefresh(opts.full ?? false).finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Keys of element instances whose end an earlier refresh processed after it had settled (see SETTLE_MS). */
  private processedElements = new Set<string>();

  private async doRefresh(forceFull: boolean): Promise<RefreshResult> {
    const startedAt = this.now();
    const started = startedAt.toISOString();
    const wm = this.lastRefresh();
    const lastFull = this.meta('full_sweep');
    const full = forceFull || !wm || !lastFull || startedAt.getTime() - Date.parse(lastFull) >= this.fullSweepMs;
    const since = wm ? new Date(Date.parse(wm) - this.overlapMs).toISOString() : undefined;
    const instances = new Map<string, InstanceRow>();
    const tasks = new Map<string, TaskRow>();
    const addInstances = (rows: InstanceRow[]) => rows.forEach((r) => instances.set(r.processInstanceKey, r));
    const addTasks = (rows: TaskRow[]) => rows.forEach((r) => tasks.set(r.userTaskKey, r));
    const stored = this.storedStates();
    let ended: EndedElement[] = [];
    if (since) {
      addInstances(await searchInstances(this.client, { startDate: { $gte: since } }));
      addInstances(await searchInstances(this.client, { endDate: { $gte: since } }));
      addTasks(await searchTasks(this.client, { creationDate: { $gte: since } }));
      addTasks(await searchTasks(this.client, { completionDate: { $gte: since } }));
      ended = await endedElements(this.client, since);
      if (full) addInstances(await searchInstances(this.client, { state: 'ACTIVE' }));
    } else {
      addInstances(await searchInstances(this.client, {}));
      addTasks(await searchTasks(this.client, {}));
    }
    // Variables are read for new instances, instances that just ended, and active ones in which an element ended
    // that no earlier refresh processed (all active ones on a full sweep); finished instances keep theirs.
    const isActive = (k: string) => stored.get(k) === 'ACTIVE';
    const touched = new Set(ended.filter((e) => !this.processedElements.has(e.key)).map((e) => e.processInstanceKey));
    const fresh = [...instances.values()].filter((r) => !stored.has(r.processInstanceKey) || (isActive(r.processInstanceKey) && r.state !== 'ACTIVE')).map((r) => r.processInstanceKey);
    const changedActive = full ? [...stored.keys()].filter(isActive) : [...touched].filter(isActive);
    const varKeys = [...new Set([...fresh, ...changedActive])];
    if (since) await this.recheckOpenTasks(tasks, full ? undefined : new Set([...touched, ...fresh]), full);
    if (since && full) {
      // Stored active instances the sweep no longer finds active, outside the windows (ended, exported late).
      const gone = changedActive.filter((k) => !instances.has(k));
      for (let i = 0; i < gone.length; i += BATCH) addInstances(await searchInstances(this.client, { processInstanceKey: { $in: gone.slice(i, i + BATCH) } }));
    }
    const vars = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < varKeys.length; i += BATCH) {
      const batch = varKeys.slice(i, i + BATCH);
      const got = await variablesOf(this.client, batch, VARS);
      for (const k of batch) vars.set(k, got.get(k) ?? {});
    }
    this.write([...instances.values()], vars, [...tasks.values()], started, full ? started : undefined);
    const settledBefore = new Date(startedAt.getTime() - SETTLE_MS).toISOString();
    this.processedElements = new Set(ended.filter((e) => e.endDate !== undefined && iso(e.endDate)! < settledBefore).map((e) => e.key));
    return { tasks: tasks.size, instances: instances.size, variablesRead: varKeys.length, full };
  }

  /** process_instance_key → state of every stored instance. */
  private storedStates(): Map<string, string> {
    const rows = this.db.prepare('SELECT process_instance_key AS k, state AS s FROM rm_instances').raw().all() as Array<[string, string]>;
    return new Map(rows);
  }

  /**
   * Open tasks that may have left CREATED without showing up in the windows (canceled with their element or
   * instance): on a full sweep all open tasks are fetched and every stored open task not among them is re-read;
   * otherwise only the stored open tasks of `ofInstances` (instances with activity) are re-read, one by one.
   */
  private async recheckOpenTasks(tasks: Map<string, TaskRow>, ofInstances: Set<string> | undefined, full: boolean): Promise<void> {
    if (full) for (const t of await searchTasks(this.client, { state: 'CREATED' })) tasks.set(t.userTaskKey, t);
    const open = this.db.prepare("SELECT user_task_key AS k, process_instance_key AS pi FROM rm_tasks WHERE state = 'CREATED'").all() as Array<{ k: string; pi: string }>;
    const stale = open.filter((r) => !tasks.has(r.k) && (!ofInstances || ofInstances.has(r.pi))).map((r) => r.k);
    for (const k of stale) {
      const t = await this.client.getUserTask({ userTaskKey: k as never }, NOW as never).catch(() => undefined);
      if (t) tasks.set(k, toTaskRow(t as unknown as Record<string, unknown>));
      else this.db.prepare("UPDATE rm_tasks SET state = 'CANCELED' WHERE user_task_key = ?").run(k);
    }
  }

  private write(instances: InstanceRow[], vars: Map<string, Record<string, unknown>>, tasks: TaskRow[], watermark: string, fullSweep: string | undefined) {
    const upI = this.db.prepare(`INSERT INTO rm_instances (process_instance_key, process_definition_id, state, start_date, end_date, parent_key) VALUES (@k, @pd, @state, @start, @end, @parent)
      ON CONFLICT(process_instance_key) DO UPDATE SET state = excluded.state, end_date = excluded.end_date, parent_key = excluded.parent_key`);
    const upV = this.db.prepare(`UPDATE rm_instances SET case_ref = @caseRef, kommun = @kommun, home = @home, decision_date = @decision, admitted_at = @admitted, beslut = @beslut,
      ej_verkstallt_deadline = @ejv WHERE process_instance_key = @k`);
    const upTK = this.db.prepare("UPDATE rm_tasks SET kommun = COALESCE(@kommun, '') WHERE process_instance_key = @k AND kommun IS NOT COALESCE(@kommun, '')");
    const upT = this.db.prepare(`INSERT INTO rm_tasks (user_task_key, process_instance_key, process_definition_id, element_id, name, state, creation_date, completion_date, due_date, candidate_groups, assignee, kommun)
      VALUES (@k, @pi, @pd, @el, @name, @state, @created, @completed, @due, @groups, @assignee, (SELECT COALESCE(i.kommun, '') FROM rm_instances i WHERE i.process_instance_key = @pi))
      ON CONFLICT(user_task_key) DO UPDATE SET state = excluded.state, completion_date = excluded.completion_date, due_date = excluded.due_date, assignee = excluded.assignee,
      candidate_groups = excluded.candidate_groups, kommun = excluded.kommun`);
    const setMeta = this.db.prepare('INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const r of instances) upI.run({ k: r.processInstanceKey, pd: r.processDefinitionId, state: r.state, start: iso(r.startDate), end: iso(r.endDate), parent: r.parentProcessInstanceKey ?? null });
      for (const [k, v] of vars) {
        const kommun = str(v.kommun);
        if (upV.run({ k, caseRef: str(v.caseRef), kommun, home: str(v.home), decision: iso(str(v.decisionDate)), admitted: iso(str(v.admittedAt)), beslut: str(v.beslut), ejv: iso(str(v.ejVerkstalltDeadline)) }).changes) upTK.run({ k, kommun });
      }
      for (const t of tasks) upT.run({ k: t.userTaskKey, pi: t.processInstanceKey, pd: t.processDefinitionId, el: t.elementId, name: t.name ?? null, state: t.state, created: iso(t.creationDate), completed: iso(t.completionDate), due: iso(t.dueDate), groups: JSON.stringify(t.candidateGroups), assignee: t.assignee ?? null });
      setMeta.run('watermark', watermark);
      if (fullSweep) setMeta.run('full_sweep', fullSweep);
    })();
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
