import type Database from 'better-sqlite3';

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
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS escalation (
      job_key TEXT PRIMARY KEY,
      process_instance_key TEXT NOT NULL,
      case_ref TEXT NOT NULL,
      deadline TEXT NOT NULL,
      level TEXT NOT NULL,
      step INTEGER NOT NULL,
      due_date TEXT NOT NULL,
      at TEXT NOT NULL
    )`);
  }

  /** Returns this job's step, allocating the next number on first sight (one transaction). */
  claim(s: Omit<EscalationStep, 'step' | 'at'>): { step: EscalationStep; first: boolean } {
    const tx = this.db.transaction(() => {
      const existing = this.db.prepare('SELECT * FROM escalation WHERE job_key = ?').get(s.jobKey) as Record<string, unknown> | undefined;
      if (existing) return { row: existing, first: false };
      const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM escalation WHERE process_instance_key = ? AND deadline = ? AND level = ?').get(s.processInstanceKey, s.deadline, s.level) as { n: number };
      this.db.prepare('INSERT INTO escalation (job_key, process_instance_key, case_ref, deadline, level, step, due_date, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(s.jobKey, s.processInstanceKey, s.caseRef, s.deadline, s.level, n + 1, s.dueDate, new Date().toISOString());
      return { row: this.db.prepare('SELECT * FROM escalation WHERE job_key = ?').get(s.jobKey) as Record<string, unknown>, first: true };
    });
    const { row, first } = tx();
    return {
      first,
      step: { jobKey: String(row.job_key), processInstanceKey: String(row.process_instance_key), caseRef: String(row.case_ref), deadline: String(row.deadline), level: row.level as 'reminder' | 'breach', step: Number(row.step), dueDate: String(row.due_date), at: String(row.at) },
    };
  }
}
