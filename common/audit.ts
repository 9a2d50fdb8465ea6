import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The audit log: who did what, when, to which case. Shared by the workers (jobs handled, notifications,
 * escalations) and the web app (every read and change of case data). Append-only, one SQLite file.
 */
export interface AuditEntry {
  id: number;
  /** ISO 8601 timestamp (UTC). */
  at: string;
  /** User id, or `worker:<name>` for job workers. */
  actor: string;
  /** Dotted verb, e.g. `job.completed`, `notification.sent`, `escalation.breach`, `case.read`. */
  action: string;
  caseRef?: string;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  caseRef?: string;
  actor?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `escalation.`). */
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
}

/** How long audit rows are kept at least: HSLF-FS 2016:40 4 kap. 9 § expects logs kept for follow-up; 5 years. */
export const DEFAULT_RETENTION_YEARS = 5;

/** A log reviewer's verdict on one sampled read (Loggkontroll). */
export interface AuditReview {
  id: number;
  auditId: number;
  at: string;
  reviewer: string;
  /** `ok`: the read was justified; `unjustified`: not (follow up); `unclear`: needs asking the user. */
  outcome: 'ok' | 'unjustified' | 'unclear';
  note?: string;
}

export class AuditLog {
  private constructor(private readonly db: Database.Database, readonly retentionYears: number) {}

