import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';

/**
 * One time for the whole product. The engine's timers decide when a deadline is reached; the escalation worker
 * records each step (`escalation.reminder` when the reminder timer fired, `escalation.breach` once per day from the
 * deadline on). Those records are the engine's clock as the process saw it, so the web app judges "late" and "at
 * risk" from them as well as from its own clock: when the engine clock is pinned ahead (tests, demos), the timers
 * fire, the steps are recorded, and the inbox, case lists and dashboard agree with the engine — without asking the
 * engine for its time, which a Camunda 8 cluster does not offer.
 *
 * The records are copied from the audit log into `rm_escalations` (web.sqlite) so lists can join them in SQL.
 * A record belongs to an open task when both are in the same process instance and name the same due date.
 */
export function ensureEscalationSchema(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS rm_escalations (audit_id INTEGER PRIMARY KEY, at TEXT NOT NULL, case_ref TEXT, process_instance_key TEXT NOT NULL,
      deadline TEXT, level TEXT NOT NULL, step INTEGER NOT NULL, due_date TEXT, group_name TEXT, escalate_to TEXT, element_id TEXT);
    CREATE INDEX IF NOT EXISTS rm_escalations_pi ON rm_escalations(process_instance_key, due_date, level, step);
    CREATE INDEX IF NOT EXISTS rm_escalations_groups ON rm_escalations(group_name, at);
    CREATE INDEX IF NOT EXISTS rm_escalations_case ON rm_escalations(case_ref, at);`);
  const columns = (db.prepare("SELECT name FROM pragma_table_info('rm_escalations')").all() as Array<{ name: string }>).map((c) => c.name);
  // The engine's clock when the step ran (workers record it since the job carries it); older records have none.
  if (!columns.includes('engine_time')) db.exec('ALTER TABLE rm_escalations ADD COLUMN engine_time TEXT');
}

/** Audit records younger than this before the last copied one are read again (two writers may commit out of order). */
const AUDIT_OVERLAP_MS = 5 * 60_000;

/** Copies new escalation records from the audit log (idempotent by audit id). */
export async function syncEscalations(db: Database.Database, audit: AuditLog): Promise<number> {
  ensureEscalationSchema(db);
  const last = (db.prepare('SELECT MAX(at) AS at FROM rm_escalations').get() as { at: string | null }).at;
  const from = last ? new Date(Date.parse(last) - AUDIT_OVERLAP_MS).toISOString() : undefined;
  const rows = await audit.query({ action: 'escalation.', from, limit: 1_000_000 });
  const ins = db.prepare(`INSERT OR IGNORE INTO rm_escalations (audit_id, at, case_ref, process_instance_key, deadline, level, step, due_date, group_name, escalate_to, element_id, engine_time)
    VALUES (@id, @at, @caseRef, @pi, @deadline, @level, @step, @due, @group, @escalateTo, @elementId, @engineTime)`);
  let n = 0;
  db.transaction(() => {
    for (const e of rows) {
      const d = e.details ?? {};
      const level = e.action === 'escalation.breach' ? 'breach' : e.action === 'escalation.reminder' ? 'reminder' : undefined;
      if (!level || typeof d.processInstanceKey !== 'string') continue;
      n += ins.run({
        id: e.id, at: e.at, caseRef: e.caseRef ?? null, pi: d.processInstanceKey, deadline: str(d.deadline), level, step: typeof d.step === 'number' ? d.step : 1,
        due: isoInstant(str(d.dueDate)), group: str(d.group), escalateTo: str(d.escalateTo), elementId: str(d.elementId), engineTime: isoInstant(str(d.engineTime)),
      }).changes;
    }
  })();
  if (n > 0) generation++;
  return n;
}

/** Bumped whenever new escalation records were copied: the product clock's cache is then out of date. */
let generation = 0;

const DAY = 86_400_000;

/**
 * SQL expressions judging an open task row (alias `t`, columns process_instance_key, due_date as UTC ISO text)
 * against the product's time. Parameters, in this order wherever the fragment appears: @now, @soon (ISO).
 */
export const LATE_SQL = `(t.due_date IS NOT NULL AND (t.due_date < @now OR EXISTS (SELECT 1 FROM rm_escalations e WHERE e.process_instance_key = t.process_instance_key AND e.due_date = t.due_date AND e.level = 'breach')))`;
export const AT_RISK_SQL = `(t.due_date IS NOT NULL AND NOT ${LATE_SQL} AND (t.due_date <= @soon OR EXISTS (SELECT 1 FROM rm_escalations e WHERE e.process_instance_key = t.process_instance_key AND e.due_date = t.due_date AND e.level = 'reminder')))`;
/** Whole days late: by the web clock, or by the number of daily breach steps the engine's timer produced. */
export const DAYS_LATE_SQL = `(CASE WHEN ${LATE_SQL} THEN MAX(CAST(julianday(@now) - julianday(t.due_date) AS INTEGER),
  COALESCE((SELECT MAX(e.step) FROM rm_escalations e WHERE e.process_instance_key = t.process_instance_key AND e.due_date = t.due_date AND e.level = 'breach'), 1) - 1, 0) END)`;

export interface TimeParams { now: string; soon: string }
export function timeParams(now: Date, dueSoonDays: number): TimeParams {
  return { now: now.toISOString(), soon: new Date(now.getTime() + dueSoonDays * DAY).toISOString() };
}

export interface Lateness { late: boolean; atRisk: boolean; daysLate: number | null }

/**
 * The same judgement for tasks read straight from the API (inbox, case page): `recorded` are the escalation
 * records of the task's process instance.
 */
export function judge(task: { dueDate?: string | null; state?: string }, recorded: Array<{ level: string; dueDate?: string | null; step: number }>, now: Date, dueSoonDays: number): Lateness {
  const due = task.dueDate ? Date.parse(task.dueDate) : NaN;
  if (Number.isNaN(due) || (task.state && task.state !== 'CREATED')) return { late: false, atRisk: false, daysLate: null };
  const mine = recorded.filter((r) => r.dueDate && Date.parse(r.dueDate) === due);
  const breaches = mine.filter((r) => r.level === 'breach');
  const late = due < now.getTime() || breaches.length > 0;
  if (late) {
    const byClock = Math.floor((now.getTime() - due) / DAY);
    const bySteps = Math.max(0, ...breaches.map((b) => b.step)) - 1;
    return { late, atRisk: false, daysLate: Math.max(byClock, bySteps, 0) };
  }
  const atRisk = due <= now.getTime() + dueSoonDays * DAY || mine.some((r) => r.level === 'reminder');
  return { late, atRisk, daysLate: null };
}

/** Escalation records per process instance, read from web.sqlite after a sync (for judge()). */
export async function recordedFor(db: Database.Database, audit: AuditLog, processInstanceKeys: string[]): Promise<Map<string, Array<{ level: string; dueDate: string | null; step: number }>>> {
  await syncEscalations(db, audit);
  const out = new Map<string, Array<{ level: string; dueDate: string | null; step: number }>>();
  for (let i = 0; i < processInstanceKeys.length; i += 500) {
    const chunk = processInstanceKeys.slice(i, i + 500);
    const rows = db.prepare(`SELECT process_instance_key AS pi, level, due_date AS dueDate, step FROM rm_escalations WHERE process_instance_key IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as Array<{ pi: string; level: string; dueDate: string | null; step: number }>;
    for (const r of rows) out.set(r.pi, [...(out.get(r.pi) ?? []), { level: r.level, dueDate: r.dueDate, step: r.step }]);
  }
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Dates as the engine and the read model store them (UTC ISO), so a due date compares as text. */
export function isoInstant(v: string | null | undefined): string | null {
  if (!v) return null;
  const plain = v.replace(/(?:@[A-Za-z_/+-]+|\[[A-Za-z_/+-]+\])$/, '');
  const d = Date.parse(plain.length === 10 ? `${plain}T00:00:00Z` : plain);
  return Number.isNaN(d) ? null : new Date(d).toISOString();
}

