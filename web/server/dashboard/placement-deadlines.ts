import type Database from 'better-sqlite3';
import { AT_RISK_SQL, DAYS_LATE_SQL, LATE_SQL, timeParams } from '../time/product-time';
import { scope, type DashboardFilter } from './indicators';

/**
 * The placement deadlines a manager follows case by case: the tasks of the called vk-placeringsfrister (omprövning
 * every 6 months, LVM at most 6 months, akutplacering and its extension, cost split for an acute placement) and
 * granted placement decisions not yet executed (ej verkställt after 3 months, SoL 16 kap. 6 f §). Each open deadline
 * is one row: which case, which deadline, when, who must act, and whether it is late or at risk by the product's time.
 */
export const PLACEMENT_DEADLINE_PROCESSES = ['vk-placeringsfrister'];
/** The name of the ej verkställt deadline in lists and filters (the other deadlines are named by their task). */
export const EJ_VERKSTALLT = 'Verkställa beslutet om placering (ej verkställt efter 3 månader)';

export interface PlacementDeadlineRow {
  caseRef: string | null; processInstanceKey: string; kommun: string | null; deadline: string; due: string;
  late: boolean; atRisk: boolean; daysLate: number | null; groups: string[]; assignee: string | null;
}

export function placementDeadlineRows(db: Database.Database, f: DashboardFilter, now: Date, dueSoonDays: number, deadline?: string): PlacementDeadlineRow[] {
  const tp = timeParams(now, dueSoonDays);
  const t = scope(f, null, 't');
  const tasks = db.prepare(`SELECT (SELECT i.case_ref FROM rm_instances i WHERE i.process_instance_key = t.process_instance_key) AS caseRef, t.process_instance_key AS pi,
      NULLIF(t.kommun, '') AS kommun, COALESCE(t.name, t.element_id) AS deadline, t.due_date AS due, ${LATE_SQL} AS late, ${AT_RISK_SQL} AS atRisk, ${DAYS_LATE_SQL} AS daysLate,
      t.candidate_groups AS groups, t.assignee
    FROM rm_tasks t WHERE t.state = 'CREATED' AND t.due_date IS NOT NULL AND t.process_definition_id IN (SELECT value FROM json_each(?))${t.where}`)
    .all(tp, JSON.stringify(PLACEMENT_DEADLINE_PROCESSES), ...t.params) as Array<Record<string, string | number | null>>;
  // A granted decision waiting for a place: remissgruppen must find one before the limit (the breach escalates to chef-<kommun>).
  const i = scope(f, null);
  const limit = `COALESCE(i.ej_verkstallt_deadline, strftime('%Y-%m-%dT%H:%M:%fZ', i.decision_date, '+3 months'))`;
  const recorded = (level: string) => `EXISTS (SELECT 1 FROM rm_escalations e WHERE e.process_instance_key = i.process_instance_key AND e.deadline = 'ej-verkstallt' AND e.level = '${level}')`;
  const breach = recorded('breach');
  const waiting = db.prepare(`SELECT i.case_ref AS caseRef, i.process_instance_key AS pi, i.kommun, ${limit} AS due,
      (${limit} < @now OR ${breach}) AS late, (${limit} <= @soon OR ${recorded('reminder')}) AS soon,
      MAX(CAST(julianday(@now) - julianday(${limit}) AS INTEGER), COALESCE((SELECT MAX(e.step) FROM rm_escalations e WHERE e.process_instance_key = i.process_instance_key AND e.deadline = 'ej-verkstallt' AND e.level = 'breach'), 1) - 1, 0) AS daysLate
    FROM rm_instances i WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.state = 'ACTIVE' AND i.decision_date IS NOT NULL AND i.admitted_at IS NULL
      AND COALESCE(i.beslut, '') <> 'avslag'${i.where}`).all(tp, ...i.params) as Array<Record<string, string | number | null>>;
  const rows: PlacementDeadlineRow[] = [
    ...tasks.map((r) => ({
      caseRef: r.caseRef as string | null, processInstanceKey: String(r.pi), kommun: r.kommun as string | null, deadline: String(r.deadline), due: String(r.due),
      late: !!r.late, atRisk: !!r.atRisk, daysLate: r.late ? Number(r.daysLate) : null, groups: JSON.parse(String(r.groups ?? '[]')) as string[], assignee: r.assignee as string | null,
    })),
    ...waiting.map((r) => ({
      caseRef: r.caseRef as string | null, processInstanceKey: String(r.pi), kommun: r.kommun as string | null, deadline: EJ_VERKSTALLT, due: String(r.due),
      late: !!r.late, atRisk: !r.late && !!r.soon, daysLate: r.late ? Number(r.daysLate) : null, groups: ['remissgruppen', ...(r.kommun ? [`socialsekreterare-${String(r.kommun)}`] : [])], assignee: null,
    })),
  ];
  return rows.filter((r) => !deadline || r.deadline === deadline).sort((a, b) => a.due.localeCompare(b.due));
}

export interface PlacementDeadlineSummary { deadline: string; open: number; atRisk: number; late: number; nextDue: string | null }

/** One line per deadline: how many are open, at risk, late, and the nearest due date. */
export function summarizePlacementDeadlines(rows: PlacementDeadlineRow[]): PlacementDeadlineSummary[] {
  const by = new Map<string, PlacementDeadlineSummary>();
  for (const r of rows) {
    const s = by.get(r.deadline) ?? { deadline: r.deadline, open: 0, atRisk: 0, late: 0, nextDue: null };
    s.open++;
    if (r.late) s.late++;
    if (r.atRisk) s.atRisk++;
    if (!s.nextDue || r.due < s.nextDue) s.nextDue = r.due;
    by.set(r.deadline, s);
  }
  return [...by.values()].sort((a, b) => b.late - a.late || (a.nextDue ?? '').localeCompare(b.nextDue ?? ''));
}
