import Database from 'better-sqlite3';

/**
 * The outbox makes e-mail idempotent across job retries and worker crashes: every message has an idempotency
 * key (job key + step + recipient group). `sending` is committed before the SMTP transaction and `sent` right after
 * the server accepts, before the job is completed — so a re-activated job finds `sent` and does not mail again, and
 * a crash during the transaction leaves `sending`, which the sender never repeats blindly (see MailSender.send).
 */
export interface OutboxMessage { key: string; to: string[]; subject: string; text: string }

export interface OutboxRow extends OutboxMessage {
  /** pending → sending (committed before SMTP) → sent; back to pending on a reported failure; `uncertain` when an
   * interrupted `sending` was skipped. */
  status: 'pending' | 'sending' | 'sent' | 'uncertain';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  messageId: string;
}

export class Outbox {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      key TEXT PRIMARY KEY,
      recipients TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at TEXT NOT NULL,
      sent_at TEXT,
      message_id TEXT NOT NULL
    )`);
  }

  /** Adds the message unless a message with the same key exists; returns the stored row either way. */
  put(m: OutboxMessage, domain: string): OutboxRow {
    const messageId = `<${m.key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
    this.db.prepare(`INSERT OR IGNORE INTO outbox (key, recipients, subject, body, created_at, message_id) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(m.key, JSON.stringify(m.to), m.subject, m.text, new Date().toISOString(), messageId);
    return this.get(m.key)!;
  }

  get(key: string): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM outbox WHERE key = ?').get(key) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      key: String(r.key), to: JSON.parse(String(r.recipients)) as string[], subject: String(r.subject), text: String(r.body),
      status: r.status as OutboxRow['status'], attempts: Number(r.attempts), lastError: (r.last_error as string | null) ?? null,
      createdAt: String(r.created_at), sentAt: (r.sent_at as string | null) ?? null, messageId: String(r.message_id),
    };
  }

  markSent(key: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE key = ?`).run(new Date().toISOString(), key);
  }

  markFailed(key: string, error: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ? WHERE key = ?`).run(error, key);
  }

  markSending(key: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'sending' WHERE key = ?`).run(key);
  }

  markUncertain(key: string): void {
    this.db.prepare(`UPDATE outbox SET status = 'uncertain', last_error = 'worker stopped during the SMTP transaction; not resent (onInterruptedSend = skip)' WHERE key = ?`).run(key);
  }

  /** Rows an operator should check (interrupted sends that were not repeated). */
  uncertain(): OutboxRow[] {
    return (this.db.prepare(`SELECT key FROM outbox WHERE status = 'uncertain' ORDER BY created_at`).all() as Array<{ key: string }>).map((r) => this.get(r.key)!);
  }
}