  /**
   * Opens (or creates) the log. Rows have no update path at all and cannot be deleted before they are
   * `retentionYears` old (AUDIT_RETENTION_YEARS, default 5): SQLite triggers refuse it, whoever tries — this class
   * has no such method, and a tool on the file meets the same triggers. Reviews (Loggkontroll) are append-only too.
   */
  static open(file: string, opts: { retentionYears?: number } = {}): AuditLog {
    const retentionYears = opts.retentionYears ?? retentionFromEnv();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE IF NOT EXISTS audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      case_ref TEXT,
      details TEXT
    );
    CREATE INDEX IF NOT EXISTS audit_case ON audit(case_ref, at);
    CREATE INDEX IF NOT EXISTS audit_action ON audit(action, at);
    CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor, at);
    CREATE TABLE IF NOT EXISTS audit_review (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      audit_id INTEGER NOT NULL REFERENCES audit(id),
      at TEXT NOT NULL,
      reviewer TEXT NOT NULL,
      outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'unjustified', 'unclear')),
      note TEXT
    );
    CREATE INDEX IF NOT EXISTS audit_review_audit ON audit_review(audit_id);
    CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;
    CREATE TRIGGER IF NOT EXISTS audit_review_no_update BEFORE UPDATE ON audit_review
      BEGIN SELECT RAISE(ABORT, 'audit reviews cannot be changed'); END;
    CREATE TRIGGER IF NOT EXISTS audit_review_no_delete BEFORE DELETE ON audit_review
      BEGIN SELECT RAISE(ABORT, 'audit reviews cannot be deleted'); END;
    DROP TRIGGER IF EXISTS audit_keep;
    CREATE TRIGGER audit_keep BEFORE DELETE ON audit
      WHEN old.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${retentionYears} years')
      BEGIN SELECT RAISE(ABORT, 'audit rows are kept for ${retentionYears} years'); END;`);
    return new AuditLog(db, retentionYears);
  }

  record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): AuditEntry {
    const at = entry.at ?? new Date().toISOString();
    const info = this.db
      .prepare('INSERT INTO audit (at, actor, action, case_ref, details) VALUES (?, ?, ?, ?, ?)')
      .run(at, entry.actor, entry.action, entry.caseRef ?? null, entry.details ? JSON.stringify(entry.details) : null);
    return { id: Number(info.lastInsertRowid), at, actor: entry.actor, action: entry.action, caseRef: entry.caseRef, details: entry.details };
  }

  query(q: AuditQuery = {}): AuditEntry[] {
    const { where, params } = whereOf(q);
    const rows = this.db.prepare(`SELECT id, at, actor, action, case_ref, details FROM audit ${where} ORDER BY id DESC LIMIT ?`).all(...params, q.limit ?? 1000) as AuditRow[];
    return rows.map(toEntry);
  }

  /** Removes rows older than the retention period (nothing younger can be removed); returns how many went. */
  pruneExpired(now = new Date()): number {
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - this.retentionYears);
    // Reviews point at their rows; a row keeps its reviews' reference valid by staying until both expire.
    return this.db.prepare('DELETE FROM audit WHERE at < ? AND id NOT IN (SELECT audit_id FROM audit_review)').run(cutoff.toISOString()).changes;
  }

  /** A uniformly random sample of `size` rows matching `q` (for log review: reads by user, case, period). */
  sample(q: AuditQuery, size: number): AuditEntry[] {
    const { where, params } = whereOf(q);
    const rows = this.db.prepare(`SELECT id, at, actor, action, case_ref, details FROM audit ${where} ORDER BY random() LIMIT ?`).all(...params, size) as AuditRow[];
    return rows.map(toEntry).sort((a, b) => a.id - b.id);
  }

  entry(id: number): AuditEntry | undefined {
    const row = this.db.prepare('SELECT id, at, actor, action, case_ref, details FROM audit WHERE id = ?').get(id) as AuditRow | undefined;
    return row ? toEntry(row) : undefined;
  }

  recordReview(review: Omit<AuditReview, 'id' | 'at'> & { at?: string }): AuditReview {
    const at = review.at ?? new Date().toISOString();
    const info = this.db.prepare('INSERT INTO audit_review (audit_id, at, reviewer, outcome, note) VALUES (?, ?, ?, ?, ?)')
      .run(review.auditId, at, review.reviewer, review.outcome, review.note ?? null);
    return { id: Number(info.lastInsertRowid), at, auditId: review.auditId, reviewer: review.reviewer, outcome: review.outcome, ...(review.note ? { note: review.note } : {}) };
  }

  /** Reviews of the given audit rows, newest first. */
  reviewsOf(auditIds: number[]): AuditReview[] {
    if (auditIds.length === 0) return [];
    const rows = this.db.prepare(`SELECT id, audit_id, at, reviewer, outcome, note FROM audit_review WHERE audit_id IN (${auditIds.map(() => '?').join(',')}) ORDER BY id DESC`)
      .all(...auditIds) as Array<{ id: number; audit_id: number; at: string; reviewer: string; outcome: AuditReview['outcome']; note: string | null }>;
    return rows.map((r) => ({ id: r.id, auditId: r.audit_id, at: r.at, reviewer: r.reviewer, outcome: r.outcome, ...(r.note !== null ? { note: r.note } : {}) }));
  }

  close(): void {
    this.db.close();
  }
}

type AuditRow = { id: number; at: string; actor: string; action: string; case_ref: string | null; details: string | null };

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id, at: r.at, actor: r.actor, action: r.action,
    ...(r.case_ref !== null ? { caseRef: r.case_ref } : {}),
    ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
  };
}

function whereOf(q: AuditQuery): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.caseRef !== undefined) { where.push('case_ref = ?'); params.push(q.caseRef); }
  if (q.actor !== undefined) { where.push('actor = ?'); params.push(q.actor); }
  if (q.action !== undefined) {
    if (q.action.endsWith('.')) { where.push('action LIKE ? ESCAPE \'\\\''); params.push(q.action.replace(/[%_\\]/g, '\\$&') + '%'); }
    else { where.push('action = ?'); params.push(q.action); }
  }
  if (q.from !== undefined) { where.push('at >= ?'); params.push(q.from); }
  if (q.to !== undefined) { where.push('at < ?'); params.push(q.to); }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function retentionFromEnv(): number {
  const raw = process.env.AUDIT_RETENTION_YEARS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_YEARS;
  const years = Number(raw);
  if (!Number.isInteger(years) || years < 1 || years > 100) throw new Error(`AUDIT_RETENTION_YEARS must be a whole number of years (1–100), not '${raw}'.`);
  return years;
}
