import { Router } from 'express';
import { z } from 'zod';
import type { Request, Response } from 'express';
import { html, page } from '../html';
import { csrfToken } from '../security';
import type { SessionUser } from '../auth/user';
import { UserError } from '../errors';
import { CASE_REF, type CaseService } from './service';
import { casePage, psychiatryPage, type FormState } from './views';
import { StartValues } from './start';
import { startFormPage, startListPage } from './start-views';

const KeyParam = z.object({ key: z.string().regex(/^\d{1,20}$/, 'Ogiltigt ärende-id') });
const CaseParam = z.object({ id: z.string().regex(/^(\d{1,20}|[A-Z]{2,5}-\d{4}(-\d{6})?)$/, 'Ogiltigt ärendenummer') });
const ActionParams = z.object({ ref: z.string().regex(CASE_REF), action: z.string().regex(/^[a-z-]{2,40}$/) });
const ProcessQuery = z.object({ process: z.string().regex(/^\d{1,20}$/).optional() });
/** Form fields only: the CSRF token is the middleware's business. */
const formBody = (req: Request): Record<string, unknown> => { const { _csrf, ...rest } = (req.body ?? {}) as Record<string, unknown>; void _csrf; return rest; };
const fieldErrorsOf = (e: unknown) => (e instanceof UserError && e.status === 400 ? (e.details?.fieldErrors as Record<string, string> | undefined) : undefined);
const StartBody = z.object({ processId: z.string().min(1).max(100), data: StartValues, token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional() });
const StartQuery = z.object({ process: z.string().regex(/^[A-Za-z_][\w.-]{0,99}$/).optional() });
const user = (req: { session: { user?: SessionUser } }) => req.session.user!;


