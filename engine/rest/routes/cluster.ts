import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { millis, parseInput } from '../validation';

export const ENGINE_VERSION = '8.8.0';

/** Topology, status and the engine clock. */
export function clusterRoutes(engine: Engine, address: () => { host: string; port: number }): Router {
  const router = Router();

  router.get('/topology', (_req, res) => {
    const { host, port } = address();
    res.json({
      brokers: [{ nodeId: 0, host, port, version: ENGINE_VERSION, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }] }],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: ENGINE_VERSION,
      lastCompletedChangeId: '-1',
    });
  });

  router.get('/status', (_req, res) => {
    res.status(204).end();
  });

  const pinSchema = z.strictObject({ timestamp: millis });
  router.put('/clock', (req, res) => {
    const { timestamp } = parseInput(pinSchema, req.body);
    engine.run(() => engine.clock.pin(timestamp));
    engine.timeMoved();
    res.status(204).end();
  });

  router.post('/clock/reset', (_req, res) => {
    engine.run(() => engine.clock.reset());
    engine.timeMoved();
    res.status(204).end();
  });

  return router;
}
