import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { managedKommuner, type SessionUser } from '../auth/user';
import { UserError, forbidden } from '../errors';
import { dateInput, fmtDate, html, page, type Raw } from '../html';
import { DRILL_KINDS, drillCsv, stockholmDate, type Cell, type Column, type DrillList } from './drilldown';
import { fmtInt, fmtNumber } from '../time/format';
import { csrfToken } from '../security';
import type { DashboardService } from './service';

export const KOMMUNER = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];
const KOMMUN_LABEL: Record<string, string> = { vaxjo: 'Växjö', alvesta: 'Alvesta', lessebo: 'Lessebo', tingsryd: 'Tingsryd', almhult: 'Älmhult', markaryd: 'Markaryd', ljungby: 'Ljungby', uppvidinge: 'Uppvidinge' };
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum ska skrivas ÅÅÅÅ-MM-DD');
const Query = z.object({ kommun: z.enum(KOMMUNER as [string, ...string[]]).or(z.literal('')).optional(), from: date.or(z.literal('')).optional(), to: date.or(z.literal('')).optional() });

const DrillQuery = z.object({
  visa: z.enum(DRILL_KINDS, { message: 'Välj en lista från översikten.' }),
  process: z.string().regex(/^[a-z0-9-]{0,100}$/, 'Okänd process.').optional(),
  home: z.enum(['ekeliden', 'novus'], { message: 'Boendet ska vara ekeliden eller novus.' }).or(z.literal('')).optional(),
  frist: z.string().max(200, 'Okänd tidsfrist.').optional(),
});

const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

const qs = (o: Record<string, string | undefined>) => new URLSearchParams(Object.entries(o).filter(([, v]) => v) as [string, string][]).toString();

/** A drill-down list as HTML (table with caseRef links), JSON (`/api/…`) or CSV (`….csv`). */
function sendList(req: Request, res: Response, list: DrillList & { readModelAt?: string }, file: string, listQs: string, base: string, intro?: Raw): void {
  if (req.path.startsWith('/api/')) { res.json(list); return; }
  if (req.path.endsWith('.csv')) { res.type('text/csv; charset=utf-8').attachment(`${file}-${new Date().toISOString().slice(0, 10)}.csv`).send(drillCsv(list)); return; }
  res.send(page({ title: list.title, user: user(req), csrf: csrfToken(req) }, html`
    <p><a href="/oversikt?${qs(Object.fromEntries(new URLSearchParams(listQs)) as Record<string, string>)}">← Till översikten</a></p>
    <h1>${list.title}</h1>${intro ?? ''}
    <p class="hint"><span id="count">${fmtInt(list.rows.length)} ${list.rows.length === 1 ? 'ärende' : 'rader'}</span>${list.readModelAt ? ` · uppdaterad ${fmtDate(list.readModelAt)}` : ''} · <a href="${base}.csv?${listQs}">Exportera CSV</a></p>
    ${list.rows.length === 0 ? html`<p class="empty">Inga ärenden.</p>` : html`<div class="table-wrap"><table class="drill"><thead><tr>${list.columns.map((c) => html`<th>${c.label}</th>`)}</tr></thead>
    <tbody>${list.rows.map((r) => html`<tr>${r.cells.map((v, i) => i === 0
      ? html`<td>${r.processInstanceKey ? html`<a href="/arenden/${r.processInstanceKey}">${v ?? '(utan nummer)'}</a>` : v ?? '–'}</td>`
      : html`<td class="${list.columns[i].kind === 'days' ? 'num' : ''}">${r.shown?.[i] ?? cellText(v, list.columns[i])}</td>`)}</tr>`)}</tbody></table></div>`}`));
}

