import { Router, type Request } from 'express';
import { z } from 'zod';
import { UserError } from '../errors';
import { csrfToken } from '../security';
import type { SessionUser } from '../auth/user';
import { DEFAULT_INBOX, type InboxQuery, type TaskService } from './service';
import { inboxPage, printPage, taskPage } from './views';

const KeyParam = z.object({ key: z.string().regex(/^\d{1,20}$/, 'Ogiltigt uppgifts-id') });
const CompleteBody = z.object({ data: z.record(z.string(), z.unknown()) });

/** Inbox query string; every value is checked, an unknown one is a 400 with a Swedish explanation. */
const InboxParams = z.object({
  filter: z.enum(['alla', 'mina', 'grupp', 'forsenade', 'snart']).default(DEFAULT_INBOX.filter),
  sida: z.coerce.number().int().min(1).max(1_000_000).default(1),
  antal: z.coerce.number().int().refine((n) => [25, 50, 100].includes(n)).default(DEFAULT_INBOX.size),
  sortera: z.enum(['dueDate', 'creationDate', 'name', 'priority']).default(DEFAULT_INBOX.sort),
  ordning: z.enum(['asc', 'desc']).default(DEFAULT_INBOX.order),
  arende: z.string().max(40).optional(),
  process: z.string().regex(/^vk-[a-z-]{1,60}$/).or(z.literal('')).optional(),
  kommun: z.string().max(40).optional(),
});

export function parseInbox(query: unknown): InboxQuery {
  const p = InboxParams.safeParse(query);
  if (!p.success) throw new UserError(400, `Okänt värde i inkorgens filter (${p.error.issues.map((i) => i.path.join('.')).join(', ')}). Välj bland alternativen på sidan.`);
  const d = p.data;
  return { filter: d.filter, page: d.sida, size: d.antal, sort: d.sortera, order: d.ordning, ref: d.arende?.trim() || undefined, process: d.process || undefined, kommun: d.kommun?.trim() || undefined };
}

const user = (req: Request) => req.session.user as SessionUser;
const flashOf = (req: Request) => { const f = req.session.flash; delete req.session.flash; return f; };

export function taskRoutes(tasks: TaskService): Router {
  const r = Router();
  // Remember the signed-in user's name, so the inbox can show who holds a task instead of a login id.
  r.use((req, _res, next) => { if (req.session.user) tasks.names.remember(req.session.user); next(); });

  r.get('/uppgifter', async (req, res, next) => {
    try {
      const q = parseInbox(req.query);
      res.send(inboxPage({ user: user(req), csrf: csrfToken(req), flash: flashOf(req) }, await tasks.list(user(req), q)));
    } catch (e) { next(e); }
  });

  r.get('/uppgifter/:key', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const f = await tasks.formForDisplay(user(req), key, 'task-page');
      res.send(taskPage({ user: user(req), csrf: csrfToken(req), flash: flashOf(req) }, f));
    } catch (e) { next(e); }
  });

  r.get('/uppgifter/:key/utskrift', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const f = await tasks.formForDisplay(user(req), key, 'task-print');
      if (!f.printable) throw new UserError(404, 'Det här formuläret har ingen utskriftsvy.');
      res.send(printPage({ user: user(req), csrf: csrfToken(req) }, f));
    } catch (e) { next(e); }
  });

  r.post('/uppgifter/:key/ta', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      await tasks.claim(user(req), key);
      res.redirect(303, `/uppgifter/${key}`);
    } catch (e) { next(e); }
  });
  r.post('/uppgifter/:key/ta-over', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const { from } = await tasks.takeOver(user(req), key);
      req.session.flash = `Du har tagit över uppgiften från ${from}.`;
      res.redirect(303, `/uppgifter/${key}`);
    } catch (e) { next(e); }
  });
  r.post('/uppgifter/:key/lamna', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      await tasks.unclaim(user(req), key);
      req.session.flash = 'Uppgiften är tillbakalämnad till gruppen.';
      res.redirect(303, '/uppgifter');
    } catch (e) { next(e); }
  });

  // JSON API used by the browser client and tests.
  r.get('/api/uppgifter', async (req, res, next) => {
    try { res.json(await tasks.list(user(req), parseInbox(req.query))); } catch (e) { next(e); }
  });
  r.get('/api/uppgifter/:key', async (req, res, next) => {
    try { res.json(await tasks.get(user(req), KeyParam.parse(req.params).key)); } catch (e) { next(e); }
  });
  r.get('/api/uppgifter/:key/formular', async (req, res, next) => {
    try {
      const f = await tasks.formForDisplay(user(req), KeyParam.parse(req.params).key);
      res.json({ schema: f.schema, data: f.data, context: f.context });
    } catch (e) { next(e); }
  });
  r.post('/api/uppgifter/:key/ta', async (req, res, next) => {
    try { await tasks.claim(user(req), KeyParam.parse(req.params).key); res.json({ ok: true }); } catch (e) { next(e); }
  });
  r.post('/api/uppgifter/:key/ta-over', async (req, res, next) => {
    try { res.json({ ok: true, ...(await tasks.takeOver(user(req), KeyParam.parse(req.params).key)) }); } catch (e) { next(e); }
  });
  r.post('/api/uppgifter/:key/lamna', async (req, res, next) => {
    try { await tasks.unclaim(user(req), KeyParam.parse(req.params).key); res.json({ ok: true }); } catch (e) { next(e); }
  });
  r.post('/api/uppgifter/:key/slutfor', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const body = CompleteBody.safeParse(req.body);
      if (!body.success) { res.status(400).json({ error: 'Formulärdata saknas. Ladda om sidan och fyll i formuläret igen.' }); return; }
      await tasks.complete(user(req), key, body.data.data);
      req.session.flash = 'Uppgiften är slutförd.';
      res.json({ ok: true, message: 'Uppgiften är slutförd.' });
    } catch (e) { next(e); }
  });
  return r;
}
