import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** A tsx child process whose output lines are prefixed with its name. */
export interface Child {
  name: string;
  proc: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

function prefixLines(stream: NodeJS.ReadableStream, out: NodeJS.WriteStream, prefix: string): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => { if (buffered) out.write(`${prefix} ${buffered}\n`); });
}

/** Starts `tsx <entry>` (relative to the repository root) with `env`, prefixing its stdout/stderr with `[name]`. */
export function startChild(name: string, entry: string, env: NodeJS.ProcessEnv): Child {
  const proc = spawn(TSX, [path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}]`.padEnd(10);
  prefixLines(proc.stdout!, process.stdout, prefix);
  prefixLines(proc.stderr!, process.stderr, prefix);
  const exited = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    proc.on('error', (e) => { process.stderr.write(`${prefix} could not start: ${e.message}\n`); resolve(`spawn error`); });
  });
  return { name, proc, exited };
}

/** SIGTERM, then SIGKILL after `graceMs` if still running. Resolves when the child has exited. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write(`[start] ${child.name} did not stop within ${graceMs / 1000}s, killing it\n`);
    child.proc.kill('SIGKILL');
  }, graceMs);
  await child.exited;
  clearTimeout(timer);
}
