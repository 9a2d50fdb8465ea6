import { z } from 'zod';
import type { Deps } from '../deps';
import { ConfigError } from '../config';
import { defineHandler, JobInputError } from '../framework';
import { TransientError } from '../mail/sender';
import { NoPlaceError, QueueStateError, type Home } from '../queue/queue';
import { offerFreePlaces, releasePlace, syncPositions } from '../queue/release';
import { caseRefSchema } from './common';

const home = z.enum(['ekeliden', 'novus']);
const base = (deps: Deps) => z.looseObject({ caseRef: caseRefSchema(deps), kommun: z.string().min(1), home });

function clientOf(deps: Deps) {
  if (!deps.client) throw new ConfigError('The queue jobs need the Camunda client (workers started without one). Start the workers with startWorkerApp.');
  return deps.client;
}

/** After any change in a home: offer free places to the head of its queue and rewrite everyone's position. */
async function moveQueue(deps: Deps, h: Home, except?: string, freedBy?: string) {
  const client = clientOf(deps);
  await offerFreePlaces(client, deps.queue, deps.audit, h, deps.actor, deps.now().toISO()!, freedBy);
  await syncPositions(client, deps.queue, h, except);
}

export const queueEnqueue = (deps: Deps) => defineHandler({
  type: 'vk.queue.enqueue',
  headers: z.object({}),
  variables: base(deps).extend({
    // The priority is decided by the decision table vk-prioritet (bpmn/vk-prioritet.dmn) in a business rule task before this job.
    queuePriority: z.enum(['a', 'b', 'c', 'd'], { error: 'queuePriority måste vara a, b, c eller d: resultatet av beslutstabellen vk-prioritet (regeluppgiften före köuppgiften)' }),
    decisionDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be an ISO date such as 2026-12-01'),
  }),
  async handle({ variables: v, job }) {
    const priority = v.queuePriority;
    let entry;
    try {
      entry = await deps.queue.enqueue({ caseRef: v.caseRef, kommun: v.kommun, home: v.home, priority, decisionDate: v.decisionDate.slice(0, 10), now: deps.now().toISO()!, processInstanceKey: job.processInstanceKey });
    } catch (e) {
      if (e instanceof QueueStateError) throw new JobInputError(e.message);
      throw e;
    }
    const placeAvailable = await deps.queue.placeAvailable(v.home, v.caseRef);
    // The case goes straight to admission: its place is reserved, and it needs no plats-ledig message.
    if (placeAvailable) await deps.queue.markOffered(v.home, v.caseRef, deps.now().toISO()!);
    await deps.audit.record({ actor: deps.actor, action: 'queue.enqueued', caseRef: v.caseRef, details: { home: v.home, priority, position: entry.position, placeAvailable, processInstanceKey: job.processInstanceKey } });
    // A case that jumps the line (higher priority) moves everyone behind it one step back.
    await syncPositions(clientOf(deps), deps.queue, v.home, v.caseRef);
    return { queuePosition: entry.position, placeAvailable };
  },
});

export const queueAdmit = (deps: Deps) => defineHandler({
  type: 'vk.queue.admit',
  headers: z.object({}),
  variables: base(deps),
  async handle({ variables: v, job }) {
    let admittedAt: string;
    try {
      admittedAt = await deps.queue.admit(v.home, v.caseRef, deps.now().toISO()!, { kommun: v.kommun });
    } catch (e) {
      // The diagram admits only when a place is free; if it is taken after all, retry later (then incident).
      if (e instanceof NoPlaceError) throw new TransientError(e.message);
      throw e;
    }
    await deps.audit.record({ actor: deps.actor, action: 'queue.admitted', caseRef: v.caseRef, details: { home: v.home, admittedAt, processInstanceKey: job.processInstanceKey } });
    await moveQueue(deps, v.home);
    return { admittedAt, queuePosition: null };
  },
});

export const queueRemove = (deps: Deps) => defineHandler({
  type: 'vk.queue.remove',
  headers: z.object({}),
  variables: base(deps),
  async handle({ variables: v, job }) {
    const removed = await deps.queue.remove(v.home, v.caseRef, deps.now().toISO()!);
    await deps.audit.record({ actor: deps.actor, action: 'queue.removed', caseRef: v.caseRef, details: { home: v.home, wasQueued: removed, processInstanceKey: job.processInstanceKey } });
    // The case may have held an offer for a free place: it goes to the next in line.
    await moveQueue(deps, v.home);
    return {};
  },
});

/** Utskrivning or a placement ended early: the place at `home` is freed and the queue moves. */
export const placeRelease = (deps: Deps) => defineHandler({
  type: 'vk.place.release',
  headers: z.object({ reason: z.enum(['utskriven', 'avslutad']) }),
  variables: base(deps),
  async handle({ variables: v, headers }) {
    const now = deps.now().toISO()!;
    await releasePlace(clientOf(deps), deps.queue, deps.audit, { home: v.home, caseRef: v.caseRef, actor: deps.actor, now, reason: headers.reason });
    return { placeReleasedAt: now };
  },
});

/** A completed move between the homes: the place at `toHome` is taken (remissgruppen confirmed it), `fromHome` freed. */
export const placeMove = (deps: Deps) => defineHandler({
  type: 'vk.place.move',
  headers: z.object({}),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), kommun: z.string().min(1), fromHome: home, toHome: home }).refine((v) => v.fromHome !== v.toHome, 'fromHome and toHome must differ'),
  async handle({ variables: v }) {
    const now = deps.now().toISO()!;
    const admittedAt = await deps.queue.move(v.caseRef, v.fromHome, v.toHome, now, v.kommun);
    const s = await deps.queue.status(v.toHome);
    await deps.audit.record({ actor: deps.actor, action: 'queue.moved', caseRef: v.caseRef, details: { fromHome: v.fromHome, toHome: v.toHome, admittedAt, overCapacity: s.admitted > s.capacity } });
    await moveQueue(deps, v.fromHome, undefined, v.caseRef);
    await syncPositions(clientOf(deps), deps.queue, v.toHome);
    return { admittedAt };
  },
});
