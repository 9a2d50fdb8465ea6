import type { StorageConfig } from './storage/config';
import type { Param, Store } from './storage/db';
import { migrate, type Migration } from './storage/migrate';
import { openStore } from './storage/open';
import { openSqlite } from './storage/sqlite';

/**
 * The audit log: who did what, when, to which case. Shared by the workers (jobs handled, notifications,
 * escalations) and the web app (every read and change of case data). Append-only: audit.sqlite, or the `audit`
 * table of the shared PostgreSQL database that every worker and web replica writes to.
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

const SQLITE_SCHEMA = `CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, case_ref TEXT, details TEXT);
  CREATE INDEX IF NOT EXISTS audit_case ON audit(case_ref, at);
  CREATE INDEX IF NOT EXISTS audit_action ON audit(action, at);
  CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor, at);
  CREATE TABLE IF NOT EXISTS audit_review (
    id INTEGER PRIMARY KEY AUTOINCREMENT, audit_id INTEGER NOT NULL REFERENCES audit(id), at TEXT NOT NULL, reviewer TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'unjustified', 'unclear')), note TEXT);
  CREATE INDEX IF NOT EXISTS audit_review_audit ON audit_review(audit_id);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit rows cannot be changed'); END;
  CREATE TRIGGER IF NOT EXISTS audit_review_no_update BEFORE UPDATE ON audit_review
    BEGIN SELECT RAISE(ABORT, 'audit reviews cannot be changed'); END;
  CREATE TRIGGER IF NOT EXISTS audit_review_no_delete BEFORE DELETE ON audit_review
    BEGIN SELECT RAISE(ABORT, 'audit reviews cannot be deleted'); END;`;

// The retention check lives in audit_keep_rows(), replaced at every start with the configured period.
const POSTGRES_SCHEMA = `CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, case_ref TEXT, details TEXT);
  CREATE INDEX audit_case ON audit(case_ref, at);
  CREATE INDEX audit_action ON audit(action, at);
  CREATE INDEX audit_actor ON audit(actor, at);
  CREATE TABLE audit_review (
    id BIGSERIAL PRIMARY KEY, audit_id BIGINT NOT NULL REFERENCES audit(id), at TEXT NOT NULL, reviewer TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'unjustified', 'unclear')), note TEXT);
  CREATE INDEX audit_review_audit ON audit_review(audit_id);
  CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% rows cannot be %', TG_TABLE_NAME, CASE TG_OP WHEN 'UPDATE' THEN 'changed' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END; END $$;
  CREATE FUNCTION audit_keep_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_refuse();
  CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
  CREATE TRIGGER audit_keep BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_keep_rows();
  CREATE TRIGGER audit_review_no_change BEFORE UPDATE OR DELETE ON audit_review FOR EACH ROW EXECUTE FUNCTION audit_refuse();
  CREATE TRIGGER audit_review_no_truncate BEFORE TRUNCATE ON audit_review FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();`;

const AUDIT_MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'audit log and reviews', up: { sqlite: SQLITE_SCHEMA, postgres: POSTGRES_SCHEMA } }];

function retentionSql(dialect: Store['dialect'], years: number): string {
  if (dialect === 'sqlite') {
    return `DROP TRIGGER IF EXISTS audit_keep;
      CREATE TRIGGER audit_keep BEFORE DELETE ON audit
        WHEN old.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${years} years')
        BEGIN SELECT RAISE(ABORT, 'audit rows are kept for ${years} years'); END;`;
  }
  return `CREATE OR REPLACE FUNCTION audit_keep_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF OLD.at > to_char((now() AT TIME ZONE 'UTC') - interval '${years} years', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
        RAISE EXCEPTION 'audit rows are kept for ${years} years';
      END IF;
      RETURN OLD; END $$;`;
}

export class AuditLog {
  private constructor(private readonly db: Store, readonly retentionYears: number) {}

  /**
   * Opens (or creates) the log: a SQLite file (a path), or the configured store (audit.sqlite in DATA_DIR, or
   * PostgreSQL). Rows have no update path at all and cannot be deleted before they are `retentionYears` old
   * (AUDIT_RETENTION_YEARS, default 5): triggers in the database refuse it, whoever tries — this class has no such
   * method, and a tool on the database meets the same triggers. Reviews (Loggkontroll) are append-only too.
   */
  static async open(where: string | StorageConfig, opts: { retentionYears?: number } = {}): Promise<AuditLog> {
    const retentionYears = opts.retentionYears ?? retentionFromEnv();
    const db = typeof where === 'string' ? openSqlite(where, { synchronousFull: true }) : openStore(where, 'audit');
    try {
      await migrate(db, 'audit', AUDIT_MIGRATIONS);
      await db.tx(async (t) => {
        if (t.dialect === 'postgres') await t.get('SELECT pg_advisory_xact_lock(1801, hashtext(?))', ['audit']);
        await t.exec(retentionSql(t.dialect, retentionYears));
      });
    } catch (e) {
      await db.close();
      throw e;
    }
    return new AuditLog(db, retentionYears);
  }

  async record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const at = entry.at ?? new Date().toISOString();
    const row = await this.db.get<{ id: number }>('INSERT INTO audit (at, actor, action, case_ref, details) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [at, entry.actor, entry.action, entry.caseRef ?? null, entry.details ? JSON.stringify(entry.details) : null]);
    return { id: Number(row!.id), at, actor: entry.actor, action: entry.action, caseRef: entry.caseRef, details: entry.details };
  }

  async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const { where, params } = whereOf(q);
    const rows = await this.db.all<AuditRow>(`SELECT id, at, actor, action, case_ref, details FROM audit ${where} ORDER BY id DESC LIMIT ?`, [...params, q.limit ?? 1000]);
    return rows.map(toEntry);
  }

  /** Removes rows older than the retention period (nothing younger can be removed); returns how many went. */
  async pruneExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now);
    cutoff.setUTCFullYear(cutoff.getUTCFullYear() - this.retentionYears);
    // Reviews point at their rows; a row keeps its reviews' reference valid by staying until both expire.
    return (await this.db.run('DELETE FROM audit WHERE at < ? AND id NOT IN (SELECT audit_id FROM audit_review)', [cutoff.toISOString()])).changes;
  }

  /** A uniformly random sample of `size` rows matching `q` (for log review: reads by user, case, period). */
  async sample(q: AuditQuery, size: number): Promise<AuditEntry[]> {
    const { where, params } = whereOf(q);
    const rows = await this.db.all<AuditRow>(`SELECT id, at, actor, action, case_ref, details FROM audit ${where} ORDER BY random() LIMIT ?`, [...params, size]);
    return rows.map(toEntry).sort((a, b) => a.id - b.id);
  }

  async entry(id: number): Promise<AuditEntry | undefined> {
    const row = await this.db.get<AuditRow>('SELECT id, at, actor, action, case_ref, details FROM audit WHERE id = ?', [id]);
    return row ? toEntry(row) : undefined;
  }

  async recordReview(review: Omit<AuditReview, 'id' | 'at'> & { at?: string }): Promise<AuditReview> {
    const at = review.at ?? new Date().toISOString();
    const row = await this.db.get<{ id: number }>('INSERT INTO audit_review (audit_id, at, reviewer, outcome, note) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [review.auditId, at, review.reviewer, review.outcome, review.note ?? null]);
    return { id: Number(row!.id), at, auditId: review.auditId, reviewer: review.reviewer, outcome: review.outcome, ...(review.note ? { note: review.note } : {}) };
  }

  /** Reviews of the given audit rows, newest first. */
  async reviewsOf(auditIds: number[]): Promise<AuditReview[]> {
    if (auditIds.length === 0) return [];
    const rows = await this.db.all<{ id: number; audit_id: number; at: string; reviewer: string; outcome: AuditReview['outcome']; note: string | null }>(
      `SELECT id, audit_id, at, reviewer, outcome, note FROM audit_review WHERE audit_id IN (${auditIds.map(() => '?').join(',')}) ORDER BY id DESC`, auditIds);
    return rows.map((r) => ({ id: Number(r.id), auditId: Number(r.audit_id), at: r.at, reviewer: r.reviewer, outcome: r.outcome, ...(r.note !== null ? { note: r.note } : {}) }));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

type AuditRow = { id: number; at: string; actor: string; action: string; case_ref: string | null; details: string | null };

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id), at: r.at, actor: r.actor, action: r.action,
    ...(r.case_ref !== null ? { caseRef: r.case_ref } : {}),
    ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
  };
}

function whereOf(q: AuditQuery): { where: string; params: Param[] } {
  const where: string[] = [];
  const params: Param[] = [];
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
