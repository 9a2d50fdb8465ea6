import path from 'node:path';
import { startEngine } from './index';

/**
 * CLI: `npm run engine`. ENGINE_PORT (8080), ENGINE_HOST (127.0.0.1), DATA_DIR (./data) →
 * $DATA_DIR/engine.sqlite. SIGINT/SIGTERM stop it gracefully (open requests answered, store closed).
 */
async function main(): Promise<void> {
  const port = Number(process.env.ENGINE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ENGINE_PORT must be a port number, not '${process.env.ENGINE_PORT}'.`);
  const host = process.env.ENGINE_HOST ?? '127.0.0.1';
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const engine = await startEngine({ port, host, dataDir });
  console.log(`engine: serving ${engine.url}/v2 (data: ${path.join(dataDir, 'engine.sqlite')})`);
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
  process.exit(1);
});
