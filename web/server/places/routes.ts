import { Router } from 'express';
import type { SessionUser } from '../auth/user';
import { csrfToken } from '../security';
import type { PlacesService } from './service';
import { placesPage } from './views';

const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

export function placesRoutes(places: PlacesService): Router {
  const r = Router();
  r.get('/platser', async (req, res, next) => {
    try { res.send(placesPage({ user: user(req), csrf: csrfToken(req), homes: await places.overview(user(req)) })); } catch (e) { next(e); }
  });
  r.get('/api/platser', async (req, res, next) => {
    try { res.json({ homes: await places.overview(user(req)) }); } catch (e) { next(e); }
  });
  return r;
}
