/**
 * npm start: the whole system on one machine.
 *  - embedded mode (default): engine (tsx engine/main.ts, data in $DATA_DIR) → wait for GET /v2/topology →
 *    lint + deploy bpmn/ and forms/ → workers (tsx workers/main.ts) and web app (tsx web/server/main.ts).
 *  - external mode (CAMUNDA_MODE=external, or ZEEBE_REST_ADDRESS pointing somewhere other than the local engine
 *    port): no engine; deploy to and run workers + web against the configured Camunda 8 cluster.
 * Child output is prefixed with its name; SIGINT/SIGTERM stop everything gracefully; a child dying ends the rest
 * and exits non-zero with the reason. The children also stop when this process dies without running a handler
 * (scripts/parent-watch.mjs), and this process stops when the npm that ran it ends (watchedAncestors).
 *
 * Engine access (docs/production.md): the embedded engine requires HTTP Basic credentials. They are
 * ENGINE_BASIC_AUTH_USERNAME/PASSWORD when set, else the data folder's own secret ($DATA_DIR/engine-credentials.json,
 * created on first start, mode 0600), handed to the engine, the deployment, the workers and the web app through
 * their environment (CAMUNDA_AUTH_STRATEGY=BASIC). ENGINE_AUTH=none opts out, on loopback only.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { AuditLog } from '../common/audit';
import { storageFromEnv } from '../common/storage/config';
import { createCamundaClient } from '../common/camunda';
import { collectFiles } from '../deploy/files';
import { formatLintReport, hasErrors, lintAll, loadLintConfig } from '../deploy/lint';
import { deployAll, describeError, formatSummary } from '../deploy/deploy';
import { ensureCredentials } from '../engine/credentials';
import { PROJECT_ROOT } from '../common/paths';
import { onAncestorGone, startChild, stopChild, watchedAncestors, type Child } from './children';

const ROOT = PROJECT_ROOT;
const log = (msg: string) => console.log(`[start]    ${msg}`);
const fail = (msg: string) => console.error(`[start]    ${msg}`);

interface Plan { external: boolean; restAddress: string; env: NodeJS.ProcessEnv }

export function plan(env: NodeJS.ProcessEnv): Plan {
  const enginePort = env.ENGINE_PORT ?? '8080';
  const local = `http://localhost:${enginePort}`;
  const configured = env.ZEEBE_REST_ADDRESS || env.CAMUNDA_REST_ADDRESS || undefined;
  const pointsElsewhere = configured !== undefined &&
    !new RegExp(`^https?://(localhost|127\\.0\\.0\\.1):${enginePort}(/v2)?/?$`).test(configured);
  const external = env.CAMUNDA_MODE === 'external' || (env.CAMUNDA_MODE !== 'embedded' && pointsElsewhere);
  if (env.CAMUNDA_MODE === 'external' && !configured) {
    throw new Error('CAMUNDA_MODE=external needs ZEEBE_REST_ADDRESS (and the auth variables, see docs/production.md)');
  }
  const restAddress = external ? configured! : local;
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(ROOT, 'data'));
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    DATA_DIR: dataDir,
    ZEEBE_REST_ADDRESS: restAddress,
    ...(external ? {} : embeddedAuth(env, dataDir)),
    // the workers' local SMTP sink (mails stored under $DATA_DIR/mail) unless real SMTP is configured
    DEV_MAILBOX: env.DEV_MAILBOX ?? (env.SMTP_HOST ? 'false' : 'true'),
    // Links in mails must reach the web app on the port it really listens on.
    WEB_BASE_URL: env.WEB_BASE_URL ?? `http://localhost:${env.WEB_PORT ?? '3000'}`,
  };
  return { external, restAddress, env: childEnv };
}

/** The embedded engine's credentials, as the engine (ENGINE_*) and as the official client (CAMUNDA_*) read them. */
function embeddedAuth(env: NodeJS.ProcessEnv, dataDir: string): NodeJS.ProcessEnv {
  if ((env.ENGINE_AUTH ?? '').toLowerCase() === 'none') return { CAMUNDA_AUTH_STRATEGY: 'NONE' };
  const credentials = env.ENGINE_BASIC_AUTH_USERNAME && env.ENGINE_BASIC_AUTH_PASSWORD
    ? { username: env.ENGINE_BASIC_AUTH_USERNAME, password: env.ENGINE_BASIC_AUTH_PASSWORD }
    : ensureCredentials(dataDir);
  return {
    ENGINE_BASIC_AUTH_USERNAME: credentials.username,
    ENGINE_BASIC_AUTH_PASSWORD: credentials.password,
    CAMUNDA_AUTH_STRATEGY: 'BASIC',
    CAMUNDA_BASIC_AUTH_USERNAME: credentials.username,
    CAMUNDA_BASIC_AUTH_PASSWORD: credentials.password,
  };
}

