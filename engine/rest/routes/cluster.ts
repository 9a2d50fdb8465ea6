import { Router, type RequestHandler } from 'express';
import { sendProblem } from '../problem';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { millis, parseInput } from '../validation';

export const ENGINE_VERSION = '8.8.0';

/** Topology, status and the engine clock. */
export function clusterRoutes(engine: Engine, address: () => { host: string; port: number }, clockControl: boolean): Router {
  const router = Router();
  // Like Zeebe's zeebe.clock.controlled: without it, nobody can move time and fire real deadlines and mail.
  const clockEnabled: RequestHandler = (req, res, next) => {
    if (clockControl) return next();
    sendProblem(res, 403, 'FORBIDDEN', 'Clock control is disabled on this engine. Start it with ENGINE_CLOCK_CONTROL=true (tests and demos only).', req.originalUrl.split('?')[0]);
  };

  router.get('/topology', async (_req, res) => {
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

  // What a Camunda 8.8 cluster without a license key answers: the embedded engine carries no Camunda license.
  router.get('/license', async (_req, res) => {
    res.json({ validLicense: false, licenseType: 'unknown', isCommercial: false, expiresAt: null });
  });

  router.get('/status', async (_req, res) => {
    res.status(204).end();
  });

  const pinSchema = z.strictObject({ timestamp: millis });
  router.put('/clock', clockEnabled, async (req, res) => {
    const { timestamp } = parseInput(pinSchema, req.body);
    await engine.execute(() => engine.clock.pin(timestamp));
    engine.timeMoved();
    res.status(204).end();
  });

  router.post('/clock/reset', clockEnabled, async (_req, res) => {
    await engine.execute(() => engine.clock.reset());
    engine.timeMoved();
    res.status(204).end();
  });

  return router;
}
