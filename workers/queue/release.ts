import type { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import type { Home, PlacementQueue, QueueEntry } from './queue';

/**
 * How the queue moves (JOB_TYPES.md, vk.queue.* / vk.place.*): after every change the cases that now hold a free
 * place are offered it with message `plats-ledig` (correlation key = their caseRef; vk-placeringsforfragan waits
 * in `VantaPlats`), and every queued case's `queuePosition` variable is rewritten so the process shows the current
 * position. Only the official client is used, so this runs against a Camunda 8 cluster as well.
 */

/** Long enough for a case that was enqueued a moment ago to reach `VantaPlats`; short enough not to linger. */
const OFFER_TTL_MS = 24 * 3_600_000;

export async function offerFreePlaces(client: CamundaClient, queue: PlacementQueue, audit: AuditLog, home: Home, actor: string, now: string, freedBy?: string): Promise<QueueEntry[]> {
  const offers = await queue.takeOffers(home, now);
  for (const q of offers) {
    try {
      await client.publishMessage({ name: 'plats-ledig', correlationKey: q.caseRef, variables: { home }, timeToLive: OFFER_TTL_MS, messageId: `plats-ledig:${home}:${q.caseRef}:${q.enqueuedAt}` } as never);
    } catch (err) {
      if (!isDuplicateMessage(err)) {
        await queue.withdrawOffer(home, q.caseRef);
        throw err;
      }
    }
    await audit.record({ actor, action: 'queue.place-offered', caseRef: q.caseRef, details: { home, position: q.position, ...(freedBy ? { freedBy } : {}) } });
  }
  return offers;
}

/**
 * Rewrites `queuePosition` in every waiting placeringsförfrågan of the home (skipping `except`, whose own job
 * reports it). Runs one at a time per home and re-reads the queue until it is stable, because a release and the
 * admission it triggers run concurrently and an older snapshot must not be written last. (With several worker
 * replicas the variable may lag for a moment; the store that the web app reads is always current.)
 */
export function syncPositions(client: CamundaClient, queue: PlacementQueue, home: Home, except?: string): Promise<number> {
  const run = async () => {
    let updated = 0;
    const written = new Map<string, number>();
    for (let round = 0; round < 5; round++) {
      const due = (await queue.list(home)).filter((q) => q.processInstanceKey && q.caseRef !== except && written.get(q.caseRef) !== q.position);
      if (due.length === 0) break;
      for (const q of due) {
        try {
          await client.createElementInstanceVariables({ elementInstanceKey: q.processInstanceKey as never, variables: { queuePosition: q.position } } as never);
          updated++;
        } catch (err) {
          // The instance may have been cancelled by hand: the queue row is then stale, not this job's problem.
          if (statusOf(err) !== 404) throw err;
        }
        written.set(q.caseRef, q.position);
      }
    }
    return updated;
  };
  const next = (locks.get(home) ?? Promise.resolve()).catch(() => undefined).then(run);
  locks.set(home, next.catch(() => undefined));
  return next;
}
const locks = new Map<Home, Promise<unknown>>();

/**
 * An admitted case leaves the home (utskrivning, placement ended, moved): its place is freed and the queue moves.
 * Returns the case now first in that home's queue, if any.
 */
export async function releasePlace(
  client: CamundaClient, queue: PlacementQueue, audit: AuditLog,
  r: { home: Home; caseRef: string; actor: string; now?: string; reason?: string },
): Promise<QueueEntry | undefined> {
  const now = r.now ?? new Date().toISOString();
  const next = await queue.discharge(r.home, r.caseRef, now);
  await audit.record({ actor: r.actor, action: 'queue.discharged', caseRef: r.caseRef, details: { home: r.home, reason: r.reason ?? null, nextInQueue: next?.caseRef ?? null } });
  await offerFreePlaces(client, queue, audit, r.home, r.actor, now, r.caseRef);
  await syncPositions(client, queue, r.home);
  return next;
}

function statusOf(err: unknown): number | undefined {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number } };
  return e?.status ?? e?.statusCode ?? e?.response?.status;
}

/** Zeebe refuses a second message with the same id while the first is buffered: the offer was already made. */
function isDuplicateMessage(err: unknown): boolean {
  return statusOf(err) === 409 || /already published/i.test(String((err as Error)?.message ?? ''));
}
