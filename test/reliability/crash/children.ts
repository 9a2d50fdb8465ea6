/** The crash test's child processes: the engine, the journalling job worker and the real workers. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './types';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

function tsxChild(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function quiet(child: ChildProcess): ChildProcess {
  child.stderr!.on('data', () => undefined);
  child.stdout!.on('data', () => undefined);
  return child;
}

/** Starts engine/main.ts on `port` and resolves once it serves; retries a few times (the port may linger after a kill). */
export async function startEngineChild(dataDir: string, port: number): Promise<ChildProcess> {
  for (let attempt = 0; ; attempt++) {
    const child = tsxChild([path.join(ROOT, 'engine', 'main.ts')], { ENGINE_PORT: String(port), ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir });
    const ok = await new Promise<boolean | string>((resolve) => {
      let output = '';
      const timer = setTimeout(() => resolve(`no start within 60 s: ${output}`), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/serving http/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(`exited with ${code}: ${output}`);
      });
    });
    if (ok === true) return child;
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error(`engine did not restart: ${ok}`);
    await sleep(300);
  }
}

/** The generic worker (journal-worker.ts) for `types`, writing its fsync'ed journal to `journal`. */
export function startJournalWorker(url: string, journal: string, types: string[]): ChildProcess {
  return quiet(tsxChild([path.join(__dirname, 'journal-worker.ts')], { ZEEBE_REST_ADDRESS: url, CRASH_JOURNAL: journal, CRASH_TYPES: types.join(',') }));
}

/** The product's workers (workers/main.ts) against a real SMTP server on `smtpPort`. */
export function startRealWorkers(url: string, dataDir: string, smtpPort: number): ChildProcess {
  return quiet(tsxChild([path.join(ROOT, 'workers', 'main.ts')], {
    ZEEBE_REST_ADDRESS: url, DATA_DIR: dataDir, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), DEV_MAILBOX: 'false',
  }));
}

/** kill -9, resolved once the process is gone. */
export async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
