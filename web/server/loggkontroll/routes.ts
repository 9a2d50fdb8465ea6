import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AuditEntry, AuditLog, AuditQuery } from '../../../common/audit';
import type { SessionUser } from '../auth/user';
import { forbidden } from '../errors';
import { dateInput, fmtDate, html, page } from '../html';
import { csrfToken } from '../security';

/** The group that reviews the log (systematic follow-up of who read what, HSLF-FS 2016:40 4 kap. 9 §). */
export const LOG_REVIEW_GROUP = 'loggkontroll';

const OUTCOMES = { ok: 'Befogad', unjustified: 'Obefogad – följ upp', unclear: 'Oklart – fråga användaren' } as const;

const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ange datum som ÅÅÅÅ-MM-DD.');
const Search = z.object({
  anvandare: z.string().trim().max(100).regex(/^[a-z0-9._-]*$/i, 'Användar-id får bara innehålla bokstäver, siffror, punkt, bindestreck och understreck.').optional().default(''),
  arende: z.string().trim().max(30).regex(/^(VK-\d{4}-\d{6})?$/, 'Ange ärendenummer som VK-2026-000123.').optional().default(''),
  fran: day.or(z.literal('')).optional().default(''),
  till: day.or(z.literal('')).optional().default(''),
});
const Sample = Search.extend({ antal: z.coerce.number().int().min(1, 'Välj 1–50 läsningar.').max(50, 'Välj 1–50 läsningar.').default(10) });
const Review = z.object({
  auditId: z.coerce.number().int().positive(),
  outcome: z.enum(['ok', 'unjustified', 'unclear'], { error: 'Välj ett utfall.' }),
  note: z.string().trim().max(1000, 'Anteckningen får vara högst 1 000 tecken.').optional().default(''),
});

type SearchInput = z.infer<typeof Search>;

function toQuery(s: SearchInput): AuditQuery {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    ...(s.anvandare ? { actor: s.anvandare } : {}),
    ...(s.arende ? { caseRef: s.arende } : {}),
    ...(s.fran ? { from: `${s.fran}T00:00:00.000Z` } : {}),
    ...(s.till ? { to: nextDay(s.till) } : {}),
  };
}

async function requireReviewer(req: Request, audit: AuditLog): Promise<SessionUser> {
  const user = req.session.user!;
  if (!user.groups.includes(LOG_REVIEW_GROUP)) {
    await audit.record({ actor: user.id, action: 'access.denied', details: { method: req.method, path: req.path, status: 403, reason: 'not-log-reviewer' } });
    throw forbidden('Loggkontroll är bara för loggranskare (gruppen loggkontroll). Be din chef om behörigheten om du ska granska loggar.');
  }
  return user;
}

const firstError = (e: z.ZodError) => e.issues[0]?.message ?? 'Kontrollera fälten.';

