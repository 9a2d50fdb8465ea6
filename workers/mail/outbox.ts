import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { SqlDb } from '../../common/storage/db';

/**
 * The outbox makes e-mail idempotent across job retries, worker crashes and replicas: every message has an
 * idempotency key (job key + step + recipient group). A replica claims the row (`sending`, committed before the SMTP
 * transaction) and marks it `sent` right after the server accepts, before the job is completed — so a re-activated
 * job finds `sent` and does not mail again, and a crash during the transaction leaves `sending`, which the sender
 * never repeats blindly (see MailSender.send).
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

/** What a claim found. `busy`: another replica is sending this message right now (try again later). */
export type Claim =
  | { kind: 'claimed'; row: OutboxRow }
  | { kind: 'sent'; row: OutboxRow }
  | { kind: 'interrupted'; row: OutboxRow }
  | { kind: 'busy' };

/**
 * Default of `sendInFlightMs` (workers/config.ts): longer than a whole SMTP attempt (10 s connect + 10 s greeting +
 * 20 s socket): a `sending` row another replica claimed more recently may still be on its way, an older one was
 * interrupted.
 */
const IN_FLIGHT_MS = 60_000;

/** This process, as recorded in claimed_by. */
const REPLICA = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class Outbox {
  constructor(private readonly db: SqlDb, private readonly inFlightMs = IN_FLIGHT_MS) {}

  /** Adds the message unless a message with the same key exists; returns the stored row either way. */
  async put(m: OutboxMessage, domain: string): Promise<OutboxRow> {
    const messageId = `<${m.key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
    await this.db.run(`INSERT INTO outbox (key, recipients, subject, body, created_at, message_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      [m.key, JSON.stringify(m.to), m.subject, m.text, new Date().toISOString(), messageId]);
    return (await this.get(m.key))!;
  }

  async get(key: string): Promise<OutboxRow | undefined> {
    const r = await this.db.get('SELECT * FROM outbox WHERE key = ?', [key]);
    return r ? toRow(r) : undefined;
  }

  /**
   * Claims the row for one SMTP transaction, in one transaction: on PostgreSQL the row is locked FOR UPDATE SKIP
   * LOCKED, so of two replicas claiming at once one gets it and the other is told `busy` without waiting. `resend`
   * also claims an interrupted row.
   */
  async claim(key: string, opts: { resendInterrupted: boolean; now?: Date }): Promise<Claim> {
    const now = opts.now ?? new Date();
    return this.db.tx(async (t) => {
      const lock = t.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
      const r = await t.get(`SELECT * FROM outbox WHERE key = ?${lock}`, [key]);
      if (!r) return { kind: 'busy' } as const;
      const row = toRow(r);
      if (row.status === 'sent') return { kind: 'sent', row } as const;
      if (row.status === 'sending' && t.dialect === 'postgres' && r.claimed_by !== REPLICA && r.claimed_at
        && now.getTime() - Date.parse(String(r.claimed_at)) < this.inFlightMs) return { kind: 'busy' } as const;
      if ((row.status === 'sending' || row.status === 'uncertain') && !opts.resendInterrupted) return { kind: 'interrupted', row } as const;
      await t.run(`UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_at = ? WHERE key = ?`, [REPLICA, now.toISOString(), key]);
      return { kind: 'claimed', row: { ...row, status: 'sending' } } as const;
    });
  }

  async markSent(key: string): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE key = ?`, [new Date().toISOString(), key]);
  }

  async markFailed(key: string, error: string): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ? WHERE key = ?`, [error, key]);
  }

  /** Only for tests and tools that stage an interrupted send. */
  async markSending(key: string): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = 'sending' WHERE key = ?`, [key]);
  }

  async markUncertain(key: string): Promise<void> {
    // Never over a `sent` written meanwhile by the replica that was sending it.
    await this.db.run(`UPDATE outbox SET status = 'uncertain', last_error = 'worker stopped during the SMTP transaction; not resent (onInterruptedSend = skip)' WHERE key = ? AND status <> 'sent'`, [key]);
  }

  /** Rows an operator should check (interrupted sends that were not repeated). */
  async uncertain(): Promise<OutboxRow[]> {
    return (await this.db.all(`SELECT * FROM outbox WHERE status = 'uncertain' ORDER BY created_at`)).map(toRow);
  }
}

function toRow(r: Record<string, unknown>): OutboxRow {
  return {
    key: String(r.key), to: JSON.parse(String(r.recipients)) as string[], subject: String(r.subject), text: String(r.body),
    status: r.status as OutboxRow['status'], attempts: Number(r.attempts), lastError: (r.last_error as string | null) ?? null,
    createdAt: String(r.created_at), sentAt: (r.sent_at as string | null) ?? null, messageId: String(r.message_id),
  };
}
