import path from 'node:path';
import { startEngine, type EngineAuth } from './index';
import { ensureCredentials } from './credentials';
import { DataDirLockedError } from './lock';
import { limitsFromEnv } from './limits';

/**
 * CLI: `npm run engine`. ENGINE_PORT (8080), ENGINE_HOST (127.0.0.1), DATA_DIR (./data) →
 * $DATA_DIR/engine.sqlite. SIGINT/SIGTERM stop it gracefully (open requests answered, store closed).
 *
 * Access (docs/production.md): HTTP Basic by default. The credentials are ENGINE_BASIC_AUTH_USERNAME/PASSWORD when
 * set, otherwise the data folder's own secret in $DATA_DIR/engine-credentials.json (created on first start).
 * ENGINE_AUTH=none switches authentication off, and only on a loopback address. ENGINE_CLOCK_CONTROL=true enables
 * PUT /v2/clock (tests and demos).
 */
function authFromEnv(env: NodeJS.ProcessEnv, dataDir: string): EngineAuth {
  const mode = (env.ENGINE_AUTH ?? 'basic').toLowerCase();
  if (mode === 'none') return { kind: 'none' };
  if (mode !== 'basic') throw new Error(`ENGINE_AUTH must be 'basic' (default) or 'none', not '${env.ENGINE_AUTH}'.`);
  const username = env.ENGINE_BASIC_AUTH_USERNAME;
  const password = env.ENGINE_BASIC_AUTH_PASSWORD;
  if (username || password) {
    if (!username || !password || password.length < 16) {
      throw new Error('ENGINE_BASIC_AUTH_USERNAME and ENGINE_BASIC_AUTH_PASSWORD must both be set, the password at least 16 characters.');
    }
    return { kind: 'basic', username, password };
  }
  return { kind: 'basic', ...ensureCredentials(dataDir) };
}

async function main(): Promise<void> {
  const port = Number(process.env.ENGINE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ENGINE_PORT must be a port number, not '${process.env.ENGINE_PORT}'.`);
  const host = process.env.ENGINE_HOST ?? '127.0.0.1';
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const auth = authFromEnv(process.env, dataDir);
  const clockControl = process.env.ENGINE_CLOCK_CONTROL === 'true';
  const engine = await startEngine({ port, host, dataDir, auth, clockControl, limits: limitsFromEnv(process.env) });
  const access = auth.kind === 'none' ? 'NO AUTHENTICATION (ENGINE_AUTH=none, loopback only)' : `HTTP Basic as '${auth.username}'`;
  console.log(`engine: serving ${engine.url}/v2 (data: ${path.join(dataDir, 'engine.sqlite')}; access: ${access}${clockControl ? '; clock control ON' : ''})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`engine: ${signal} received, stopping`);
    engine.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('engine: error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`engine: ${(error as Error).message}`);
  // A distinct code, so an orchestrator can tell "already running" from a crash.
  process.exit(error instanceof DataDirLockedError ? 3 : 1);
});
