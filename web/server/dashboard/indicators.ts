import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';
import { kommunLabel } from '../../../common/labels';
import { AT_RISK_SQL, LATE_SQL, syncEscalations, timeParams } from '../time/product-time';
import { placementDeadlineRows, summarizePlacementDeadlines, type PlacementDeadlineSummary } from './placement-deadlines';

/** Process id → samverkansområde / routine shown on the dashboard. */
export const OMRADE: Record<string, string> = {
  'vk-placeringsforfragan': 'Inför placering',
  'vk-under-placering': 'Under placering',
  'vk-flytt-ekeliden-novus': 'Flytt mellan Ekeliden och Novus',
  'vk-infor-hemflytt': 'Inför hemflytt',
  'vk-sip': 'SIP',
  'vk-vardkedjeremiss': 'Vårdkedjeremiss',
  'vk-kontaktbegaran': 'Kontaktbegäran',
  'vk-planeringsdagar': 'Verksamhetsutveckling',
  'vk-placeringsfrister': 'Under placering: tidsfrister',
};

export interface DashboardFilter {
  /** Kommuner the viewer may see (`all` for chef-region). */
  allowed: 'all' | string[];
  kommun?: string;
  /** ISO dates, inclusive from, exclusive to. */
  from?: string;
  to?: string;
}

export interface Dashboard {
  compliance: Array<{ process: string; omrade: string; total: number; onTime: number; share: number | null }>;
  risk: Array<{ process: string; omrade: string; atRisk: number; breached: number }>;
  queue: Array<{ home: string; inQueue: number; avgWaitDaysInQueue: number | null; admitted: number; avgWaitDaysAdmitted: number | null }>;
  remissgruppen: Array<{ kommun: string; cases: number }>;
  executed: { admitted: number; withoutDelay: number; share: number | null };
  escalations: { reminders: number; breaches: number };
  /** Open placement deadlines per deadline (omprövning, LVM, akutplacering, kostnadsfördelning, ej verkställt). */
  placementDeadlines: PlacementDeadlineSummary[];
  generatedAt: string;
}

/**
 * Builds the SQL condition for kommun/period, on rm_instances (alias i) or on rm_tasks (alias t: its copy of the
 * instance's kommun, NULL for tasks of instances outside the read model, which count nowhere).
 */
export function scope(f: DashboardFilter, dateCol: string | null, on: 'i' | 't' = 'i'): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (on === 't') where.push('t.kommun IS NOT NULL');
  if (f.allowed !== 'all') {
    where.push(`${on}.kommun IN (${f.allowed.map(() => '?').join(',') || "''"})`);
    params.push(...f.allowed);
  }
  if (f.kommun) { where.push(`${on}.kommun = ?`); params.push(f.kommun); }
  if (dateCol && f.from) { where.push(`${dateCol} >= ?`); params.push(f.from); }
  if (dateCol && f.to) { where.push(`${dateCol} < ?`); params.push(f.to); }
  return { where: where.length ? ' AND ' + where.join(' AND ') : '', params };
}

/** A number as Swedes write it: decimal comma, no thousands separator that Excel could misread. */
export function svNumber(v: number): string {
  return String(v).replace('.', ',');
}

const share = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);
const DAY = 86_400_000;

