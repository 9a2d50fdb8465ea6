import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  raw: string;
}

/** How the server answers the next DATA commands: accept, or an SMTP error code (4xx transient, 5xx permanent). */
export type SmtpMode = { kind: 'accept' } | { kind: 'reject'; code: number; message?: string; times?: number };

export interface TestSmtp {
  port: number;
  messages: ReceivedMail[];
  waitFor(n: number, ms?: number): Promise<ReceivedMail[]>;
  /** Make the server reject the next `times` (default: all) messages with `code`. */
  setMode(mode: SmtpMode): void;
  /** Number of rejected delivery attempts so far. */
  rejected(): number;
  stop(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1, ephemeral port, no auth, no TLS. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let mode: SmtpMode = { kind: 'accept' };
  let rejectedCount = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (mode.kind === 'reject') {
          rejectedCount++;
          const err = Object.assign(new Error(mode.message ?? `test server rejects with ${mode.code}`), { responseCode: mode.code });
          if (mode.times !== undefined && --mode.times <= 0) mode = { kind: 'accept' };
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((p) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of p.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: p.subject ?? '', text: p.text ?? '', messageId: p.messageId ?? '', headers, raw,
          });
          callback();
        }, (e: Error) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    port: address.port,
    messages,
    setMode(m) { mode = m; },
    rejected: () => rejectedCount,
    async waitFor(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} e-mails within ${ms} ms, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages.slice(0, n);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
