import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, RUNNING_COMPILED } from '../common/paths';

const ROOT = PROJECT_ROOT;
// not compiled (an .mjs loaded with --import), so it is found from the project root also when running from dist/
const PARENT_WATCH = path.join(ROOT, 'scripts', 'parent-watch.mjs');

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

/**
/**
 * Starts `<entry>` (a .ts path relative to the repository root), prefixing its stdout/stderr with `[name]`: compiled
 * (`node dist/<entry>.js`, runtime dependencies only) when this orchestrator itself runs from dist/, and with the tsx
 * loader from the sources otherwise (tests, development). Node runs the entry itself (no wrapper process), so
 * signals reach it directly. File descriptor 3 is a pipe the child watches (scripts/parent-watch.mjs): when this
 * process ends in any way, also by kill -9, the pipe closes and the child stops itself gracefully — no orphans.
 */
export function startChild(name: string, entry: string, env: NodeJS.ProcessEnv): Child {
  const args = RUNNING_COMPILED
    ? ['--import', PARENT_WATCH, path.join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', '--import', PARENT_WATCH, path.join(ROOT, entry)];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
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

/** Parent pid of `pid` from /proc (Linux); undefined elsewhere or when the process is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the command name in parentheses (which may itself contain spaces or parentheses).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The processes whose end should end this one: the ancestors up to and including the `npm` that ran us (npm →
 * sh → tsx → node), or just the parent when not started through npm. A `kill` of npm does not always reach
 * us through the shell in between, so we watch instead of relying on forwarded signals.
 */
export function watchedAncestors(): number[] {
  const chain: number[] = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 8; pid = parentOf(pid) ?? 0) {
    chain.push(pid);
    if (/(^|\/)npm(-cli\.js)?\b|npm-cli\.js/.test(commandOf(pid))) return chain;
  }
  return chain.slice(0, 1);
}

/** Calls `onGone` once when any of `pids` has ended (polled; the timer does not keep the process alive). */
export function onAncestorGone(pids: number[], onGone: (pid: number) => void, intervalMs = 1000): void {
  const timer = setInterval(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
        clearInterval(timer);
        onGone(pid);
        return;
      }
    }
  }, intervalMs);
  timer.unref();
}
