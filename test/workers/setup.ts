/** Engine + real SMTP server + real workers for the integration tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig, type WorkersConfig, type WorkersFileConfig } from '../../workers/config';
import { startWorkerApp, type WorkerApp } from '../../workers/main';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testStorage } from '../helpers/stores';

export const ROOT = path.resolve(__dirname, '..', '..');

export function testConfig(smtpPort: number, dataDir: string, overrides: Partial<WorkersFileConfig> = {}): WorkersConfig {
  return loadConfig({
    DATA_DIR: dataDir, WORKERS_CONFIG: path.join(ROOT, 'config', 'workers.json'), DEADLINES_CONFIG: path.join(ROOT, 'config', 'deadlines.json'),
    // A test may point the workers at its own places per home (e.g. one place each) before starting them.
    PLACES_CONFIG: process.env.PLACES_CONFIG ?? path.join(ROOT, 'config', 'places.json'),
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), WEB_BASE_URL: 'http://localhost:3000', WORKER_NAME: 'test',
  }, {
    groups: { remissgruppen: ['remissgruppen@test.local'], 'chef-vaxjo': ['chef.vaxjo@test.local'], 'socialsekreterare-vaxjo': ['soc.vaxjo@test.local'] },
    groupAddressFallback: '{group}@vardkedjan.test',
    retry: { backoffMs: 300, maxBackoffMs: 1000 },
    worker: { jobTimeoutMs: 5000, maxParallelJobs: 4, pollTimeoutMs: 500 },
    // Off unless a test is about it: the mail counts of the job tests stay exact.
    taskCreatedMail: { enabled: false, pollMs: 200, overlapMs: 60_000 },
    ...overrides,
  });
}

export interface Env { engine: TestEngine; smtp: TestSmtp; dataDir: string; config: WorkersConfig; start(now?: () => DateTime): Promise<WorkerApp>; apps: WorkerApp[] }

export function useWorkerEnv(overrides: Partial<WorkersFileConfig> = {}): Env {
  const env = { apps: [] as WorkerApp[] } as Env;
  beforeAll(async () => {
    env.engine = await startTestEngine();
    env.smtp = await startTestSmtp();
    env.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-workers-'));
    env.config = testConfig(env.smtp.port, env.dataDir, overrides);
    // VK_TEST_STORE=postgres: the same suite on a database of the run's PostgreSQL.
    env.config.storage = await testStorage(env.dataDir);
    env.start = async (now) => { const app = await startWorkerApp(env.config, env.engine.client, now); env.apps.push(app); return app; };
  });
  afterAll(async () => {
    // Short drain: the SDK keeps its drain timer alive for the whole wait.
    for (const a of env.apps) await a.stop(700);
    await env.smtp?.stop();
    await env.engine?.stop();
  });
  return env;
}
