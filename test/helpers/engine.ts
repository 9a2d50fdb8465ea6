import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCamundaClient, type CamundaClient } from '../../common/camunda';
import { startEngine, type EngineAuth } from '../../engine';
import { basicAuthHeader } from '../../engine/rest/auth';
import type { EngineLimits } from '../../engine/limits';

export interface TestEngine {
  /** Base address without /v2. */
  url: string;
  client: CamundaClient;
  dataDir: string;
  stop(): Promise<void>;
}

/** The credentials every test engine requires (set per jest worker in test/setup-env.js). */
export function testEngineAuth(): EngineAuth & { kind: 'basic' } {
  const username = process.env.ENGINE_BASIC_AUTH_USERNAME;
  const password = process.env.ENGINE_BASIC_AUTH_PASSWORD;
  if (!username || !password) throw new Error('test/setup-env.js did not set ENGINE_BASIC_AUTH_USERNAME/PASSWORD');
  return { kind: 'basic', username, password };
}

/** `Authorization` header for raw HTTP calls to a test engine (bodies the official client refuses to send). */
export function engineAuthHeaders(): { authorization: string } {
  const { username, password } = testEngineAuth();
  return { authorization: basicAuthHeader(username, password) };
}

/**
 * Starts the embedded engine in-process on 127.0.0.1, an ephemeral port, and a fresh temp data dir
 * (or `dataDir`, to restart on existing state). It requires the test credentials, which the official client sends
 * (CAMUNDA_AUTH_STRATEGY=BASIC), and allows clock control. The client validates requests and responses strictly,
 * so every engine answer is checked against the official SDK's schemas.
 */
export async function startTestEngine(opts: { dataDir?: string; limits?: Partial<EngineLimits> } = {}): Promise<TestEngine> {
  process.env.CAMUNDA_SDK_VALIDATION = 'req:strict,res:strict';
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vk-engine-'));
  const engine = await startEngine({ port: 0, host: '127.0.0.1', dataDir, auth: testEngineAuth(), clockControl: true, limits: opts.limits });
  const client = createCamundaClient({ restAddress: engine.url });
  return { url: engine.url, client, dataDir, stop: () => engine.close() };
}
