import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';
import { managedKommuner, type SessionUser } from '../auth/user';
import type { ReadModel } from '../dashboard/read-model';
import { AT_RISK_SQL, DAYS_LATE_SQL, LATE_SQL, syncEscalations, timeParams } from '../time/product-time';
import { lateText } from '../time/format';

export type CaseStatusFilter = 'pagaende' | 'forsenade' | 'riskzon' | 'avslutade' | 'alla';
export type CaseSort = 'deadline' | 'arende' | 'process' | 'start';

export interface CaseListQuery {
  status: CaseStatusFilter;
  process?: string;
  /** A case reference in any case, with or without the `VK-` prefix, or a part of one. */
  sok?: string;
  sort: CaseSort;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export interface CaseListRow {
  processInstanceKey: string;
  caseRef: string | null;
  processDefinitionId: string;
  kommun: string | null;
  state: string;
  startDate: string;
  endDate: string | null;
  /** Open user tasks (the current steps), nearest due date first. */
  steps: Array<{ name: string; elementId: string; dueDate: string | null; assignee: string | null; candidateGroups: string[]; late: boolean; atRisk: boolean; daysLate: number | null; lateText: string | null }>;
  nextDue: string | null;
  late: boolean;
  atRisk: boolean;
}

export interface CaseList { rows: CaseListRow[]; total: number; page: number; pageSize: number; readModelAt?: string }

/** The case reference search: "vk-2026-000123", "2026-000123" and "000123" all find VK-2026-000123. */
export function normaliseRefQuery(q: string): string {
  return q.trim().toUpperCase().replace(/\s+/g, '').replace(/^VK-?/, '');
}

/**
 * "Mina ärenden": the cases a user works on, from the read model (web.sqlite) so the list is complete and fast.
 * Socialsekreterare see their kommun's cases, managers the kommuner they follow, everyone else the cases in which
 * they hold a task or one of their groups is offered one.
 */
export class CaseListService {
  constructor(private readonly d: { db: Database.Database; audit: AuditLog; readModel: Pick<ReadModel, 'lastRefresh' | 'refresh'>; now: () => Date; dueSoonDays: number; maxAgeMs: number; productNow?: () => Date }) {}

  /** Refreshes the read model first when it is older than `maxAgeMs` (a just-started case should be listed). */
  async fresh(): Promise<void> {
    const last = this.d.readModel.lastRefresh();
    if (!last || this.d.now().getTime() - Date.parse(last) >= this.d.maxAgeMs) await this.d.readModel.refresh();
    await syncEscalations(this.d.db, this.d.audit);
  }