export async function computeDashboard(db: Database.Database, audit: AuditLog, f: DashboardFilter, now: Date, dueSoonDays: number): Promise<Dashboard> {
  const nowIso = now.toISOString();

  // Deadline compliance: tasks with a due date completed in the period; on time = completed at or before the due date.
  const c = scope(f, 't.completion_date', 't');
  const compliance = (db.prepare(`SELECT t.process_definition_id AS process, COUNT(*) AS total, SUM(t.completion_date <= t.due_date) AS onTime
    FROM rm_tasks t WHERE t.state = 'COMPLETED' AND t.due_date IS NOT NULL AND t.completion_date IS NOT NULL${c.where} GROUP BY t.process_definition_id ORDER BY process`).all(...c.params) as Array<{ process: string; total: number; onTime: number }>)
    .map((r) => ({ ...r, omrade: OMRADE[r.process] ?? r.process, share: share(r.onTime, r.total) }));

  // Open items, judged by the product's time (web clock or the engine's recorded escalation steps, product-time.ts):
  // breached = late; at risk = due within dueSoonDays or the reminder timer fired.
  await syncEscalations(db, audit);
  const o = scope(f, null, 't');
  const risk = (db.prepare(`SELECT t.process_definition_id AS process, SUM(${LATE_SQL}) AS breached, SUM(${AT_RISK_SQL}) AS atRisk
    FROM rm_tasks t WHERE t.state = 'CREATED' AND t.due_date IS NOT NULL${o.where} GROUP BY t.process_definition_id ORDER BY process`).all(timeParams(now, dueSoonDays), ...o.params) as Array<{ process: string; breached: number; atRisk: number }>)
    .map((r) => ({ ...r, omrade: OMRADE[r.process] ?? r.process }));

  // Queue per home: granted placement decisions not yet admitted (still active) and admissions in the period.
  const q = scope(f, null);
  const queued = db.prepare(`SELECT i.home AS home, COUNT(*) AS n, AVG((julianday(?) - julianday(i.decision_date))) AS wait FROM rm_instances i
    WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.state = 'ACTIVE' AND i.decision_date IS NOT NULL AND i.admitted_at IS NULL
      AND COALESCE(i.beslut, '') <> 'avslag' AND i.home IN ('ekeliden','novus')${q.where} GROUP BY i.home`).all(nowIso, ...q.params) as Array<{ home: string; n: number; wait: number | null }>;
  const a = scope(f, 'i.admitted_at');
  const admittedRows = db.prepare(`SELECT i.home AS home, COUNT(*) AS n, AVG(julianday(i.admitted_at) - julianday(i.decision_date)) AS wait,
      SUM(i.admitted_at <= COALESCE(i.ej_verkstallt_deadline, strftime('%Y-%m-%dT%H:%M:%fZ', i.decision_date, '+3 months'))) AS ok
    FROM rm_instances i WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.admitted_at IS NOT NULL AND i.decision_date IS NOT NULL${a.where} GROUP BY i.home`).all(...a.params) as Array<{ home: string; n: number; wait: number | null; ok: number }>;
  const queue = ['ekeliden', 'novus'].map((home) => {
    const qq = queued.find((r) => r.home === home);
    const ad = admittedRows.find((r) => r.home === home);
    return { home, inQueue: qq?.n ?? 0, avgWaitDaysInQueue: round1(qq?.wait), admitted: ad?.n ?? 0, avgWaitDaysAdmitted: round1(ad?.wait) };
  });
  const admittedTotal = admittedRows.reduce((s, r) => s + r.n, 0);
  const withoutDelay = admittedRows.reduce((s, r) => s + (r.ok ?? 0), 0);

  // Cases through remissgruppen: instances with a remissgruppen task completed in the period, per kommun.
  const r = scope(f, 't.completion_date', 't');
  const remissgruppen = db.prepare(`SELECT NULLIF(t.kommun, '') AS kommun, COUNT(DISTINCT t.process_instance_key) AS cases FROM rm_tasks t
    WHERE t.state = 'COMPLETED' AND t.candidate_groups LIKE '%"remissgruppen"%'${r.where} GROUP BY t.kommun ORDER BY t.kommun`).all(...r.params) as Array<{ kommun: string; cases: number }>;

  // Escalations recorded by the workers in the period (copied from the audit log), for cases visible to the viewer.
  const e = scope(f, 'e.at');
  const escRows = db.prepare(`SELECT e.level AS level, COUNT(*) AS n FROM rm_escalations e
    WHERE EXISTS (SELECT 1 FROM rm_instances i WHERE i.case_ref = e.case_ref${e.where}) GROUP BY e.level`).all(...e.params) as Array<{ level: string; n: number }>;
  const escCount = (level: string) => escRows.find((x) => x.level === level)?.n ?? 0;
  return {
    compliance, risk, queue, remissgruppen,
    placementDeadlines: summarizePlacementDeadlines(placementDeadlineRows(db, f, now, dueSoonDays)),
    executed: { admitted: admittedTotal, withoutDelay, share: share(withoutDelay, admittedTotal) },
    escalations: { reminders: escCount('reminder'), breaches: escCount('breach') },
    generatedAt: nowIso,
  };
}

function round1(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 10) / 10;
}

/** CSV (semicolon-separated, as Swedish Excel expects) of every indicator row; cells are quoted and formula-safe. */
export function dashboardCsv(d: Dashboard): string {
  const rows: Array<Array<string | number | null>> = [['indikator', 'process/område', 'dimension', 'värde', 'antal', 'andel %']];
  for (const c of d.compliance) rows.push(['tidsfrist hållen', c.omrade, c.process, c.onTime, c.total, c.share]);
  for (const r of d.risk) { rows.push(['öppna i riskzon', r.omrade, r.process, r.atRisk, null, null]); rows.push(['öppna försenade', r.omrade, r.process, r.breached, null, null]); }
  for (const q of d.queue) { const home = q.home === 'ekeliden' ? 'Ekeliden' : q.home === 'novus' ? 'Novus' : q.home; rows.push(['kö', home, 'i kö nu', q.inQueue, null, null]); rows.push(['väntetid i kö (dagar)', home, 'snitt nu', q.avgWaitDaysInQueue, null, null]); rows.push(['väntetid till inskrivning (dagar)', home, 'snitt', q.avgWaitDaysAdmitted, q.admitted, null]); }
  for (const r of d.remissgruppen) rows.push(['ärenden via remissgruppen', kommunLabel(r.kommun), 'kommun', r.cases, null, null]);
  rows.push(['beslut verkställda utan dröjsmål', 'Inför placering', 'inom 3 mån', d.executed.withoutDelay, d.executed.admitted, d.executed.share]);
  for (const p of d.placementDeadlines) { rows.push(['placeringsfrist öppen', p.deadline, 'antal', p.open, null, null]); rows.push(['placeringsfrist i riskzon', p.deadline, 'antal', p.atRisk, null, null]); rows.push(['placeringsfrist försenad', p.deadline, 'antal', p.late, null, null]); }
  rows.push(['eskaleringar', 'alla', 'påminnelser', d.escalations.reminders, null, null]);
  rows.push(['eskaleringar', 'alla', 'överskridna', d.escalations.breaches, null, null]);
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/**
 * One CSV cell for Swedish Excel: numbers with a decimal comma (never "12.1", which Excel reads as 12 January),
 * quoted, and formula-prefixed text neutralised.
 */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? svNumber(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}
