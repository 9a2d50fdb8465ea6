import type Database from 'better-sqlite3';
import { groupLabel, kommunLabel, processLabel } from '../../../common/labels';
import { AT_RISK_SQL, DAYS_LATE_SQL, LATE_SQL, timeParams } from '../time/product-time';
import { lateText } from '../time/format';
import { csvCell, scope, type DashboardFilter } from './indicators';
import { placementDeadlineRows } from './placement-deadlines';

/**
 * The cases behind every figure on the dashboard: managers chase cases, not counts. Each list is SQL over the same
 * read model and with the same definitions (and filter) as the figure it opens, so the list's length is the figure.
 */
export const DRILL_KINDS = ['forsenade', 'riskzon', 'tidsfrist', 'ko', 'inskrivna', 'verkstallda', 'remissgruppen', 'paminnelser', 'eskaleringar', 'placeringsfrister'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** Narrowing within a figure: the process (samverkansområde) of a bar, the home of a queue bar. */
export interface DrillParams { process?: string; home?: string; /** One placement deadline (its name as listed). */ frist?: string }

export type Cell = string | number | null;
/** `date` cells are ISO instants shown as Stockholm date and time, `day` as the Stockholm date alone; `days` are numbers of days. */
export interface Column { label: string; kind?: 'date' | 'day' | 'days' | 'text'; /** The CSV's header when it differs (the CSV holds the value, not the shown text). */ csvLabel?: string }
/** `shown`: what the HTML table shows instead of a cell's value (the CSV keeps the value, e.g. a number of days). */
export interface DrillRow { caseRef: string | null; processInstanceKey: string | null; cells: Cell[]; shown?: Partial<Record<number, string>> }
export interface DrillList { kind: DrillKind | 'ej-verkstallda'; title: string; columns: Column[]; rows: DrillRow[] }

const groups = (json: string | null) => (JSON.parse(json ?? '[]') as string[]).map(groupLabel).join(', ');

export function drillDown(db: Database.Database, f: DashboardFilter, kind: DrillKind, p: DrillParams, now: Date, dueSoonDays: number): DrillList {
  const tp = timeParams(now, dueSoonDays);
  const openTasks = (cond: string, title: string): DrillList => {
    const s = scope(f, null, 't');
    const extra = p.process ? ' AND t.process_definition_id = ?' : '';
    const rows = db.prepare(`SELECT i.case_ref AS caseRef, t.process_instance_key AS pi, t.process_definition_id AS pd, t.name, t.element_id AS el, t.due_date AS due, ${DAYS_LATE_SQL} AS daysLate,
        t.candidate_groups AS groups, t.assignee FROM rm_tasks t LEFT JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
      WHERE t.state = 'CREATED' AND ${cond}${s.where}${extra} ORDER BY t.due_date`).all(tp, ...s.params, ...(p.process ? [p.process] : [])) as Array<Record<string, string | number | null>>;
    return {
      kind, title,
      columns: [{ label: 'Ärende' }, { label: 'Process' }, { label: 'Steg' }, { label: 'Tidsfrist', kind: 'date' }, { label: 'Försenad', csvLabel: 'Dagar försenad', kind: 'days' }, { label: 'Ansvarig grupp' }, { label: 'Tilldelad' }],
      rows: rows.map((r) => ({
        caseRef: r.caseRef as string | null, processInstanceKey: r.pi as string,
        cells: [r.caseRef, processLabel(String(r.pd)), r.name ?? r.el, r.due, r.daysLate, groups(r.groups as string), r.assignee ?? '–'],
        // Under a day late is "sedan idag kl. 14.00", as in the other lists, not "0".
        shown: typeof r.daysLate === 'number' ? { 4: lateText(r.daysLate, r.due as string | null, now) } : undefined,
      })),
    };
  };
  switch (kind) {
    case 'forsenade': return openTasks(LATE_SQL, 'Försenade öppna uppgifter');
    case 'riskzon': return openTasks(AT_RISK_SQL, 'Öppna uppgifter i riskzon');
    case 'tidsfrist': {
      const s = scope(f, 't.completion_date', 't');
      const extra = p.process ? ' AND t.process_definition_id = ?' : '';
      const rows = db.prepare(`SELECT i.case_ref AS caseRef, t.process_instance_key AS pi, t.process_definition_id AS pd, t.name, t.element_id AS el, t.due_date AS due, t.completion_date AS done,
          t.candidate_groups AS groups FROM rm_tasks t LEFT JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
        WHERE t.state = 'COMPLETED' AND t.due_date IS NOT NULL AND t.completion_date IS NOT NULL${s.where}${extra} ORDER BY t.completion_date > t.due_date DESC, t.completion_date DESC`).all(...s.params, ...(p.process ? [p.process] : [])) as Array<Record<string, string | null>>;
      return {
        kind, title: 'Avslutade uppgifter med tidsfrist',
        columns: [{ label: 'Ärende' }, { label: 'Process' }, { label: 'Steg' }, { label: 'Tidsfrist', kind: 'date' }, { label: 'Klar', kind: 'date' }, { label: 'Dagar för sent', kind: 'days' }, { label: 'Ansvarig grupp' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef, processInstanceKey: r.pi, cells: [r.caseRef, processLabel(String(r.pd)), r.name ?? r.el, r.due, r.done, Math.max(0, Math.floor(daysBetween(r.due!, r.done!))), groups(r.groups)] })),
      };
    }
    case 'ko': {
      const s = scope(f, null);
      const rows = db.prepare(`SELECT i.case_ref AS caseRef, i.process_instance_key AS pi, i.home, i.kommun, i.decision_date AS decided FROM rm_instances i
        WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.state = 'ACTIVE' AND i.decision_date IS NOT NULL AND i.admitted_at IS NULL
          AND COALESCE(i.beslut, '') <> 'avslag' AND i.home IN ('ekeliden','novus')${s.where}${p.home ? ' AND i.home = ?' : ''} ORDER BY i.decision_date`).all(...s.params, ...(p.home ? [p.home] : [])) as Array<Record<string, string | null>>;
      return {
        kind, title: 'I kö till boende (beviljat, ej inskriven)',
        columns: [{ label: 'Ärende' }, { label: 'Boende' }, { label: 'Kommun' }, { label: 'Beslutsdatum', kind: 'day' }, { label: 'Dagar i kö', kind: 'days' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef, processInstanceKey: r.pi, cells: [r.caseRef, homeLabel(r.home), kommunLabel(r.kommun), r.decided, round1(daysBetween(r.decided!, now.toISOString()))] })),
      };
    }
    case 'inskrivna':
    case 'verkstallda': {
      const s = scope(f, 'i.admitted_at');
      const rows = db.prepare(`SELECT i.case_ref AS caseRef, i.process_instance_key AS pi, i.home, i.kommun, i.decision_date AS decided, i.admitted_at AS admitted,
          COALESCE(i.ej_verkstallt_deadline, strftime('%Y-%m-%dT%H:%M:%fZ', i.decision_date, '+3 months')) AS limitDate FROM rm_instances i
        WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.admitted_at IS NOT NULL AND i.decision_date IS NOT NULL${s.where}${p.home ? ' AND i.home = ?' : ''} ORDER BY i.admitted_at`).all(...s.params, ...(p.home ? [p.home] : [])) as Array<Record<string, string | null>>;
      return {
        kind, title: kind === 'inskrivna' ? 'Inskrivna under perioden' : 'Verkställda beslut under perioden',
        columns: [{ label: 'Ärende' }, { label: 'Boende' }, { label: 'Kommun' }, { label: 'Beslutsdatum', kind: 'day' }, { label: 'Inskriven', kind: 'day' }, { label: 'Dagar till inskrivning', kind: 'days' }, { label: 'Inom 3 månader' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef, processInstanceKey: r.pi, cells: [r.caseRef, homeLabel(r.home), kommunLabel(r.kommun), r.decided, r.admitted, round1(daysBetween(r.decided!, r.admitted!)), r.admitted! <= r.limitDate! ? 'Ja' : 'Nej'] })),
      };
    }
    case 'remissgruppen': {
      const s = scope(f, 't.completion_date', 't');
      const rows = db.prepare(`SELECT i.case_ref AS caseRef, t.process_instance_key AS pi, t.process_definition_id AS pd, NULLIF(t.kommun, '') AS kommun, MAX(t.completion_date) AS done, group_concat(t.name, ', ') AS steps
        FROM rm_tasks t LEFT JOIN rm_instances i ON i.process_instance_key = t.process_instance_key
        WHERE t.state = 'COMPLETED' AND t.candidate_groups LIKE '%"remissgruppen"%'${s.where} GROUP BY t.process_instance_key ORDER BY done DESC`).all(...s.params) as Array<Record<string, string | null>>;
      return {
        kind, title: 'Ärenden via remissgruppen',
        columns: [{ label: 'Ärende' }, { label: 'Process' }, { label: 'Kommun' }, { label: 'Remissgruppens steg' }, { label: 'Senast klar', kind: 'date' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef, processInstanceKey: r.pi, cells: [r.caseRef, processLabel(String(r.pd)), kommunLabel(r.kommun), r.steps, r.done] })),
      };
    }
    case 'placeringsfrister': {
      const rows = placementDeadlineRows(db, f, now, dueSoonDays, p.frist);
      return {
        kind, title: p.frist ? `Tidsfrister för placeringar: ${p.frist}` : 'Tidsfrister för placeringar',
        columns: [{ label: 'Ärende' }, { label: 'Tidsfrist' }, { label: 'Förfaller', kind: 'date' }, { label: 'Läge' }, { label: 'Dagar försenad', kind: 'days' }, { label: 'Vem ska agera' }, { label: 'Tilldelad' }, { label: 'Kommun' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef, processInstanceKey: r.processInstanceKey, cells: [r.caseRef, r.deadline, r.due, r.late ? 'Försenad' : r.atRisk ? 'I riskzon' : 'I tid', r.daysLate, r.groups.map(groupLabel).join(', ') || '–', r.assignee ?? '–', kommunLabel(r.kommun)] })),
      };
    }
    case 'paminnelser':
    case 'eskaleringar': {
      const s = scope(f, 'e.at');
      const rows = db.prepare(`SELECT e.case_ref AS caseRef, e.process_instance_key AS pi, e.deadline, e.due_date AS due, e.step, e.group_name AS grp, e.escalate_to AS escTo, e.at,
          (SELECT t.name FROM rm_tasks t WHERE t.process_instance_key = e.process_instance_key AND t.due_date = e.due_date ORDER BY t.state = 'CREATED' DESC LIMIT 1) AS step_name,
          (SELECT t.state FROM rm_tasks t WHERE t.process_instance_key = e.process_instance_key AND t.due_date = e.due_date ORDER BY t.state = 'CREATED' DESC LIMIT 1) AS task_state
        FROM rm_escalations e WHERE e.level = ? AND EXISTS (SELECT 1 FROM rm_instances i WHERE i.case_ref = e.case_ref${s.where}) ORDER BY e.at DESC`).all(kind === 'eskaleringar' ? 'breach' : 'reminder', ...s.params) as Array<Record<string, string | number | null>>;
      return {
        kind, title: kind === 'eskaleringar' ? 'Eskaleringar: tidsfrist överskriden' : 'Påminnelser: tidsfrist närmar sig',
        columns: [{ label: 'Ärende' }, { label: 'Steg' }, { label: 'Tidsfrist', kind: 'date' }, { label: kind === 'eskaleringar' ? 'Eskalering nr' : 'Påminnelse nr' }, { label: 'Ansvarig grupp' }, { label: 'Eskalerad till' }, { label: 'Registrerad', kind: 'date' }, { label: 'Uppgiften' }],
        rows: rows.map((r) => ({ caseRef: r.caseRef as string | null, processInstanceKey: r.pi as string, cells: [r.caseRef, r.step_name ?? r.deadline, r.due, r.step, r.grp ? groupLabel(String(r.grp)) : '–', r.escTo ? groupLabel(String(r.escTo)) : '–', r.at, r.task_state === 'CREATED' ? 'Öppen' : r.task_state ? 'Klar' : '–'] })),
      };
    }
  }
}

