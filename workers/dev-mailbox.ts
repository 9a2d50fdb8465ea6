import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * Local SMTP sink for `npm start`: accepts every message on 127.0.0.1 and stores it as `<n>.eml` in `dir`, plus a
 * line in `index.jsonl` (time, envelope, subject) so a developer can read what the workers sent. Never use it as a
 * real relay: it delivers nothing.
 */
export interface DevMailbox { port: number; dir: string; stop(): Promise<void> }

export async function startDevMailbox(opts: { port?: number; host?: string; dir: string }): Promise<DevMailbox> {
  fs.mkdirSync(opts.dir, { recursive: true });
  let n = fs.readdirSync(opts.dir).filter((f) => f.endsWith('.eml')).length;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const file = `${String(++n).padStart(6, '0')}.eml`;
        fs.writeFileSync(path.join(opts.dir, file), raw);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '';
        fs.appendFileSync(path.join(opts.dir, 'index.jsonl'), JSON.stringify({
          at: new Date().toISOString(), file, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address), subject,
        }) + '\n');
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 2525, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return { port, dir: opts.dir, stop: () => new Promise<void>((r) => server.close(() => r())) };
}