/** "Loggkontroll": search the audit log, draw a random sample of reads, record each review's outcome. */
export function logReviewRoutes(audit: AuditLog): Router {
  const r = Router();

  const view = async (req: Request, user: SessionUser, s: SearchInput, rows: AuditEntry[], opts: { error?: string; sample?: boolean } = {}) => {
    const csrf = csrfToken(req);
    const reviews = await audit.reviewsOf(rows.map((e) => e.id));
    const latest = new Map<number, (typeof reviews)[number]>();
    for (const rv of reviews) if (!latest.has(rv.auditId)) latest.set(rv.auditId, rv);
    const flash = req.session.flash; delete req.session.flash;
    return page({ title: 'Loggkontroll', user, csrf, flash }, html`
      <h1>Loggkontroll</h1>
      <p>Sök i loggen över vem som läst och ändrat ärenden, dra ett slumpmässigt stickprov av läsningar och registrera utfallet av varje granskning.</p>
      ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
      <form method="get" action="/loggkontroll" class="filters">
        <label>Användare <input name="anvandare" value="${s.anvandare}" maxlength="100"></label>
        <label>Ärende <input name="arende" value="${s.arende}" placeholder="VK-2026-000123" maxlength="30"></label>
        <label>Från ${dateInput({ name: 'fran', value: s.fran })}</label>
        <label>Till och med ${dateInput({ name: 'till', value: s.till })}</label>
        <button type="submit">Sök</button>
      </form>
      <form method="post" action="/loggkontroll/stickprov" class="filters">
        <input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="anvandare" value="${s.anvandare}"><input type="hidden" name="arende" value="${s.arende}">
        <input type="hidden" name="fran" value="${s.fran}"><input type="hidden" name="till" value="${s.till}">
        <label>Antal läsningar <input name="antal" type="number" min="1" max="50" value="10"></label>
        <button type="submit">Dra stickprov av läsningar</button>
      </form>
      <h2>${opts.sample ? `Stickprov: ${rows.length} slumpvis valda läsningar` : `Träffar (${rows.length}${rows.length === 200 ? ', de senaste 200' : ''})`}</h2>
      ${rows.length === 0 ? html`<p class="empty">Inga loggrader för sökningen.</p>` : html`
      <table class="audit"><thead><tr><th>Tid</th><th>Användare</th><th>Händelse</th><th>Ärende</th><th>Granskning</th></tr></thead><tbody>
      ${rows.map((e) => {
        const rv = latest.get(e.id);
        return html`<tr data-audit="${String(e.id)}"><td>${fmtDate(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.caseRef ?? '–'}</td><td>
          ${rv ? html`<p><strong>${OUTCOMES[rv.outcome]}</strong> (${rv.reviewer}, ${fmtDate(rv.at)})${rv.note ? html`: ${rv.note}` : ''}</p>` : ''}
          <form method="post" action="/loggkontroll/granskning">
            <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="auditId" value="${String(e.id)}">
            <label class="sr" for="o${String(e.id)}">Utfall</label>
            <select id="o${String(e.id)}" name="outcome" required><option value="">Välj utfall</option>${Object.entries(OUTCOMES).map(([k, v]) => html`<option value="${k}">${v}</option>`)}</select>
            <label class="sr" for="n${String(e.id)}">Anteckning</label><input id="n${String(e.id)}" name="note" maxlength="1000" placeholder="Anteckning">
            <button type="submit">Spara granskning</button>
          </form></td></tr>`;
      })}
      </tbody></table>`}`);
  };

  r.get('/loggkontroll', async (req, res, next) => {
    try {
      const user = await requireReviewer(req, audit);
      const s = Search.safeParse(req.query);
      if (!s.success) { res.status(400).send(await view(req, user, Search.parse({}), [], { error: firstError(s.error) })); return; }
      const rows = await audit.query({ ...toQuery(s.data), limit: 200 });
      // Reviewing the log is itself logged: who searched for whom.
      await audit.record({ actor: user.id, action: 'audit.searched', ...(s.data.arende ? { caseRef: s.data.arende } : {}), details: { ...s.data, hits: rows.length } });
      res.send(await view(req, user, s.data, rows));
    } catch (e) { next(e); }
  });

  r.post('/loggkontroll/stickprov', async (req, res, next) => {
    try {
      const user = await requireReviewer(req, audit);
      const s = Sample.safeParse(req.body);
      if (!s.success) { res.status(400).send(await view(req, user, Search.parse({}), [], { error: firstError(s.error) })); return; }
      const { antal, ...search } = s.data;
      const rows = await audit.sample({ ...toQuery(search), action: 'case.read' }, antal);
      await audit.record({ actor: user.id, action: 'audit.sampled', details: { ...search, size: antal, auditIds: rows.map((e) => e.id) } });
      res.send(await view(req, user, search, rows, { sample: true }));
    } catch (e) { next(e); }
  });

  r.post('/loggkontroll/granskning', async (req, res, next) => {
    try {
      const user = await requireReviewer(req, audit);
      const body = Review.safeParse(req.body);
      if (!body.success) { res.status(400).send(await view(req, user, Search.parse({}), [], { error: firstError(body.error) })); return; }
      const entry = await audit.entry(body.data.auditId);
      if (!entry) { res.status(404).send(await view(req, user, Search.parse({}), [], { error: 'Loggraden finns inte. Sök fram den igen.' })); return; }
      await audit.recordReview({ auditId: entry.id, reviewer: user.id, outcome: body.data.outcome, ...(body.data.note ? { note: body.data.note } : {}) });
      await audit.record({ actor: user.id, action: 'audit.reviewed', ...(entry.caseRef ? { caseRef: entry.caseRef } : {}), details: { auditId: entry.id, outcome: body.data.outcome } });
      req.session.flash = `Granskningen av loggrad ${entry.id} är sparad: ${OUTCOMES[body.data.outcome]}.`;
      const back = new URLSearchParams({ anvandare: entry.actor, ...(entry.caseRef ? { arende: entry.caseRef } : {}) });
      res.redirect(303, `/loggkontroll?${back.toString()}`);
    } catch (e) { next(e); }
  });

  return r;
}
