/**
 * STARTTLS and implicit TLS against a real smtp-server with a throw-away self-signed certificate (openssl),
 * and the actionable error when STARTTLS is required but not offered.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../workers/config';
import { openWorkersStore } from '../helpers/stores';
import { Outbox } from '../../workers/mail/outbox';
import { MailSender, PermanentError } from '../../workers/mail/sender';
import { startTestSmtp } from '../helpers/smtp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-tls-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
  '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
const key = fs.readFileSync(path.join(dir, 'key.pem'));
const cert = fs.readFileSync(path.join(dir, 'cert.pem'));

async function tlsServer(secure: boolean) {
  const seen: Array<{ secure: boolean; to: string[] }> = [];
  const server = new SMTPServer({
    secure, key, cert, authOptional: true, logger: false,
    onData(stream, session, cb) { stream.resume(); stream.on('end', () => { seen.push({ secure: session.secure, to: session.envelope.rcptTo.map((r) => r.address) }); cb(); }); },
  });
  // A client that refuses the certificate drops the connection: expected in one test, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return { port, seen, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

async function sender(port: number, env: Record<string, string>) {
  const cfg = loadConfig({ DATA_DIR: dir, WORKERS_CONFIG: '/nonexistent', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), ...env });
  return new MailSender(cfg.smtp, new Outbox(await openWorkersStore({ dataDir: fs.mkdtempSync(path.join(dir, 'db-')) })));
}

const msg = (k: string) => ({ key: k, to: ['remissgruppen@test.local'], subject: 'Ny uppgift', text: 'Ärende VK-2026-000001' });

test('STARTTLS required and offered: delivered over TLS', async () => {
  const s = await tlsServer(false);
  const m = await sender(s.port, { SMTP_REQUIRE_STARTTLS: 'true', SMTP_TLS_REJECT_UNAUTHORIZED: 'false' });
  try {
    expect((await m.send(msg('a'))).sent).toBe(true);
    expect(s.seen).toEqual([{ secure: true, to: ['remissgruppen@test.local'] }]);
  } finally { m.close(); await s.stop(); }
});

test('implicit TLS (SMTP_SECURE): delivered over TLS', async () => {
  const s = await tlsServer(true);
  const m = await sender(s.port, { SMTP_SECURE: 'true', SMTP_TLS_REJECT_UNAUTHORIZED: 'false' });
  try {
    expect((await m.send(msg('b'))).sent).toBe(true);
    expect(s.seen[0].secure).toBe(true);
  } finally { m.close(); await s.stop(); }
});

test('an untrusted certificate is a permanent error naming the settings to check', async () => {
  const s = await tlsServer(true);
  const m = await sender(s.port, { SMTP_SECURE: 'true' });
  try {
    const err = await m.send(msg('c')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/TLS .*SMTP_SECURE\/SMTP_REQUIRE_STARTTLS/);
  } finally { m.close(); await s.stop(); }
});

test('STARTTLS required but not offered: not sent', async () => {
  const plain = await startTestSmtp();
  const m = await sender(plain.port, { SMTP_REQUIRE_STARTTLS: 'true' });
  try {
    const err = await m.send(msg('d')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/SMTP_REQUIRE_STARTTLS/);
    expect(plain.messages).toHaveLength(0);
  } finally { m.close(); await plain.stop(); }
});

describe('send interrupted mid-transaction (worker killed between the SMTP 250 and markSent)', () => {
  test.each([['skip', 0], ['resend', 1]] as const)('onInterruptedSend=%s → %i e-mail(s) on the re-run', async (policy, expected) => {
    const smtp = await startTestSmtp();
    const outbox = new Outbox(await openWorkersStore({ dataDir: fs.mkdtempSync(path.join(dir, 'int-')) }));
    const cfg = loadConfig({ DATA_DIR: dir, WORKERS_CONFIG: '/nonexistent', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    const m = new MailSender(cfg.smtp, outbox, policy);
    try {
      // The state a kill -9 inside sendMail leaves behind: committed `sending`, never `sent`.
      await outbox.put(msg('k'), 'vardkedjan.local');
      await outbox.markSending('k');
      const r = await m.send(msg('k'));
      expect(smtp.messages).toHaveLength(expected);
      expect(r.sent).toBe(expected === 1);
      if (policy === 'skip') {
        expect(r.uncertain).toBe(true);
        expect((await outbox.uncertain()).map((u) => u.key)).toEqual(['k']);
        expect((await m.send(msg('k'))).sent).toBe(false); // still not resent on a later retry
        expect(smtp.messages).toHaveLength(0);
      } else {
        expect((await outbox.get('k'))!.status).toBe('sent');
      }
    } finally { m.close(); await smtp.stop(); }
  });
});
