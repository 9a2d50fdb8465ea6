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

export class AuditLog {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): AuditLog {
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
    CREATE INDEX IF NOT EXISTS audit_action ON audit(action, at);`);
    return new AuditLog(db);
  }

  record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): AuditEntry {
    const at = entry.at ?? new Date().toISOString();
    const info = this.db
      .prepare('INSERT INTO audit (at, actor, action, case_ref, details) VALUES (?, ?, ?, ?, ?)')
      .run(at, entry.actor, entry.action, entry.caseRef ?? null, entry.details ? JSON.stringify(entry.details) : null);
    return { id: Number(info.lastInsertRowid), at, actor: entry.actor, action: entry.action, caseRef: entry.caseRef, details: entry.details };
  }

  query(q: AuditQuery = {}): AuditEntry[] {
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
    const sql = `SELECT id, at, actor, action, case_ref, details FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    params.push(q.limit ?? 1000);
    const rows = this.db.prepare(sql).all(...params) as Array<{ id: number; at: string; actor: string; action: string; case_ref: string | null; details: string | null }>;
    return rows.map((r) => ({
      id: r.id, at: r.at, actor: r.actor, action: r.action,
      ...(r.case_ref !== null ? { caseRef: r.case_ref } : {}),
      ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
    }));
  }

  close(): void {
    this.db.close();
  }
}