/**
 * "Ej verkställda beslut" per case, for the quarterly report to IVO (SoL 16 kap. 6 f §): granted decisions not
 * executed within three months of the decision — still not executed on the report date, or executed late during the
 * period. `reportDate` is the end of the chosen period (default now).
 */
export function ejVerkstallda(db: Database.Database, f: DashboardFilter, now: Date): DrillList {
  const reportDate = f.to && f.to < now.toISOString() ? f.to : now.toISOString();
  const s = scope(f, null);
  const limit = `COALESCE(i.ej_verkstallt_deadline, strftime('%Y-%m-%dT%H:%M:%fZ', i.decision_date, '+3 months'))`;
  const rows = db.prepare(`SELECT i.case_ref AS caseRef, i.process_instance_key AS pi, i.kommun, i.home, i.beslut, i.decision_date AS decided, ${limit} AS limitDate, i.admitted_at AS admitted, i.state
    FROM rm_instances i WHERE i.process_definition_id = 'vk-placeringsforfragan' AND i.decision_date IS NOT NULL AND COALESCE(i.beslut, '') <> 'avslag'
      AND ((i.admitted_at IS NULL AND ${limit} < ? AND i.state = 'ACTIVE')
        OR (i.admitted_at IS NOT NULL AND i.admitted_at > ${limit} AND (? IS NULL OR i.admitted_at >= ?) AND i.admitted_at < ?))${s.where}
    ORDER BY i.decision_date`).all(reportDate, f.from ?? null, f.from ?? null, reportDate, ...s.params) as Array<Record<string, string | null>>;
  return {
    kind: 'ej-verkstallda', title: `Ej verkställda beslut per ${reportDate.slice(0, 10)}`,
    columns: [{ label: 'Ärende' }, { label: 'Kommun' }, { label: 'Beslut' }, { label: 'Beslutsdatum', kind: 'day' }, { label: 'Skulle verkställts senast', kind: 'day' }, { label: 'Verkställt', kind: 'day' }, { label: 'Dagar från beslut', kind: 'days' }, { label: 'Boende' }, { label: 'Status' }],
    rows: rows.map((r) => ({
      caseRef: r.caseRef, processInstanceKey: r.pi,
      cells: [r.caseRef, kommunLabel(r.kommun), r.beslut === 'bifall' || !r.beslut ? 'Bistånd beviljat (placering)' : r.beslut, r.decided, r.limitDate, r.admitted, Math.floor(daysBetween(r.decided!, r.admitted ?? reportDate)), homeLabel(r.home), r.admitted ? 'Verkställt efter tidsgränsen' : 'Ej verkställt'],
    })),
  };
}

/** A drill-down list as CSV for Swedish Excel: `;`, BOM, dates as YYYY-MM-DD (Stockholm), numbers with a decimal comma. */
export function drillCsv(list: DrillList): string {
  const lines = [list.columns.map((c) => csvCell(c.csvLabel ?? c.label)).join(';')];
  for (const r of list.rows) lines.push(r.cells.map((v, i) => csvCell(list.columns[i].kind === 'date' || list.columns[i].kind === 'day' ? stockholmDate(v as string | null) : v)).join(';'));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

const DAY_FMT = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
export function stockholmDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DAY_FMT.format(d);
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / 86_400_000;
}
function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
const homeLabel = (h: string | null) => (h === 'ekeliden' ? 'Ekeliden' : h === 'novus' ? 'Novus' : h ?? '–');
