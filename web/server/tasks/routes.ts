import { Router } from 'express';
import { z } from 'zod';
import { fmtDate, html, page } from '../html';
import { csrfToken } from '../security';
import type { SessionUser } from '../auth/user';
import type { TaskFilter, TaskService, TaskView } from './service';

const FILTERS: Array<{ id: TaskFilter; label: string }> = [
  { id: 'alla', label: 'Alla mina och gruppens' },
  { id: 'mina', label: 'Tilldelade mig' },
  { id: 'grupp', label: 'Min grupps (ej tilldelade)' },
  { id: 'forsenade', label: 'Försenade' },
  { id: 'snart', label: 'Förfaller snart' },
];
const FilterQuery = z.object({ filter: z.enum(['alla', 'mina', 'grupp', 'forsenade', 'snart']).default('alla') });
const KeyParam = z.object({ key: z.string().regex(/^\d{1,20}$/, 'Ogiltigt uppgifts-id') });
const CompleteBody = z.object({ data: z.record(z.string(), z.unknown()) });

const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

function dueCell(t: TaskView) {
  const cls = t.overdue ? 'overdue' : t.dueSoon ? 'soon' : '';
  const label = t.overdue ? 'Försenad' : t.dueSoon ? 'Förfaller snart' : '';
  return html`<td class="${cls}">${fmtDate(t.dueDate)} ${label ? html`<span class="badge ${cls}">${label}</span>` : ''}</td>`;
}

export function taskRoutes(tasks: TaskService): Router {
  const r = Router();

  r.get('/uppgifter', async (req, res, next) => {
    try {
      const q = FilterQuery.safeParse(req.query);
      const filter = q.success ? q.data.filter : 'alla';
      const list = await tasks.list(user(req), filter);
      const flash = req.session.flash; delete req.session.flash;
      res.send(page({ title: 'Uppgifter', user: user(req), csrf: csrfToken(req), flash }, html`
        <h1>Uppgifter</h1>
        <nav class="filters" aria-label="Filter">${FILTERS.map((f) => html`<a href="/uppgifter?filter=${f.id}" class="${f.id === filter ? 'active' : ''}">${f.label}</a>`)}</nav>
        ${list.length === 0 ? html`<p class="empty">Inga uppgifter just nu.</p>` : html`
        <table class="tasks"><thead><tr><th>Uppgift</th><th>Ärende</th><th>Process</th><th>Kommun</th><th>Grupp</th><th>Tilldelad</th><th>Tidsfrist</th></tr></thead><tbody>
        ${list.map((t) => html`<tr data-task="${t.userTaskKey}"><td><a href="/uppgifter/${t.userTaskKey}">${t.name}</a></td><td>${t.caseRef ?? '–'}</td><td>${t.processName}</td><td>${t.kommun ?? '–'}</td>
          <td>${t.candidateGroups.join(', ')}</td><td>${t.assignee ?? '–'}</td>${dueCell(t)}</tr>`)}
        </tbody></table>`}`));
    } catch (e) { next(e); }
  });

  r.get('/uppgifter/:key', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const t = await tasks.get(user(req), key);
      const mine = t.assignee === user(req).id;
      const csrf = csrfToken(req);
      const flash = req.session.flash; delete req.session.flash;
      res.send(page({
        title: t.name, user: user(req), csrf, flash,
        styles: ['/vendor/form-js/form-js.css'], scripts: ['/vendor/form-js/form-viewer.umd.js', '/static/task.js'],
        bodyData: { task: t.userTaskKey, state: t.state, mine: String(mine) },
      }, html`
        <p><a href="/uppgifter">← Tillbaka till uppgifter</a></p>
        <h1>${t.name}</h1>
        <dl class="meta"><dt>Ärende</dt><dd><a href="/arenden/${t.processInstanceKey}">${t.caseRef ?? t.processInstanceKey}</a></dd>
          <dt>Process</dt><dd>${t.processName}</dd><dt>Grupp</dt><dd>${t.candidateGroups.join(', ')}</dd>
          <dt>Tilldelad</dt><dd>${t.assignee ?? 'Ingen'}</dd><dt>Tidsfrist</dt><dd class="${t.overdue ? 'overdue' : ''}">${fmtDate(t.dueDate)}${t.overdue ? ' (försenad)' : ''}</dd></dl>
        ${t.state !== 'CREATED' ? html`<p class="flash">Uppgiften är redan slutförd.</p>` : html`
        <div class="actions">
          ${mine
            ? html`<form method="post" action="/uppgifter/${t.userTaskKey}/lamna"><input type="hidden" name="_csrf" value="${csrf}"><button class="secondary">Lämna tillbaka</button></form>`
            : t.assignee ? '' : html`<form method="post" action="/uppgifter/${t.userTaskKey}/ta"><input type="hidden" name="_csrf" value="${csrf}"><button id="claim">Ta uppgiften</button></form>`}
        </div>
        <div id="form-status" role="status" aria-live="polite"></div>
        <div id="form" class="${mine ? '' : 'readonly'}"></div>
        ${mine ? html`<button id="complete" type="button">Slutför uppgiften</button>` : html`<p class="hint">Ta uppgiften för att fylla i och slutföra formuläret.</p>`}`}`));
    } catch (e) { next(e); }
  });

  r.post('/uppgifter/:key/ta', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      await tasks.claim(user(req), key);
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
    try {
      const q = FilterQuery.safeParse(req.query);
      if (!q.success) { res.status(400).json({ error: 'Okänt filter. Välj alla, mina, grupp, forsenade eller snart.' }); return; }
      res.json({ items: await tasks.list(user(req), q.data.filter) });
    } catch (e) { next(e); }
  });
  r.get('/api/uppgifter/:key', async (req, res, next) => {
    try { res.json(await tasks.get(user(req), KeyParam.parse(req.params).key)); } catch (e) { next(e); }
  });
  r.get('/api/uppgifter/:key/formular', async (req, res, next) => {
    try { res.json(await tasks.formForDisplay(user(req), KeyParam.parse(req.params).key)); } catch (e) { next(e); }
  });
  r.post('/api/uppgifter/:key/ta', async (req, res, next) => {
    try { await tasks.claim(user(req), KeyParam.parse(req.params).key); res.json({ ok: true }); } catch (e) { next(e); }
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