function cellText(v: Cell, c: Column): string {
  if (v === null || v === undefined || v === '') return '–';
  if (c.kind === 'date') return fmtDate(String(v));
  if (c.kind === 'day') return stockholmDate(String(v)) ?? '–';
  if (typeof v === 'number') return fmtNumber(v);
  return String(v);
}

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
          <label>Från ${dateInput({ name: 'from', value: f.raw.from ?? '' })}</label>
          <label>Till ${dateInput({ name: 'to', value: f.raw.to ?? '' })}</label>
          <button>Visa</button> <a id="csv" class="button secondary" href="/oversikt.csv?${qs(f.raw)}">Exportera CSV</a>
          <a id="ivo" class="button secondary" href="/oversikt/ej-verkstallda?${qs(f.raw)}">Ej verkställda beslut (IVO)</a>
        </form>
        <p id="updated" class="hint"></p>
        <div class="kpis" id="kpis"></div>
        <div class="charts">
          <figure><figcaption>Tidsfrister hållna per samverkansområde (procent)</figcaption><canvas id="chart-compliance" aria-label="Andel avslutade uppgifter inom tidsfrist per samverkansområde, i procent"></canvas></figure>
          <figure><figcaption>Öppna uppgifter i riskzon och försenade (antal)</figcaption><canvas id="chart-risk" aria-label="Antal öppna uppgifter i riskzon och försenade per samverkansområde"></canvas></figure>
          <figure><figcaption>Kö per boende (antal ärenden)</figcaption><canvas id="chart-queue" aria-label="Antal ärenden i kö per boende"></canvas></figure>
          <figure><figcaption>Väntetid per boende (dagar)</figcaption><canvas id="chart-wait" aria-label="Genomsnittlig väntetid i dagar per boende"></canvas></figure>
          <figure><figcaption>Ärenden via remissgruppen per kommun (antal)</figcaption><canvas id="chart-remiss" aria-label="Antal ärenden via remissgruppen per kommun"></canvas></figure>
        </div>
        <section><h2>Tidsfrister för placeringar</h2><p class="hint">Omprövning, LVM-vårdens längsta tid, akutplacering och förlängning, kostnadsfördelning för akutplacering och beslut som inte verkställts – öppna tidsfrister per ärende.</p><div id="placement-deadlines"></div></section>
        <p class="hint">Klicka på en siffra, en stapel eller en rad för att se ärendena bakom den.</p>
        <section><h2>Tabell</h2><div id="table"></div></section>`));
    } catch (e) { next(e); }
  });
  r.get(['/oversikt/arenden', '/oversikt/arenden.csv', '/api/oversikt/arenden'], async (req, res, next) => {
    try {
      const f = filterFrom(req);
      const d = DrillQuery.safeParse(req.query);
      if (!d.success) throw new UserError(400, `Ogiltig lista: ${d.error.issues.map((i) => i.message).join(', ')}`);
      const list = await svc.drill(user(req), f, d.data.visa, { process: d.data.process || undefined, home: d.data.home || undefined, frist: d.data.frist || undefined });
      const listQs = qs({ ...f.raw, visa: d.data.visa, process: d.data.process, home: d.data.home, frist: d.data.frist });
      sendList(req, res, list, `vardkedjan-${d.data.visa}`, listQs, '/oversikt/arenden');
    } catch (e) { next(e); }
  });
  r.get(['/oversikt/ej-verkstallda', '/oversikt/ej-verkstallda.csv', '/api/oversikt/ej-verkstallda'], async (req, res, next) => {
    try {
      const f = filterFrom(req);
      const list = await svc.ejVerkstallda(user(req), f);
      sendList(req, res, list, 'ej-verkstallda-beslut', qs(f.raw), '/oversikt/ej-verkstallda',
        html`<p>Beviljade beslut om placering som inte verkställts inom tre månader från beslutet: ej verkställda på rapportdagen (periodens slut, annars i dag) och sådana som verkställts för sent under perioden. Underlag för kvartalsrapporten till IVO (SoL 16 kap. 6 f §) – ett ärende per rad, med ärendenummer och datum, utan personuppgifter.</p>`);
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