/** Whether anything answers HTTP on the engine's port (an engine from an earlier `npm start`, or another program). */
function somethingAnswers(port: string): Promise<boolean> {
  // node:http rather than fetch: a peer that drops the connection must not leave a promise that nothing keeps alive.
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: Number(port), path: '/v2/topology', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function waitForTopology(address: string, engine: Child | undefined, timeoutMs: number): Promise<void> {
  const client = createCamundaClient({ restAddress: address });
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (engine && engine.proc.exitCode === 3) throw new Error(`another engine already uses DATA_DIR (see [engine] lines above); stop it first`);
    if (engine && engine.proc.exitCode !== null) throw new Error(`the engine exited with code ${engine.proc.exitCode} before answering (see [engine] lines above)`);
    try {
      await client.getTopology();
      return;
    } catch (e) {
      lastError = describeError(e);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`${address}/v2/topology did not answer within ${timeoutMs / 1000}s (${lastError})`);
}

async function lintAndDeploy(address: string, dataDir: string): Promise<void> {
  const files = collectFiles([path.join(ROOT, 'bpmn'), path.join(ROOT, 'forms')]);
  const results = await lintAll(files, loadLintConfig(ROOT));
  const report = formatLintReport(results);
  if (report) console.error(report);
  if (hasErrors(results)) throw new Error('lint errors in bpmn/ or forms/ — nothing deployed (fix them or run `npm run deploy -- --dry-run`)');
  // recorded as deployed by `npm start`, so the web modeler's version list can say who deployed each version
  const audit = await AuditLog.open(storageFromEnv(process.env, dataDir));
  try {
    console.log(formatSummary(await deployAll(createCamundaClient({ restAddress: address }), files, { audit, actor: 'npm-start', note: 'bpmn/ och forms/ vid start' })));
  } finally {
    await audit.close();
  }
}

async function main(): Promise<void> {
  const p = plan(process.env);
  // The deployment below runs in this process with the official client, which reads the SDK variables from here.
  for (const name of ['CAMUNDA_AUTH_STRATEGY', 'CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD'] as const) {
    if (p.env[name] !== undefined) process.env[name] = p.env[name];
  }
  const children: Child[] = [];
  let stopping = false;

  const stopAll = async (code: number, reason?: string) => {
    if (stopping) return;
    stopping = true;
    if (reason) log(reason);
    for (const c of [...children].reverse()) await stopChild(c);
    process.exit(code);
  };
  const watch = (child: Child) => {
    void child.exited.then((how) => {
      if (stopping) return;
      fail(`${child.name} exited (${how}) — stopping everything. Check the [${child.name}] lines above.`);
      void stopAll(1);
    });
  };
  process.on('SIGINT', () => void stopAll(0, 'SIGINT: stopping'));
  process.on('SIGTERM', () => void stopAll(0, 'SIGTERM: stopping'));
  process.on('SIGHUP', () => void stopAll(0, 'SIGHUP: stopping'));
  onAncestorGone(watchedAncestors(), (pid) => void stopAll(0, `process ${pid} that started npm start has ended: stopping`));

  let engine: Child | undefined;
  if (p.external) {
    log(`external mode: using the Camunda cluster at ${p.restAddress} (no embedded engine)`);
  } else {
    const port = p.env.ENGINE_PORT ?? '8080';
    if (await somethingAnswers(port)) {
      fail(`something already answers on port ${port} (an engine from an earlier npm start?). Stop it, or set ENGINE_PORT to a free port.`);
      return stopAll(1);
    }
    fs.mkdirSync(p.env.DATA_DIR!, { recursive: true });
    engine = startChild('engine', 'engine/main.ts', p.env);
    children.push(engine);
    watch(engine);
  }
  try {
    await waitForTopology(p.restAddress, engine, p.external ? 30_000 : 60_000);
    await lintAndDeploy(p.restAddress, p.env.DATA_DIR!);
  } catch (e) {
    fail(`startup failed: ${(e as Error).message}`);
    return stopAll(1);
  }

  const apps: Array<[string, string]> = [['workers', 'workers/main.ts'], ['web', 'web/server/main.ts']];
  const started: string[] = [];
  for (const [name, entry] of apps) {
    const child = startChild(name, entry, p.env);
    children.push(child);
    watch(child);
    started.push(name);
  }
  log('running:');
  if (started.includes('web')) log(`  web app        http://localhost:${p.env.WEB_PORT ?? 3000}`);
  log(`  Camunda API    ${p.restAddress.replace(/\/v2\/?$/, '')}/v2${p.external ? ' (external cluster)' : ' (embedded engine, data in ' + p.env.DATA_DIR + ')'}`);
  if (started.includes('workers') && p.env.DEV_MAILBOX === 'true') {
    log(`  dev mailbox    smtp://127.0.0.1:${p.env.SMTP_PORT ?? 2525} (mails in ${path.join(p.env.DATA_DIR!, 'mail')})`);
  }
  log('Ctrl+C stops everything.');
}

if (require.main === module) main().catch((e) => { fail(`could not start: ${(e as Error).message}`); process.exit(1); });
