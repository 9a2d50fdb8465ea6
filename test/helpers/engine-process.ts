/**
 * Runs the engine CLI (engine/main.ts) as a separate node process on a free 127.0.0.1 port, for tests that need
 * a real process boundary (crash recovery with SIGKILL) and for the benchmark (true RSS of the engine alone).
 * Node runs with the tsx loader in-process, so `child.pid` is the engine's own node process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { engineAuthHeaders } from './engine';

const root = join(__dirname, '..', '..');

export interface EngineProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited (after kill or a graceful stop). */
  exited: Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `engine/main.ts` on `dataDir` and waits (bounded) until GET /v2/topology answers. */
export async function startEngineProcess(dataDir: string, timeoutMs = 30_000): Promise<EngineProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'engine', 'main.ts')], {
    cwd: root,
    // The test credentials (ENGINE_BASIC_AUTH_*) and clock control come from test/setup-env.js via process.env.
    env: { ...process.env, ENGINE_PORT: String(port), ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/v2/topology`, { headers: engineAuthHeaders() });
      if (res.ok) return { child, url, exited };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`engine did not answer /v2/topology within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the process with `signal` (SIGTERM: graceful; SIGKILL: crash) and waits for it to exit. */
export async function stopEngineProcess(engine: EngineProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill(signal);
  await engine.exited;
}

/** Resident set size (VmRSS) and its peak (VmHWM) of a Linux process, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(/(\d+)\s*kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? NaN);
  return { rssMb: kb('VmRSS:') / 1024, peakMb: kb('VmHWM:') / 1024 };
}
