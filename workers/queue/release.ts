import type { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import type { Home, PlacementQueue, QueueEntry } from './queue';

/**
 * An admitted case leaves the home (placement ended): its place is freed and, if someone is waiting, message
 * `plats-ledig` is published with the correlation key of the case now first in that home's queue (JOB_TYPES.md).
 * For the web app / a `placering-avslutad` handler; uses only the official client.
 */
export async function releasePlace(
  client: CamundaClient, queue: PlacementQueue, audit: AuditLog,
  r: { home: Home; caseRef: string; actor: string; now?: string },
): Promise<QueueEntry | undefined> {
  const next = queue.discharge(r.home, r.caseRef, r.now ?? new Date().toISOString());
  audit.record({ actor: r.actor, action: 'queue.discharged', caseRef: r.caseRef, details: { home: r.home, nextInQueue: next?.caseRef ?? null } });
  if (next) {
    await client.publishMessage({ name: 'plats-ledig', correlationKey: next.caseRef, variables: { home: r.home }, timeToLive: 0 } as never);
    audit.record({ actor: r.actor, action: 'queue.place-offered', caseRef: next.caseRef, details: { home: r.home, freedBy: r.caseRef } });
  }
  return next;
}