export function caseRoutes(cases: CaseService): Router {
  const r = Router();

  r.get('/arenden/ny', async (req, res, next) => {
    try {
      const q = StartQuery.safeParse(req.query);
      if (!q.success) throw new UserError(404, 'Processen finns inte. Välj en process i listan.');
      const ctx = { user: user(req), csrf: csrfToken(req) };
      if (q.data.process) { res.send(startFormPage(ctx, await cases.startOption(user(req), q.data.process))); return; }
      res.send(startListPage(ctx, await cases.startableFor(user(req)), cases.psychiatryStartsFor(user(req))));
    } catch (e) { next(e); }
  });

  r.post('/arenden/ny', async (req, res, next) => {
    try {
      const id = StartBody.shape.processId.safeParse((req.body as { processId?: unknown } | undefined)?.processId);
      if (!id.success) { res.status(400).send(page({ title: 'Fel', user: user(req), csrf: csrfToken(req) }, html`<p class="error" role="alert">Välj vilken process som ska startas.</p>`)); return; }
      const processId = id.data;
      const ctx = { user: user(req), csrf: csrfToken(req) };
      const start = await cases.startOption(user(req), processId);
      const body = StartBody.safeParse(req.body);
      // Values that cannot be read: the form again, empty, saying so.
      if (!body.success) { res.status(400).send(startFormPage(ctx, { ...start, error: body.error.issues[0]?.message })); return; }
      const values = body.data.data ?? {};
      try {
        const started = await cases.start(user(req), processId, values, body.data.token);
        if (start.schema) {
          req.session.flash = started.duplicate ? `Ärende ${started.caseRef} var redan startat (formuläret skickades två gånger).` : `Ärende ${started.caseRef} är startat: ${started.processName}.`;
          res.redirect(303, `/arenden/${started.caseRef}`);
        } else {
          req.session.flash = `Ärende ${started.caseRef} är startat. Den första uppgiften visas i din inkorg.`;
          res.redirect(303, '/uppgifter');
        }
      } catch (e) {
        const errors = fieldErrorsOf(e);
        if (!errors) throw e;
        // Nothing was started: the form again with what the user typed and what to fix.
        res.status(400).send(startFormPage(ctx, { ...start, values, errors, token: body.data.token }));
      }
    } catch (e) { next(e); }
  });

  const Kind = z.object({ kind: z.string().regex(/^[a-z]{3,30}$/) });
  r.get('/arenden/ny/:kind', (req, res, next) => {
    try {
      const { kind } = Kind.parse(req.params);
      const def = cases.psychiatryStartsFor(user(req)).find((p) => p.id === kind);
      if (!def) throw new UserError(403, 'Registreringen görs av psykiatrin. Du saknar den behörigheten.');
      res.send(psychiatryPage({ user: user(req), csrf: csrfToken(req), def, values: { date: new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date()) } }));
    } catch (e) { next(e); }
  });
  r.post('/arenden/ny/:kind', async (req, res, next) => {
    const { kind } = Kind.parse(req.params);
    try {
      const started = await cases.startPsychiatry(user(req), kind, formBody(req));
      req.session.flash = started.linked ? `Registrerat och kopplat till kommunens ärende ${started.caseRef}.` : `Registrerat med nytt ärendenummer ${started.caseRef}. Ge numret till kommunen.`;
      res.redirect(303, '/uppgifter');
    } catch (e) {
      const errors = fieldErrorsOf(e);
      const def = cases.psychiatryStartsFor(user(req)).find((p) => p.id === kind);
      if (!errors || !def) { next(e); return; }
      res.status(400).send(psychiatryPage({ user: user(req), csrf: csrfToken(req), def, values: formBody(req), errors }));
    }
  });
  r.post('/api/arenden/ny/:kind', async (req, res, next) => {
    try { res.status(201).json(await cases.startPsychiatry(user(req), Kind.parse(req.params).kind, formBody(req))); } catch (e) { next(e); }
  });

  r.post('/api/arenden', async (req, res, next) => {
    try {
      const body = StartBody.safeParse(req.body);
      if (!body.success) { res.status(400).json({ error: body.error.issues.some((i) => i.path[0] === 'processId') ? 'Ange processId.' : body.error.issues[0]?.message }); return; }
      res.status(201).json(await cases.start(user(req), body.data.processId, body.data.data));
    } catch (e) { next(e); }
  });

  r.get('/arenden', async (req, res, next) => {
    try {
      const ref = z.object({ ref: z.string().trim().max(30) }).safeParse(req.query);
      if (!ref.success) { res.redirect(303, '/uppgifter'); return; }
      res.redirect(303, `/arenden/${await cases.findByRef(user(req), ref.data.ref)}`);
    } catch (e) { next(e); }
  });

  /** The case page: by caseRef (the client's case) or by a process instance key (links from tasks, older mails). */
  const showCase = async (req: Request, res: Response, form?: FormState, status = 200) => {
    const { id } = CaseParam.parse(req.params.id ? req.params : { id: req.params.ref });
    const { process } = ProcessQuery.parse(req.query);
    let caseRef = CASE_REF.test(id) ? id : undefined;
    let selectedKey = process ?? (caseRef ? undefined : id);
    if (!caseRef) {
      caseRef = await cases.caseRefOf(id);
      if (!caseRef) {
        // get() answers 404 for an unknown instance and 403 (audited) for a refused one
        caseRef = (await cases.get(user(req), id)).caseRef;
        if (!caseRef) throw new UserError(404, 'Processen saknar ärendenummer och kan inte visas som ärende.');
      }
    }
    const full = await cases.full(user(req), caseRef);
    selectedKey ??= cases.primaryProcess(full);
    if (selectedKey && !full.processes.some((p) => p.processInstanceKey === selectedKey)) selectedKey = cases.primaryProcess(full);
    const selected = selectedKey ? await cases.get(user(req), selectedKey, { caseAccess: true, overview: full }) : undefined;
    const flash = req.session.flash;
    delete req.session.flash;
    res.status(status).send(casePage({ user: user(req), csrf: csrfToken(req), flash, c: full, selected, form, nameOf: (id) => cases.displayName(id) }));
  };
  r.get('/arenden/:id', async (req, res, next) => { try { await showCase(req, res); } catch (e) { next(e); } });

  r.post('/arenden/:ref/atgarder/:action', async (req, res, next) => {
    try {
      const { ref, action } = ActionParams.parse(req.params);
      try {
        const done = await cases.act(user(req), ref, action, formBody(req));
        req.session.flash = done.duplicate ? `${done.label}: redan registrerat (formuläret skickades två gånger).` : `${done.label}: registrerat.`;
        res.redirect(303, `/arenden/${ref}`);
      } catch (e) {
        const errors = fieldErrorsOf(e);
        if (!errors) throw e;
        // Show the form again with what the user typed and what to fix; nothing was sent.
        await showCase(req, res, { id: action, values: formBody(req), errors }, 400);
      }
    } catch (e) { next(e); }
  });
  r.post('/api/arenden/:ref/atgarder/:action', async (req, res, next) => {
    try {
      const { ref, action } = ActionParams.parse(req.params);
      res.json(await cases.act(user(req), ref, action, formBody(req)));
    } catch (e) { next(e); }
  });
  r.get('/api/arenden/:id/oversikt', async (req, res, next) => {
    try {
      const { id } = CaseParam.parse(req.params);
      const caseRef = CASE_REF.test(id) ? id : await cases.caseRefOf(id);
      if (!caseRef) throw new UserError(404, 'Ärendet har inget ärendenummer.');
      const f = await cases.full(user(req), caseRef);
      res.json({
        caseRef: f.caseRef, kommun: f.kommun, summary: f.summary, history: f.history,
        processes: f.processes.map((p) => ({ processInstanceKey: p.processInstanceKey, processDefinitionId: p.processDefinitionId, name: p.name, state: p.state, startDate: p.startDate, endDate: p.endDate, parentProcessInstanceKey: p.parentProcessInstanceKey, currentSteps: p.currentSteps, openTasks: p.openTasks })),
        actions: f.actions.map((a) => ({ id: a.def.id, label: a.def.label, applies: a.applies })),
      });
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
