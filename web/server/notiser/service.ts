import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';
import type { CamundaClient } from '../../../common/camunda';
import { isManager, type SessionUser } from '../auth/user';
import { NOW } from '../camunda-util';
import { UserError, notFound } from '../errors';
import { canWorkOnTask } from '../tasks/access';
import { syncEscalations } from '../time/product-time';

export interface Notice {
  level: 'reminder' | 'breach';
  at: string;
  caseRef: string | null;
  processInstanceKey: string;
  deadline: string | null;
  dueDate: string | null;
  step: number;
  group: string | null;
  escalateTo: string | null;
  /** The task the deadline belongs to, when the read model knows it. */
  taskName: string | null;
  taskOpen: boolean | null;
  /** Why the user got it: their group must act, or it was escalated to them. */
  role: 'ansvarig' | 'eskalerad';
}

const CASE_REF = /^VK-\d{4}-\d{6}$/;
const STEP = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * "Notiser": the reminders and escalations the workers sent to the user's groups (as responsible group, or as the
 * group a breach was escalated to), newest first — the same records that are mailed. And `/oppna`, the target of
 * every mail link: the named step's task for whoever may work on it, or the case for a manager.
 */
export class NoticeService {
  /** `fresh` brings the read model up to date (the task names and states shown beside each notice). */
  constructor(private readonly d: { db: Database.Database; audit: AuditLog; client: CamundaClient; fresh: () => Promise<void> }) {}

  async list(user: SessionUser, limit = 200): Promise<Notice[]> {
    await this.d.fresh();
    await syncEscalations(this.d.db, this.d.audit);
    const rows = this.d.db.prepare(`SELECT e.level, e.at, e.case_ref AS caseRef, e.process_instance_key AS pi, e.deadline, e.due_date AS due, e.step, e.group_name AS grp, e.escalate_to AS escTo,
        (SELECT t.name FROM rm_tasks t WHERE t.process_instance_key = e.process_instance_key AND t.due_date = e.due_date ORDER BY t.state = 'CREATED' DESC LIMIT 1) AS taskName,
        (SELECT t.state FROM rm_tasks t WHERE t.process_instance_key = e.process_instance_key AND t.due_date = e.due_date ORDER BY t.state = 'CREATED' DESC LIMIT 1) AS taskState
      FROM rm_escalations e WHERE e.group_name IN (SELECT value FROM json_each(@groups)) OR (e.level = 'breach' AND e.escalate_to IN (SELECT value FROM json_each(@groups)))
      ORDER BY e.at DESC, e.audit_id DESC LIMIT @limit`).all({ groups: JSON.stringify(user.groups), limit }) as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      level: r.level as Notice['level'], at: String(r.at), caseRef: r.caseRef as string | null, processInstanceKey: String(r.pi), deadline: r.deadline as string | null,
      dueDate: r.due as string | null, step: Number(r.step), group: r.grp as string | null, escalateTo: r.escTo as string | null,
      taskName: r.taskName as string | null, taskOpen: r.taskState === null ? null : r.taskState === 'CREATED',
      role: r.grp !== null && user.groups.includes(String(r.grp)) ? 'ansvarig' : 'eskalerad',
    }));
  }

  /** Where a mail link leads this user: the step's open task they may work on, else the case (managers always). */
  async open(user: SessionUser, caseRef: string, step?: string): Promise<string> {
    if (!CASE_REF.test(caseRef)) throw new UserError(400, 'Länken är ofullständig: ärendenumret saknas eller är fel. Sök ärendet under Mina ärenden.');
    if (step !== undefined && !STEP.test(step)) throw new UserError(400, 'Länken är ofullständig. Sök ärendet under Mina ärenden.');
    const vars = await this.d.client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never, page: { limit: 100 } as never }, NOW as never);
    const pis = [...new Set(vars.items.map((v) => String(v.processInstanceKey)))];
    if (pis.length === 0) throw notFound(`Inget ärende med nummer ${caseRef}. Kontrollera länken eller sök under Mina ärenden.`);
    // The user-task search filters on one process instance at a time (no $in); a case has few.
    const tasks = [];
    for (const pi of pis.slice(0, 20)) {
      const filter: Record<string, unknown> = { processInstanceKey: pi, state: 'CREATED' };
      if (step) filter.elementId = step;
      tasks.push(...(await this.d.client.searchUserTasks({ filter: filter as never, page: { limit: 100 } as never }, NOW)).items);
    }
    if (!isManager(user)) {
      const mine = tasks.filter((t) => canWorkOnTask(user, t)).sort((a, b) => (a.dueDate ?? '9').localeCompare(b.dueDate ?? '9'));
      if (mine[0]) return `/uppgifter/${String(mine[0].userTaskKey)}`;
    }
    // The case page applies (and audits) the access rule.
    return `/arenden/${tasks[0] ? String(tasks[0].processInstanceKey) : pis.sort()[0]}`;
  }
}
