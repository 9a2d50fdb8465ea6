import { Duration } from 'luxon';
import { z } from 'zod';
import { ConfigError } from '../config';
import type { Deps } from '../deps';
import { defineHandler } from '../framework';
import { caseRefSchema } from './common';

/**
 * Publishes a message from a send task (the embedded engine and Camunda 8 refuse message throw events without a
 * job worker). Used to start the next process of the client's case (placering-inskriven → vk-under-placering)
 * and to signal within a case (sip-mote-hallet). Correlation key = caseRef.
 */
export const messagePublish = (deps: Deps) => defineHandler({
  type: 'vk.message.publish',
  headers: z.object({
    messageName: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a message name such as placering-inskriven'),
    /** ISO 8601 duration to buffer the message (default: not buffered). */
    timeToLive: z.string().refine((s) => Duration.fromISO(s).isValid, 'must be an ISO 8601 duration such as PT1H').optional(),
  }),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), messageVariables: z.record(z.string(), z.unknown()).default({}) }),
  async handle({ variables: v, headers, job }) {
    if (!deps.client) throw new ConfigError('vk.message.publish needs the Camunda client (workers started without one).');
    const ttl = headers.timeToLive ? Duration.fromISO(headers.timeToLive).toMillis() : 0;
    // Null values would overwrite what the receiving process already knows with nothing.
    const variables = Object.fromEntries(Object.entries(v.messageVariables).filter(([, x]) => x !== null && x !== undefined));
    try {
      await deps.client.publishMessage({
        name: headers.messageName, correlationKey: v.caseRef, variables, timeToLive: ttl,
        // With a TTL Zeebe rejects the same id while buffered, so a retried job publishes once.
        ...(ttl > 0 ? { messageId: `${headers.messageName}:${job.elementInstanceKey}` } : {}),
      } as never);
    } catch (err) {
      if (!(ttl > 0 && /already published/i.test(String((err as Error)?.message ?? '')))) throw err;
    }
    await deps.audit.record({ actor: deps.actor, action: 'message.published', caseRef: v.caseRef, details: { name: headers.messageName, processInstanceKey: job.processInstanceKey, elementId: job.elementId } });
    return {};
  },
});
