import express, { type Express } from 'express';
import type { Engine } from '../runtime/engine';
import { engineLimits } from '../limits';
import { requireAuth, type EngineAuth } from './auth';
import { requestLimits } from './limits';
import { sendProblem, problemHandler } from './problem';
import { clusterRoutes } from './routes/cluster';
import { decisionRoutes } from './routes/decisions';
import { deploymentRoutes } from './routes/deployments';
import { jobRoutes } from './routes/jobs';
import { messageRoutes } from './routes/messages';
import { operationRoutes } from './routes/operations';
import { processRoutes } from './routes/processes';
import { runtimeStateRoutes } from './routes/runtimeState';
import { startFormRoutes } from './routes/startForms';
import { userTaskRoutes } from './routes/userTasks';

/** The /v2 REST API of the embedded engine: a thin layer of routes over the runtime's commands. */
export interface AppOptions {
  auth: EngineAuth;
  clockControl: boolean;
}

export function createApp(engine: Engine, address: () => { host: string; port: number }, options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const v2 = express.Router();
  // Before body parsing: an unauthenticated caller gets nothing parsed, stored or echoed.
  v2.use(requireAuth(options.auth));
  // Bodies are parsed leniently (any content type that is not multipart) so a missing header still yields JSON errors.
  v2.use(express.json({ limit: engineLimits().maxPayloadBytes, strict: false, type: (req) => !String(req.headers['content-type'] ?? '').startsWith('multipart/') }));
  v2.use(requestLimits());
  v2.use(clusterRoutes(engine, address, options.clockControl));
  v2.use(deploymentRoutes(engine));
  v2.use(decisionRoutes(engine));
  v2.use(operationRoutes(engine));
  v2.use(processRoutes(engine));
  v2.use(startFormRoutes(engine));
  v2.use(jobRoutes(engine));
  v2.use(userTaskRoutes(engine));
  v2.use(runtimeStateRoutes(engine));
  v2.use(messageRoutes(engine));
  app.use('/v2', v2);
  app.use((req, res) => {
    sendProblem(res, 404, 'NOT_FOUND', `The embedded engine does not serve ${req.method} ${req.path}. See docs/engine.md for the supported endpoints.`, req.path);
  });
  app.use(problemHandler);
  return app;
}
