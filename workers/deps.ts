import type { DateTime } from 'luxon';
import type { AuditLog } from '../common/audit';
import type { CamundaClient } from '../common/camunda';
import type { WorkersConfig } from './config';
import type { ConsentRegistry } from '../common/consent';
import type { DeadlineConfig } from './deadlines/rules';
import type { EscalationSteps } from './escalation/steps';
import type { MailSender } from './mail/sender';
import type { PlacementQueue } from './queue/queue';
import type { ProcessStarts } from './handlers/process-start';

/** Everything a handler may use; built once by workers/main.ts (or a test). */
export interface Deps {
  config: WorkersConfig;
  deadlines: DeadlineConfig;
  audit: AuditLog;
  actor: string;
  mail: MailSender;
  consent: ConsentRegistry;
  queue: PlacementQueue;
  escalations: EscalationSteps;
  processStarts: ProcessStarts;
  now(): DateTime;
  /** The Camunda client, for handlers that look something up (the task a deadline belongs to); absent in unit tests. */
  client?: CamundaClient;
}
