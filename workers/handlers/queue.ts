import { z } from 'zod';
import type { Deps } from '../deps';
import { defineHandler } from '../framework';
import { TransientError } from '../mail/sender';
import { NoPlaceError, priorityOf, QueueStateError } from '../queue/queue';
import { caseRefSchema } from './common';
import { JobInputError } from '../framework';

const home = z.enum(['ekeliden', 'novus']);
const base = (deps: Deps) => z.looseObject({ caseRef: caseRefSchema(deps), kommun: z.string().min(1), home });

export const queueEnqueue = (deps: Deps) => defineHandler({
  type: 'vk.queue.enqueue',
  headers: z.object({}),
  variables: base(deps).extend({
    lvmInvestigationVoluntary: z.boolean().default(false),
    hasChildren: z.boolean().default(false),
    lvm27OrExternal: z.boolean().default(false),
    decisionDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be an ISO date such as 2026-12-01'),
  }),
  async handle({ variables: v, job }) {
    const priority = priorityOf(v);
    let entry;
    try {
      entry = deps.queue.enqueue({ caseRef: v.caseRef, kommun: v.kommun, home: v.home, priority, decisionDate: v.decisionDate.slice(0, 10), now: deps.now().toISO()! });
    } catch (e) {
      if (e instanceof QueueStateError) throw new JobInputError(e.message);
      throw e;
    }
    const placeAvailable = deps.queue.placeAvailable(v.home, v.caseRef);
    deps.audit.record({ actor: deps.actor, action: 'queue.enqueued', caseRef: v.caseRef, details: { home: v.home, priority, position: entry.position, placeAvailable, processInstanceKey: job.processInstanceKey } });
    return { queuePriority: priority, queuePosition: entry.position, placeAvailable };
  },
});

export const queueAdmit = (deps: Deps) => defineHandler({
  type: 'vk.queue.admit',
  headers: z.object({}),
  variables: base(deps),
  async handle({ variables: v, job }) {
    let admittedAt: string;
    try {
      admittedAt = deps.queue.admit(v.home, v.caseRef, deps.now().toISO()!);
    } catch (e) {
      // The diagram admits only when a place is free; if it is taken after all, retry later (then incident).
      if (e instanceof NoPlaceError) throw new TransientError(e.message);
      throw e;
    }
    deps.audit.record({ actor: deps.actor, action: 'queue.admitted', caseRef: v.caseRef, details: { home: v.home, admittedAt, processInstanceKey: job.processInstanceKey } });
    return { admittedAt };
  },
});

export const queueRemove = (deps: Deps) => defineHandler({
  type: 'vk.queue.remove',
  headers: z.object({}),
  variables: base(deps),
  async handle({ variables: v, job }) {
    const removed = deps.queue.remove(v.home, v.caseRef, deps.now().toISO()!);
    deps.audit.record({ actor: deps.actor, action: 'queue.removed', caseRef: v.caseRef, details: { home: v.home, wasQueued: removed, processInstanceKey: job.processInstanceKey } });
    return {};
  },
});
