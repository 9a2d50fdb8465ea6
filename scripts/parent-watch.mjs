// Preloaded into every child of `npm start` (scripts/children.ts). The orchestrator holds the other end of the pipe
// on fd 3; when it ends — Ctrl-C, SIGTERM, or kill -9 that runs no handler — the pipe closes, and this child sends
// itself SIGTERM so its own graceful shutdown runs (engine store closed, workers' jobs handed back).
import net from 'node:net';

try {
  const pipe = new net.Socket({ fd: 3, readable: true, writable: false });
  const stop = () => process.kill(process.pid, 'SIGTERM');
  pipe.on('end', stop);
  pipe.on('close', stop);
  pipe.on('error', stop);
  pipe.resume();
  // The watch alone must not keep the process running.
  pipe.unref();
} catch {
  // Started without the pipe (by hand): nothing to watch.
}
