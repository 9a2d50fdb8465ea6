import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCamundaClient, type CamundaClient } from '../../common/camunda';
import { startEngine } from '../../engine';

export interface TestEngine {
  /** Base address without /v2. */
  url: string;
  client: CamundaClient;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded engine in-process on 127.0.0.1, an ephemeral port, and a fresh temp data dir
 * (or `dataDir`, to restart on existing state). The client validates requests and responses strictly,
 * so every engine answer is checked against the official SDK's schemas.
 */
export async function startTestEngine(opts: { dataDir?: string } = {}): Promise<TestEngine> {
  process.env.CAMUNDA_SDK_VALIDATION = 'req:strict,res:strict';
  process.env.CAMUNDA_AUTH_STRATEGY = process.env.CAMUNDA_AUTH_STRATEGY ?? 'NONE';
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vk-engine-'));
  const engine = await startEngine({ port: 0, host: '127.0.0.1', dataDir });
  const client = createCamundaClient({ restAddress: engine.url });
  return { url: engine.url, client, dataDir, stop: () => engine.close() };
}
