import nodemailer, { type Transporter } from 'nodemailer';
import type { WorkersConfig } from '../config';
import type { Outbox, OutboxMessage } from './outbox';

/** A failure that may go away by itself (SMTP 4xx, connection refused/reset, timeout): retry with back-off. */
export class TransientError extends Error {
  override name = 'TransientError';
}
/** A failure a person must fix (SMTP 5xx: rejected recipient, authentication, policy): incident, no retries. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

interface SmtpErrorLike { responseCode?: number; code?: string; command?: string; response?: string; message: string }

/** Classifies a nodemailer error by SMTP reply code (4xx transient, 5xx permanent); network errors are transient. */
export function classifySmtpError(err: unknown, where: string): TransientError | PermanentError {
  const e = err as SmtpErrorLike;
  const detail = e.response ?? e.message;
  if (e.command === 'STARTTLS' || e.code === 'ETLS' || /certificate|self.signed/i.test(e.message)) {
    return new PermanentError(`TLS with the mail server ${where} failed (${detail}). Check SMTP_SECURE/SMTP_REQUIRE_STARTTLS (the server may not offer STARTTLS) and the server certificate, then resolve the incident.`);
  }
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) {
      const hint = e.code === 'EAUTH'
        ? 'Check SMTP_USER/SMTP_PASS.'
        : 'Check the recipient addresses in config/workers.json ("groups") and MAIL_FROM, then resolve the incident.';
      return new PermanentError(`The mail server ${where} permanently rejected the e-mail (${e.responseCode}: ${detail}). ${hint}`);
    }
    return new TransientError(`The mail server ${where} temporarily refused the e-mail (${e.responseCode}: ${detail}); will retry.`);
  }
  if (e.code === 'EAUTH') return new PermanentError(`SMTP authentication at ${where} failed (${detail}). Check SMTP_USER/SMTP_PASS.`);
  return new TransientError(`Cannot reach the mail server ${where} (${e.code ?? ''} ${detail}); will retry.`);
}

export class MailSender {
  private readonly transport: Transporter;
  private readonly where: string;
  private readonly domain: string;

  constructor(private readonly cfg: WorkersConfig['smtp'], private readonly outbox: Outbox, private readonly onInterruptedSend: 'skip' | 'resend' = 'skip') {
    this.where = `${cfg.host}:${cfg.port}`;
    this.domain = /@([^>\s]+)/.exec(cfg.from)?.[1] ?? 'vardkedjan.local';
    this.transport = nodemailer.createTransport({
      host: cfg.host, port: cfg.port, secure: cfg.secure, requireTLS: cfg.requireTLS,
      ...(cfg.auth ? { auth: cfg.auth } : {}),
      tls: { rejectUnauthorized: cfg.rejectUnauthorized },
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000,
    });
  }

  /**
   * Sends the message once per key. `sent: false` when it had already gone out (retry / crash recovery) or when a
   * previous attempt was interrupted mid-transaction (`uncertain`: the worker died while talking to the SMTP
   * server, so nobody knows whether the server accepted it). `onInterruptedSend` decides that case: `skip`
   * (default: never a duplicate, audited so an operator can check) or `resend` (never lost, may duplicate; same
   * Message-ID).
   */
  async send(m: OutboxMessage): Promise<{ sent: boolean; messageId: string; uncertain?: boolean }> {
    const put = await this.outbox.put(m, this.domain);
    const claim = await this.outbox.claim(put.key, { resendInterrupted: this.onInterruptedSend === 'resend' });
    // Another replica holds the row (same job re-activated there): fail this attempt; the retry finds `sent`, or
    // sends if that replica gave up. Completing now could lose the mail if that replica's attempt fails.
    if (claim.kind === 'busy') throw new TransientError(`The e-mail ${put.key} is being sent by another worker replica; will check again.`);
    if (claim.kind === 'sent') return { sent: false, messageId: claim.row.messageId };
    if (claim.kind === 'interrupted') {
      await this.outbox.markUncertain(claim.row.key);
      return { sent: false, messageId: claim.row.messageId, uncertain: true };
    }
    // `sending` is committed by the claim: a crash from here on leaves it, never a silent resend.
    const row = claim.row;
    try {
      await this.transport.sendMail({
        from: this.cfg.from, to: row.to, subject: row.subject, text: row.text, messageId: row.messageId,
        headers: { 'X-Vardkedjan-Key': row.key },
      });
    } catch (err) {
      const classified = classifySmtpError(err, this.where);
      await this.outbox.markFailed(row.key, classified.message);
      throw classified;
    }
    await this.outbox.markSent(row.key);
    return { sent: true, messageId: row.messageId };
  }

  close(): void {
    this.transport.close();
  }
}
