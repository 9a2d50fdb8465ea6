import path from 'node:path';
import { DateTime } from 'luxon';
import { AuditLog } from '../common/audit';
import { createCamundaClient } from '../common/camunda';
import { loadConfig, type WorkersConfig } from './config';
import { ConsentRegistry } from '../common/consent';
import { loadDeadlineConfig } from './deadlines/rules';
import type { Deps } from './deps';
import type { DevMailbox } from './dev-mailbox';
import { EscalationSteps } from './escalation/steps';
import { Outbox } from './mail/outbox';
import { MailSender } from './mail/sender';
import { PlacementQueue } from './queue/queue';
import { ProcessStarts } from './handlers/process-start';
import { loadPlacesConfig } from '../common/places';
import type { Store } from '../common/storage/db';
import { openStore } from '../common/storage/open';
import { migrateWorkers } from '../common/storage/workers-schema';
import { startWorkers, type RunningWorkers } from './runtime';
import { TaskCreatedNotifier } from './notify/task-created';
import type { CamundaClient } from '../common/camunda';

export interface WorkerApp { deps: Deps; workers: RunningWorkers; taskCreated?: TaskCreatedNotifier; stop(waitUpToMs?: number): Promise<void> }

/** Opens the stores (applying their migrations) and builds the handler dependencies (no workers yet). */
export async function openDeps(config: WorkersConfig, now: () => DateTime = () => DateTime.now()): Promise<{ deps: Deps; db: Store; close(): Promise<void> }> {
  const db = openStore(config.storage, 'workers');
  let audit: AuditLog;
  try {
    await migrateWorkers(db);
    audit = await AuditLog.open(config.storage);
  } catch (e) {
    await db.close();
    throw e;
  }
  const mail = new MailSender(config.smtp, new Outbox(db, config.sendInFlightMs), config.onInterruptedSend);
  const deps: Deps = {
    config, deadlines: loadDeadlineConfig(config.deadlinesFile), audit, actor: `worker:${config.workerName}`, mail,
    consent: new ConsentRegistry(db), queue: new PlacementQueue(db, config.capacity ?? loadPlacesConfig(config.placesFile).capacity), escalations: new EscalationSteps(db), processStarts: new ProcessStarts(db), now,
  };
  return { deps, db, async close() { mail.close(); await audit.close(); await db.close(); } };
}

/** Opens the stores and starts every job worker. Used by main and the tests. */
export async function startWorkerApp(config: WorkersConfig, client: CamundaClient = createCamundaClient(), now: () => DateTime = () => DateTime.now()): Promise<WorkerApp> {
  const { deps, db, close } = await openDeps(config, now);
  deps.client = client;
  const workers = startWorkers(client, deps);
  const taskCreated = config.taskCreatedMail.enabled ? new TaskCreatedNotifier(client, deps, db, config.taskCreatedMail) : undefined;
  taskCreated?.start();
  let stopped = false;
  return {
    deps, workers, taskCreated,
    async stop(waitUpToMs?: number) {
      if (stopped) return;
      stopped = true;
      await taskCreated?.stop();
      await workers.stop(waitUpToMs);
      await close();
    },
  };
}

/** The list of the remissgruppen queue per home, for the dashboard (read-only, same database). */
export { PlacementQueue } from './queue/queue';

async function main(): Promise<void> {
  const config = loadConfig();
  let mailbox: DevMailbox | undefined;
  if (process.env.DEV_MAILBOX === 'true') {
    // Loaded only when enabled: a production deployment with real SMTP never loads the SMTP server package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startDevMailbox } = require('./dev-mailbox') as typeof import('./dev-mailbox');
    mailbox = await startDevMailbox({ port: config.smtp.port, host: config.smtp.host, dir: path.join(config.dataDir, 'mail') });
    console.log(`[workers] dev mailbox on ${config.smtp.host}:${mailbox.port}, messages in ${mailbox.dir}`);
  }
  const app = await startWorkerApp(config);
  console.log(`[workers] polling ${app.workers.types.join(', ')}${app.taskCreated ? ' and new user tasks (mail to the groups)' : ''}; links to ${config.webBaseUrl}`);
  const shutdown = async (signal: string) => {
    console.log(`[workers] ${signal}: stopping (draining jobs in flight)`);
    await app.stop();
    await mailbox?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`[workers] cannot start: ${(e as Error).message}`);
    process.exit(1);
  });
}