  async list(user: SessionUser, q: CaseListQuery): Promise<CaseList> {
    await this.fresh();
    const params: Record<string, unknown> = { ...timeParams((this.d.productNow ?? this.d.now)(), this.d.dueSoonDays), uid: user.id, groups: JSON.stringify(user.groups) };
    // A called process (flytt, SIP, placement deadlines) belongs to its caller's row, not a row of its own.
    const where: string[] = [scopeSql(user, params), 'i.parent_key IS NULL'];
    const open = `FROM rm_tasks t WHERE t.process_instance_key = i.process_instance_key AND t.state = 'CREATED'`;
    if (q.status === 'pagaende') where.push("i.state = 'ACTIVE'");
    if (q.status === 'avslutade') where.push("i.state <> 'ACTIVE'");
    if (q.status === 'forsenade') where.push(`EXISTS (SELECT 1 ${open} AND ${LATE_SQL})`);
    if (q.status === 'riskzon') where.push(`EXISTS (SELECT 1 ${open} AND ${AT_RISK_SQL})`);
    if (q.process) { where.push('i.process_definition_id = @process'); params.process = q.process; }
    const sok = q.sok ? normaliseRefQuery(q.sok) : '';
    if (sok) { where.push("i.case_ref LIKE @sok ESCAPE '\\'"); params.sok = `%${sok.replace(/[%_\\]/g, '\\$&')}%`; }
    const w = where.join(' AND ');
    const total = (this.d.db.prepare(`SELECT COUNT(*) AS n FROM rm_instances i WHERE ${w}`).get(params) as { n: number }).n;
    const dir = q.dir === 'desc' ? 'DESC' : 'ASC';
    const order = {
      deadline: `next_due IS NULL, next_due ${dir}, i.start_date DESC`,
      arende: `i.case_ref ${dir}`,
      process: `i.process_definition_id ${dir}, next_due IS NULL, next_due`,
      start: `i.start_date ${dir}`,
    }[q.sort];
    const rows = this.d.db.prepare(`SELECT i.process_instance_key AS pi, i.case_ref AS caseRef, i.process_definition_id AS pd, i.kommun, i.state, i.start_date AS startDate, i.end_date AS endDate,
        (SELECT MIN(t.due_date) ${open}) AS next_due
      FROM rm_instances i WHERE ${w} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.pageSize, offset: (q.page - 1) * q.pageSize }) as Array<{ pi: string; caseRef: string | null; pd: string; kommun: string | null; state: string; startDate: string; endDate: string | null; next_due: string | null }>;
    const steps = this.openSteps(rows.map((r) => r.pi), params);
    return {
      total, page: q.page, pageSize: q.pageSize, readModelAt: this.d.readModel.lastRefresh(),
      rows: rows.map((r) => {
        const s = steps.get(r.pi) ?? [];
        return { processInstanceKey: r.pi, caseRef: r.caseRef, processDefinitionId: r.pd, kommun: r.kommun, state: r.state, startDate: r.startDate, endDate: r.endDate, steps: s, nextDue: r.next_due, late: s.some((x) => x.late), atRisk: !s.some((x) => x.late) && s.some((x) => x.atRisk) };
      }),
    };
  }

  private openSteps(pis: string[], params: Record<string, unknown>): Map<string, CaseListRow['steps']> {
    const out = new Map<string, CaseListRow['steps']>();
    if (pis.length === 0) return out;
    const now = new Date(String(params.now));
    const rows = this.d.db.prepare(`SELECT t.process_instance_key AS pi, t.name, t.element_id AS elementId, t.due_date AS dueDate, t.assignee, t.candidate_groups AS groups,
        ${LATE_SQL} AS late, ${AT_RISK_SQL} AS atRisk, ${DAYS_LATE_SQL} AS daysLate
      FROM rm_tasks t WHERE t.state = 'CREATED' AND t.process_instance_key IN (SELECT value FROM json_each(@pis)) ORDER BY t.due_date IS NULL, t.due_date`)
      .all({ now: params.now, soon: params.soon, pis: JSON.stringify(pis) }) as Array<{ pi: string; name: string | null; elementId: string; dueDate: string | null; assignee: string | null; groups: string; late: number; atRisk: number; daysLate: number | null }>;
    for (const r of rows) {
      const list = out.get(r.pi) ?? [];
      list.push({ name: r.name ?? r.elementId, elementId: r.elementId, dueDate: r.dueDate, assignee: r.assignee, candidateGroups: JSON.parse(r.groups) as string[], late: !!r.late, atRisk: !!r.atRisk, daysLate: r.daysLate, lateText: r.late ? lateText(r.daysLate ?? 0, r.dueDate, now) : null });
      out.set(r.pi, list);
    }
    return out;
  }
}

/** Which cases the user may list (same reach as the case page's access rule). */
function scopeSql(user: SessionUser, params: Record<string, unknown>): string {
  const ors: string[] = [];
  const managed = managedKommuner(user);
  if (managed === 'all') return '1 = 1';
  const ssKommuner = user.groups.map((g) => /^socialsekreterare-([a-z]+)$/.exec(g)?.[1]).filter((k): k is string => !!k);
  const kommuner = [...new Set([...managed, ...ssKommuner])];
  if (kommuner.length > 0) { ors.push('i.kommun IN (SELECT value FROM json_each(@kommuner))'); params.kommuner = JSON.stringify(kommuner); }
  ors.push(`EXISTS (SELECT 1 FROM rm_tasks t WHERE t.process_instance_key = i.process_instance_key
    AND (t.assignee = @uid OR EXISTS (SELECT 1 FROM json_each(t.candidate_groups) g WHERE g.value IN (SELECT value FROM json_each(@groups)))))`);
  return `(${ors.join(' OR ')})`;
}