/**
 * The product's "now": the engine's clock as far as the web app can know it without an endpoint a Camunda 8
 * cluster lacks. Every escalation step records the engine's time when it ran (`engineTime`, from the job) next to
 * the wall time of the record (`at`); the latest such step of a task that is still open gives the engine's offset
 * from the web clock, in either direction (pinned ahead for a demo, or behind). On top of that the engine's clock has
 * reached at least every recorded step's engine time (a breach's is past its due date) — so a reminder moves the
 * "Förfaller snart" window as a breach moves "Försenade". Records without the engine's time mark only their own task. Without any such record (nothing escalated, or
 * every escalated task done) it is the web server's clock. Only records of tasks still open count (open unless the
 * read model has seen the task done or its instance ended), so a finished demo does not hold the product's time away
 * from the real one. Cached for `cacheMs` (it is read once per row).
 * The audit log is read asynchronously (it may be the shared PostgreSQL): `refresh()` runs before each signed-in
 * request, so `now()` stays a plain synchronous read of what it found.
 */
export class ProductClock {
  private cached?: { at: number; offsetMs: number | null; atLeast: number | null; generation: number };
  private syncedAt?: number;
  /** `syncMs`: how often new escalation records are looked for; `cacheMs`: how long the result stands otherwise. */
  constructor(private readonly db: Database.Database, private readonly audit: AuditLog, private readonly wall: () => Date, private readonly cacheMs = 2_000, private readonly syncMs = 250) {}

