import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Engine } from './runtime/engine';
import { createApp } from './rest/app';
import { assertAuthAllowed, type EngineAuth } from './rest/auth';
import { lockDataDir } from './lock';
import { configureLimits, type EngineLimits } from './limits';

export type { EngineAuth } from './rest/auth';

/** How long open requests may take to finish when the engine stops. */
const SHUTDOWN_GRACE_MS = 2000;

export interface StartEngineOptions {
  /** Port to listen on; 0 = any free port (tests). Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of engine.sqlite (created if missing). Only one engine may use it at a time. */
  dataDir: string;
  /** Who may call /v2: required, so no caller gets an open API by forgetting it. `none` only on loopback. */
  auth: EngineAuth;
  /** Serve PUT /v2/clock and POST /v2/clock/reset (tests, demos). Off by default: moving time fires real deadlines. */
  clockControl?: boolean;
  /** Request and model limits (engine/limits.ts); unset fields keep Camunda-like defaults. */
  limits?: Partial<EngineLimits>;
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
  assertAuthAllowed(opts.auth, host);
  configureLimits(opts.limits);
  const lock = lockDataDir(opts.dataDir);
  let engine: Engine;
  try {
    engine = Engine.open(path.join(opts.dataDir, 'engine.sqlite'));
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    const { kept } = await engine.recompileOutdated();
    for (const k of kept) console.warn(`engine: kept the stored model of ${k}`);
  } catch (e) {
    await engine.close();
    lock.release();
    throw e;
  }
  let port = opts.port ?? 8080;
  const app = createApp(engine, () => ({ host, port }), { auth: opts.auth, clockControl: opts.clockControl ?? false });
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
  }).catch(async (error: Error) => {
    await engine.close();
    lock.release();
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
        lock.release();
      })()),
  };
}
