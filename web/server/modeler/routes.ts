import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SessionUser } from '../auth/user';
import { UserError } from '../errors';
import { csrfToken } from '../security';
import type { ModelerService } from './service';
import { VERSION_TAG } from '../../../deploy/version-tag';
import { diffPage, formEditorPage, overviewPage, processEditorPage } from './views';

const user = (req: Request) => req.session.user as SessionUser;
const ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/, 'Ogiltigt id');
const KEY = z.string().regex(/^\d{1,20}$/, 'Ogiltig versionsnyckel');

const Lint = z.object({ kind: z.enum(['bpmn', 'form']), id: ID, content: z.string().min(1, 'Innehållet saknas').max(1_000_000) });
const Deploy = Lint.extend({
  versionTag: z.string().trim().regex(VERSION_TAG, 'Versionsetiketten får bara innehålla bokstäver a–z, siffror och . _ - + (högst 64 tecken, inga mellanslag)').or(z.literal('')).optional(),
  note: z.string().trim().min(3, 'Skriv kort varför ändringen görs (minst 3 tecken), så att andra förstår versionen.').max(500, 'Anteckningen får vara högst 500 tecken.'),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UserError(400, r.error.issues.map((i) => i.message).join(' '));
  return r.data;
}

type Handler = (req: Request, res: Response) => Promise<void> | void;
const h = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => { Promise.resolve(fn(req, res)).catch(next); };

/** The process owners' modeler: pages under /modellering, JSON under /api/modellering; `processagare` only. */
export function modelerRoutes(svc: ModelerService): Router {
  const r = Router();
  r.use(['/modellering', '/api/modellering'], (req, _res, next) => {
    svc.authorize(user(req), `${req.method} ${req.originalUrl}`).then(() => next(), next);
  });

  r.get('/modellering', h(async (req, res) => {
    res.send(overviewPage({ user: user(req), csrf: csrfToken(req) }, await svc.processes(), svc.forms()));
  }));

  r.get('/modellering/processer/:id', h(async (req, res) => {
    const id = parse(ID, req.params.id);
    const versions = await svc.versions(id);
    const key = req.query.version === undefined ? versions[0].key : parse(KEY, req.query.version);
    const current = versions.find((v) => v.key === key);
    if (!current) throw new UserError(404, 'Versionen finns inte för den här processen. Välj en version i listan.');
    res.send(processEditorPage({ user: user(req), csrf: csrfToken(req) }, current, versions, req.query.driftsatt === '1'));
  }));

  r.get('/modellering/processer/:id/jamfor', h(async (req, res) => {
    const id = parse(ID, req.params.id);
    const versions = await svc.versions(id);
    const a = req.query.a === undefined ? (versions[1] ?? versions[0]).key : parse(KEY, req.query.a);
    const b = req.query.b === undefined ? versions[0].key : parse(KEY, req.query.b);
    if (!versions.some((v) => v.key === a) || !versions.some((v) => v.key === b)) throw new UserError(404, 'Versionen finns inte för den här processen. Välj versioner i listan.');
    res.send(diffPage({ user: user(req), csrf: csrfToken(req) }, id, versions, a, b));
  }));

  // Download a deployed version, for version control (commit it to bpmn/).
  r.get('/modellering/versioner/:key/ladda-ner', h(async (req, res) => {
    const { xml, version } = await svc.xml(parse(KEY, req.params.key));
    res.type('application/xml').attachment(version.resourceName.endsWith('.bpmn') ? version.resourceName : `${version.processDefinitionId}.bpmn`).send(xml);
  }));

  r.get('/modellering/formular/:id', h(async (req, res) => {
    const form = await svc.form(parse(ID, req.params.id));
    res.send(formEditorPage({ user: user(req), csrf: csrfToken(req) }, form, req.query.driftsatt === '1'));
  }));

  r.get('/modellering/formular/:id/ladda-ner', h(async (req, res) => {
    const form = await svc.form(parse(ID, req.params.id));
    res.type('application/json').attachment(`${form.formId}.form`).send(form.content);
  }));

  r.get('/api/modellering/versioner/:key/xml', h(async (req, res) => {
    const { xml, version } = await svc.xml(parse(KEY, req.params.key));
    res.json({ xml, version });
  }));

  r.get('/api/modellering/processer/:id/versioner', h(async (req, res) => {
    res.json({ versions: await svc.versions(parse(ID, req.params.id)) });
  }));

  r.get('/api/modellering/formular/:id', h(async (req, res) => {
    res.json(await svc.form(parse(ID, req.params.id)));
  }));

  r.post('/api/modellering/kontroll', h(async (req, res) => {
    const body = parse(Lint, req.body);
    const problems = await svc.lint({ kind: body.kind, name: body.id, path: body.id, content: body.content });
    res.json({ problems, ok: !problems.some((p) => p.category === 'error') });
  }));

  r.post('/api/modellering/driftsattning', h(async (req, res) => {
    const body = parse(Deploy, req.body);
    const { summary, problems } = await svc.deploy(user(req), { kind: body.kind, expectedId: body.id, content: body.content, versionTag: body.versionTag, note: body.note });
    const p = summary.processes[0];
    const f = summary.forms[0];
    res.status(201).json({
      problems,
      deployed: p ? { kind: 'bpmn', id: p.processDefinitionId, version: p.version, key: p.key } : { kind: 'form', id: f.formId, version: f.version, key: f.key },
    });
  }));
  return r;
}
