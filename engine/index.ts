import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Engine } from './runtime/engine';
import { createApp } from './rest/app';

/** How long open requests may take to finish when the engine stops. */
const SHUTDOWN_GRACE_MS = 2000;

export interface StartEngineOptions {
  /** Port to listen on; 0 = any free port (tests). Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of engine.sqlite (created if missing). */
  dataDir: string;
}

export interface RunningEngine {
  /** Base address without /v2, e.g. http://127.0.0.1:8080 (pass to createCamundaClient({ restAddress })). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the embedded engine: opens (or creates) $dataDir/engine.sqlite, starts the scheduler (due
 * timers fire right away, also those that fell due while the engine was down) and serves /v2.
 */
export async function startEngine(opts: StartEngineOptions): Promise<RunningEngine> {
  const host = opts.host ?? '127.0.0.1';
  const engine = Engine.open(path.join(opts.dataDir, 'engine.sqlite'));
  let port = opts.port ?? 8080;
  const app = createApp(engine, () => ({ host, port }));
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  }).catch(async (error: Error) => {
    await engine.close();
    throw new Error(`The engine cannot listen on ${host}:${port}: ${error.message}. Set ENGINE_PORT to a free port.`);
  });
  port = (server.address() as AddressInfo).port;
  engine.start();
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      (closed ??= (async () => {
        engine.closing = true;
        engine.jobWaiters.close();
        // Stop accepting, let requests in flight answer, then cut whatever is still open.
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await engine.close();
      })()),
  };
}
