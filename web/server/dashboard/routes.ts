import { Router, type Request } from 'express';
import { z } from 'zod';
import { managedKommuner, type SessionUser } from '../auth/user';
import { UserError, forbidden } from '../errors';
import { html, page } from '../html';
import { csrfToken } from '../security';
import type { DashboardService } from './service';

export const KOMMUNER = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];
const KOMMUN_LABEL: Record<string, string> = { vaxjo: 'Växjö', alvesta: 'Alvesta', lessebo: 'Lessebo', tingsryd: 'Tingsryd', almhult: 'Älmhult', markaryd: 'Markaryd', ljungby: 'Ljungby', uppvidinge: 'Uppvidinge' };
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum ska skrivas ÅÅÅÅ-MM-DD');
const Query = z.object({ kommun: z.enum(KOMMUNER as [string, ...string[]]).or(z.literal('')).optional(), from: date.or(z.literal('')).optional(), to: date.or(z.literal('')).optional() });

const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

function filterFrom(req: Request) {
  const allowed = managedKommuner(user(req));
  if (allowed !== 'all' && allowed.length === 0) throw forbidden('Översikten är till för chefer. Du saknar chefsbehörighet.');
  const q = Query.safeParse(req.query);
  if (!q.success) throw new UserError(400, `Ogiltigt filter: ${q.error.issues.map((i) => i.message).join(', ')}`);
  const kommun = q.data.kommun || undefined;
  if (kommun && allowed !== 'all' && !allowed.includes(kommun)) throw forbidden('Du kan bara följa upp din egen kommun.');
  return { allowed, kommun, from: q.data.from ? `${q.data.from}T00:00:00.000Z` : undefined, to: q.data.to ? new Date(Date.parse(`${q.data.to}T00:00:00Z`) + 86_400_000).toISOString() : undefined, raw: q.data };
}

export function dashboardRoutes(svc: DashboardService): Router {
  const r = Router();
  r.get('/oversikt', (req, res, next) => {
    try {
      const f = filterFrom(req);
      const kommuner = f.allowed === 'all' ? KOMMUNER : f.allowed;
      res.send(page({ title: 'Översikt', user: user(req), csrf: csrfToken(req), scripts: ['/vendor/chart.js/chart.umd.js', '/static/dashboard.js'] }, html`
        <h1>Översikt för chefer</h1>
        <form class="filters" method="get" action="/oversikt" id="filter">
          <label>Kommun <select name="kommun"><option value="">${f.allowed === 'all' ? 'Alla kommuner' : 'Mina kommuner'}</option>${kommuner.map((k) => html`<option value="${k}" ${f.kommun === k ? 'selected' : ''}>${KOMMUN_LABEL[k] ?? k}</option>`)}</select></label>
          <label>Från <input type="date" name="from" value="${f.raw.from ?? ''}"></label>
          <label>Till <input type="date" name="to" value="${f.raw.to ?? ''}"></label>
          <button>Visa</button> <a id="csv" class="button secondary" href="/oversikt.csv?${new URLSearchParams(Object.entries(f.raw).filter(([, v]) => v) as [string, string][]).toString()}">Exportera CSV</a>
        </form>
        <p id="updated" class="hint"></p>
        <div class="kpis" id="kpis"></div>
        <div class="charts">
          <figure><figcaption>Tidsfrister hållna per samverkansområde (%)</figcaption><canvas id="chart-compliance"></canvas></figure>
          <figure><figcaption>Öppna uppgifter: i riskzon och försenade</figcaption><canvas id="chart-risk"></canvas></figure>
          <figure><figcaption>Kö och väntetid per boende</figcaption><canvas id="chart-queue"></canvas></figure>
          <figure><figcaption>Ärenden via remissgruppen per kommun</figcaption><canvas id="chart-remiss"></canvas></figure>
        </div>
        <section><h2>Tabell</h2><div id="table"></div></section>`));
    } catch (e) { next(e); }
  });
  r.get('/api/oversikt', async (req, res, next) => {
    try { const f = filterFrom(req); res.json(await svc.dashboard(user(req), f)); } catch (e) { next(e); }
  });
  r.get('/oversikt.csv', async (req, res, next) => {
    try {
      const f = filterFrom(req);
      const csv = await svc.csv(user(req), f);
      res.type('text/csv; charset=utf-8').attachment(`vardkedjan-oversikt-${new Date().toISOString().slice(0, 10)}.csv`).send(csv);
    } catch (e) { next(e); }
  });
  return r;
}
