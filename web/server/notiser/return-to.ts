import type { Request } from 'express';

/**
 * Where to go after sign-in: a link from a mail (`/oppna?…`) or any other page opened without a session leads to
 * the login page and, after sign-in, back to what was asked for. Only the app's own pages qualify, so the login
 * can never be turned into a redirect to another site.
 */
const OWN_PAGE = /^\/(?:oppna|uppgifter|arenden|mina-arenden|notiser|oversikt)(?:[/?][^\s\\]*)?$/;

export function rememberTarget(req: Request): void {
  if (req.method === 'GET' && OWN_PAGE.test(req.originalUrl) && !req.originalUrl.includes('//')) req.session.returnTo = req.originalUrl;
}

/** The remembered page (once), if it is one of the app's own. */
export function takeTarget(req: Request): string | undefined {
  const t = req.session.returnTo;
  delete req.session.returnTo;
  return ownPage(t);
}

/** `t` if it is one of the app's own pages (also for a target that made a round trip through an IdP). */
export function ownPage(t: unknown): string | undefined {
  return typeof t === 'string' && OWN_PAGE.test(t) && !t.includes('//') ? t : undefined;
}
