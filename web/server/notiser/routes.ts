import { Router } from 'express';
import { z } from 'zod';
import { groupLabel } from '../../../common/labels';
import type { SessionUser } from '../auth/user';
import { UserError } from '../errors';
import { fmtDate, html, page } from '../html';
import { csrfToken } from '../security';
import type { Notice, NoticeService } from './service';

const user = (req: { session: { user?: SessionUser } }) => req.session.user!;
const OpenQuery = z.object({ arende: z.string().trim().toUpperCase().optional(), steg: z.string().optional() });

function what(n: Notice): string {
  return n.level === 'reminder' ? 'Påminnelse: tidsfristen närmar sig' : `Tidsfrist överskriden (eskalering ${n.step})`;
}

export function noticeRoutes(svc: NoticeService): Router {
  const r = Router();
  r.get('/api/notiser', async (req, res, next) => {
    try { res.json({ items: await svc.list(user(req)) }); } catch (e) { next(e); }
  });
  r.get('/notiser', async (req, res, next) => {
    try {
      const items = await svc.list(user(req));
      res.send(page({ title: 'Notiser', user: user(req), csrf: csrfToken(req) }, html`<h1>Notiser</h1>
      <p class="hint">Påminnelser och eskaleringar till dina grupper, senaste först – samma som skickas med e-post.</p>
      ${items.length === 0 ? html`<p class="empty">Inga påminnelser eller eskaleringar.</p>` : html`<ul class="notices">${items.map((n) => html`
        <li class="${n.level}"><strong>${what(n)}</strong> · ${fmtDate(n.at)}<br>
          Ärende ${n.caseRef ? html`<a href="/oppna?arende=${n.caseRef}">${n.caseRef}</a>` : '–'}${n.taskName ? html` · ${n.taskName}` : ''} · tidsfrist ${fmtDate(n.dueDate)}
          · ansvarig ${n.group ? groupLabel(n.group) : '–'}${n.role === 'eskalerad' ? html` · eskalerad till dig (${groupLabel(n.escalateTo ?? '')})` : ''}
          ${n.taskOpen === true ? html` · <span class="badge ${n.level === 'breach' ? 'overdue' : 'soon'}">Uppgiften är öppen</span>` : n.taskOpen === false ? ' · uppgiften är klar' : ''}</li>`)}</ul>`}`));
    } catch (e) { next(e); }
  });
  /** Target of every mail link: opens the step's task, or the case (managers, or when the task is gone). */
  r.get('/oppna', async (req, res, next) => {
    try {
      const q = OpenQuery.parse(req.query);
      if (!q.arende) throw new UserError(400, 'Länken är ofullständig: ärendenumret saknas. Sök ärendet under Mina ärenden.');
      res.redirect(303, await svc.open(user(req), q.arende, q.steg || undefined));
    } catch (e) { next(e); }
  });
  return r;
}
