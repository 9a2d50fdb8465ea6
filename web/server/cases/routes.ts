import { Router } from 'express';
import { z } from 'zod';
import { fmtDate, html, page } from '../html';
import { csrfToken } from '../security';
import type { SessionUser } from '../auth/user';
import type { CaseService } from './service';

const KeyParam = z.object({ key: z.string().regex(/^\d{1,20}$/, 'Ogiltigt ärende-id') });
const StartBody = z.object({ processId: z.string().min(1).max(100) });
const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

const STATE: Record<string, string> = { ACTIVE: 'Pågår', COMPLETED: 'Avslutad', TERMINATED: 'Avbruten', CREATED: 'Öppen', CANCELED: 'Avbruten' };

export function caseRoutes(cases: CaseService): Router {
  const r = Router();

  r.get('/arenden/ny', (req, res) => {
    const list = cases.startableFor(user(req));
    const csrf = csrfToken(req);
    res.send(page({ title: 'Starta ärende', user: user(req), csrf }, html`
      <h1>Starta ärende</h1>
      ${list.length === 0 ? html`<p class="empty">Endast socialsekreterare kan starta ärenden. Ärendet får ett pseudonymt ärendenummer och din kommun.</p>` : html`
      <p>Ärendet får ett pseudonymt ärendenummer (VK-år-nummer). Skriv aldrig personnummer eller namn i Vårdkedjan.</p>
      <ul class="start">${list.map((p) => html`<li><form method="post" action="/arenden/ny"><input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="processId" value="${p.id}"><button>${p.label}</button></form></li>`)}</ul>`}`));
  });

  r.post('/arenden/ny', async (req, res, next) => {
    try {
      const body = StartBody.safeParse(req.body);
      if (!body.success) { res.status(400).send(page({ title: 'Fel', user: user(req), csrf: csrfToken(req) }, html`<p class="error">Välj vilken process som ska startas.</p>`)); return; }
      const started = await cases.start(user(req), body.data.processId);
      req.session.flash = `Ärende ${started.caseRef} är startat. Den första uppgiften visas i din inkorg.`;
      res.redirect(303, '/uppgifter');
    } catch (e) { next(e); }
  });

  r.post('/api/arenden', async (req, res, next) => {
    try {
      const body = StartBody.safeParse(req.body);
      if (!body.success) { res.status(400).json({ error: 'Ange processId.' }); return; }
      res.status(201).json(await cases.start(user(req), body.data.processId));
    } catch (e) { next(e); }
  });

  r.get('/arenden', async (req, res, next) => {
    try {
      const ref = z.object({ ref: z.string().trim().max(30) }).safeParse(req.query);
      if (!ref.success) { res.redirect(303, '/uppgifter'); return; }
      res.redirect(303, `/arenden/${await cases.findByRef(user(req), ref.data.ref)}`);
    } catch (e) { next(e); }
  });

  r.get('/arenden/:key', async (req, res, next) => {
    try {
      const { key } = KeyParam.parse(req.params);
      const c = await cases.get(user(req), key);
      res.send(page({
        title: `Ärende ${c.caseRef ?? key}`, user: user(req), csrf: csrfToken(req),
        styles: ['/vendor/bpmn-js/diagram-js.css', '/vendor/bpmn-js/bpmn-js.css', '/vendor/bpmn-js/bpmn-font/css/bpmn.css'],
        scripts: ['/vendor/bpmn-js/bpmn-viewer.production.min.js', '/static/case.js'], bodyData: { case: key },
      }, html`
        <h1>Ärende ${c.caseRef ?? key}</h1>
        <dl class="meta"><dt>Process</dt><dd>${c.processName}</dd><dt>Kommun</dt><dd>${c.kommun ?? '–'}</dd><dt>Status</dt><dd>${STATE[c.state] ?? c.state}</dd>
          <dt>Startad</dt><dd>${fmtDate(c.startDate)}</dd>${c.endDate ? html`<dt>Avslutad</dt><dd>${fmtDate(c.endDate)}</dd>` : ''}</dl>
        <p class="legend"><span class="key active"></span> Aktivt steg <span class="key overdue"></span> Försenat steg <span class="key done"></span> Genomfört</p>
        <div id="diagram" class="diagram" aria-label="Processdiagram"></div>
        <section><h2>Uppgifter och tidsfrister</h2><table><thead><tr><th>Uppgift</th><th>Status</th><th>Grupp</th><th>Tilldelad</th><th>Tidsfrist</th><th>Slutförd</th></tr></thead><tbody>
        ${c.tasks.map((t) => html`<tr class="${t.overdue ? 'overdue' : ''}"><td>${t.name}</td><td>${STATE[t.state] ?? t.state}${t.overdue ? ' (försenad)' : ''}</td><td>${t.candidateGroups.join(', ')}</td><td>${t.assignee ?? '–'}</td><td>${fmtDate(t.dueDate)}</td><td>${fmtDate(t.completionDate)}</td></tr>`)}
        </tbody></table>
        ${c.deadlines.length ? html`<h3>Beräknade tidsgränser</h3><ul>${c.deadlines.map((d) => html`<li class="${d.passed ? 'overdue' : ''}">${d.name}: ${fmtDate(d.value)}${d.passed ? ' (passerad)' : ''}</li>`)}</ul>` : ''}</section>
        <section><h2>Eskaleringar</h2>${c.escalations.length === 0 ? html`<p class="empty">Inga eskaleringar.</p>` : html`<ul>${c.escalations.map((e) => html`<li class="${e.action === 'escalation.breach' ? 'overdue' : 'soon'}">${fmtDate(e.at)}: ${e.action === 'escalation.breach' ? 'Tidsgräns överskriden' : 'Påminnelse'} – ${String(e.details?.deadline ?? '')} (till ${String(e.details?.escalateTo ?? e.details?.group ?? '')})</li>`)}</ul>`}</section>
        <section><h2>Historik</h2><ol class="history">${c.history.filter((h) => h.state !== 'ACTIVE').map((h) => html`<li>${fmtDate(h.endDate ?? h.startDate)} – ${h.name} <small>(${STATE[h.state] ?? h.state})</small></li>`)}</ol></section>`));
    } catch (e) { next(e); }
  });

  r.get('/api/arenden/:key', async (req, res, next) => {
    try { res.json(await cases.get(user(req), KeyParam.parse(req.params).key)); } catch (e) { next(e); }
  });
  r.get('/api/arenden/:key/diagram', async (req, res, next) => {
    try { res.json(await cases.diagram(user(req), KeyParam.parse(req.params).key)); } catch (e) { next(e); }
  });
  return r;
}
