import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { broadcastSignal } from '../../runtime/events';
import { nextKey } from '../../store/db';
import { correlateMessage, publishMessage } from '../../runtime/messages';
import { millis, parseInput, variablesObject } from '../validation';
import { TENANT } from '../views';

const tenantId = z.literal(TENANT, { error: `only the default tenant '${TENANT}' exists in the embedded engine` }).optional();
const publicationSchema = z.strictObject({
  name: z.string().min(1, 'the message name must not be empty'),
  correlationKey: z.string().optional(),
  timeToLive: millis.optional(),
  messageId: z.string().optional(),
  variables: variablesObject.optional(),
  tenantId,
});
const correlationSchema = z.strictObject({
  name: z.string().min(1, 'the message name must not be empty'),
  correlationKey: z.string().optional(),
  variables: variablesObject.optional(),
  tenantId,
});
const signalSchema = z.strictObject({
  signalName: z.string().min(1, 'the signal name must not be empty'),
  variables: variablesObject.optional(),
  tenantId,
});

/** Message publication/correlation and signal broadcast. */
export function messageRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/messages/publication', async (req, res) => {
    const input = parseInput(publicationSchema, req.body);
    const key = await engine.execute((ctx) =>
      publishMessage(ctx, {
        name: input.name, correlationKey: input.correlationKey ?? '', timeToLive: input.timeToLive ?? 0,
        messageId: input.messageId, variables: input.variables ?? {},
      }),
    );
    res.json({ messageKey: String(key), tenantId: TENANT });
  });

  router.post('/messages/correlation', async (req, res) => {
    const input = parseInput(correlationSchema, req.body);
    const result = await engine.execute((ctx) =>
      correlateMessage(ctx, { name: input.name, correlationKey: input.correlationKey ?? '', variables: input.variables ?? {} }),
    );
    res.json({ messageKey: String(result.messageKey), processInstanceKey: String(result.processInstanceKey), tenantId: TENANT });
  });

  router.post('/signals/broadcast', async (req, res) => {
    const input = parseInput(signalSchema, req.body);
    const key = await engine.execute((ctx) => {
      broadcastSignal(ctx, input.signalName, input.variables ?? {});
      return nextKey(ctx.db);
    });
    res.json({ signalKey: String(key), tenantId: TENANT });
  });

  return router;
}