  now(): Date {
    const wall = this.wall().getTime();
    if (!this.cached) return new Date(wall);
    const estimate = wall + (this.cached.offsetMs ?? 0);
    return new Date(this.cached.atLeast === null ? estimate : Math.max(estimate, this.cached.atLeast));
  }

  async refresh(): Promise<void> {
    const wall = this.wall().getTime();
    // A step recorded just now must count at once (a page read right after the reminder), so records are synced
    // more often than the result is recomputed; new records bump the generation and so drop the cached result.
    if (this.syncedAt === undefined || Math.abs(wall - this.syncedAt) >= this.syncMs) { await syncEscalations(this.db, this.audit); this.syncedAt = wall; }
    if (!this.cached || this.cached.generation !== generation || Math.abs(wall - this.cached.at) >= this.cacheMs) {
      // Open unless the read model knows the task or its instance is over: a task too new for the read model counts.
      const open = `NOT EXISTS (SELECT 1 FROM rm_tasks t WHERE t.process_instance_key = e.process_instance_key AND t.due_date = e.due_date AND t.state <> 'CREATED')
        AND NOT EXISTS (SELECT 1 FROM rm_instances i WHERE i.process_instance_key = e.process_instance_key AND i.state <> 'ACTIVE')`;
      const latest = this.db.prepare(`SELECT e.at, e.engine_time AS engineTime FROM rm_escalations e WHERE e.engine_time IS NOT NULL AND ${open} ORDER BY e.at DESC, e.audit_id DESC LIMIT 1`).get() as { at: string; engineTime: string } | undefined;
      // Records without the engine's time (written before workers recorded it, or by hand) mark only their own task.
      const bound = this.db.prepare(`SELECT MAX(e.engine_time) AS t FROM rm_escalations e WHERE ${open}`).get() as { t: string | null };
      this.cached = {
        at: wall, generation,
        offsetMs: latest ? Date.parse(latest.engineTime) - Date.parse(latest.at) : null,
        atLeast: bound.t ? Date.parse(bound.t) : null,
      };
    }
  }
}
