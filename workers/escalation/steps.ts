import type { SqlDb } from '../../common/storage/db';

/**
 * Escalation steps per (process instance, deadline, level). The step number is fixed once per job key, so a retried
 * or re-activated job keeps its step (and with it its outbox key and e-mail text).
 */
export interface EscalationStep {
  jobKey: string;
  processInstanceKey: string;
  caseRef: string;
  deadline: string;
  level: 'reminder' | 'breach';
  step: number;
  dueDate: string;
  at: string;
}

export class EscalationSteps {
  constructor(private readonly db: SqlDb) {}

  /**
   * Returns this job's step, allocating the next number on first sight (one transaction). The steps of one
   * deadline are numbered under a lock on that deadline (PostgreSQL advisory lock; SQLite's write lock), so two
   * replicas escalating the same deadline at once get 1 and 2, never 1 twice.
   */
  async claim(s: Omit<EscalationStep, 'step' | 'at'>): Promise<{ step: EscalationStep; first: boolean }> {
    const { row, first } = await this.db.tx(async (t) => {
      if (t.dialect === 'postgres') await t.get('SELECT pg_advisory_xact_lock(1802, hashtext(?))', [`${s.processInstanceKey}|${s.deadline}|${s.level}`]);
      const existing = await t.get('SELECT * FROM escalation WHERE job_key = ?', [s.jobKey]);
      if (existing) return { row: existing, first: false };
      const { n } = (await t.get<{ n: number }>('SELECT COUNT(*) AS n FROM escalation WHERE process_instance_key = ? AND deadline = ? AND level = ?', [s.processInstanceKey, s.deadline, s.level]))!;
      await t.run('INSERT INTO escalation (job_key, process_instance_key, case_ref, deadline, level, step, due_date, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [s.jobKey, s.processInstanceKey, s.caseRef, s.deadline, s.level, Number(n) + 1, s.dueDate, new Date().toISOString()]);
      return { row: (await t.get('SELECT * FROM escalation WHERE job_key = ?', [s.jobKey]))!, first: true };
    });
    return {
      first,
      step: { jobKey: String(row.job_key), processInstanceKey: String(row.process_instance_key), caseRef: String(row.case_ref), deadline: String(row.deadline), level: row.level as 'reminder' | 'breach', step: Number(row.step), dueDate: String(row.due_date), at: String(row.at) },
    };
  }
}
