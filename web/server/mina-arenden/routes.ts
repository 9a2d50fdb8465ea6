import { Router, type Request } from 'express';
import { z } from 'zod';
import type { SessionUser } from '../auth/user';
import { UserError } from '../errors';
import { fmtDate, html, page, type Raw } from '../html';
import { csrfToken } from '../security';
import { groupLabel, kommunLabel, PROCESS_LABEL, processLabel } from '../../../common/labels';
import { normaliseRefQuery, type CaseList, type CaseListQuery, type CaseListRow, type CaseListService } from './service';

const Query = z.object({
  status: z.enum(['pagaende', 'forsenade', 'riskzon', 'avslutade', 'alla'], { message: 'Okänt statusfilter.' }).default('pagaende'),
  process: z.string().regex(/^[a-z0-9-]{0,100}$/, 'Okänd process.').optional(),
  sok: z.string().trim().max(40, 'Sökningen får vara högst 40 tecken.').regex(/^[A-Za-z0-9 -]*$/, 'Sök på ärendenummer, t.ex. VK-2026-000123 eller 000123.').optional(),
  sort: z.enum(['deadline', 'arende', 'process', 'start'], { message: 'Okänd sortering.' }).default('deadline'),
  dir: z.enum(['asc', 'desc'], { message: 'Sorteringsordningen ska vara asc eller desc.' }).default('asc'),
  sida: z.coerce.number({ message: 'Sidnumret ska vara ett tal.' }).int('Sidnumret ska vara ett heltal.').min(1, 'Sidnumret börjar på 1.').max(100_000, 'Sidnumret är för stort.').default(1),
});

const PAGE_SIZE = 50;
const user = (req: { session: { user?: SessionUser } }) => req.session.user!;

const STATUS_TABS: Array<[CaseListQuery['status'], string]> = [['pagaende', 'Pågående'], ['forsenade', 'Försenade'], ['riskzon', 'I riskzon'], ['avslutade', 'Avslutade'], ['alla', 'Alla']];
const STATE: Record<string, string> = { ACTIVE: 'Pågår', COMPLETED: 'Avslutat', TERMINATED: 'Avslutat i förtid' };

function parse(req: Request): CaseListQuery & { raw: z.infer<typeof Query> } {
  const q = Query.safeParse(req.query);
  if (!q.success) throw new UserError(400, `Ogiltig sökning: ${q.error.issues.map((i) => i.message).join(' ')}`);
  return { status: q.data.status, process: q.data.process || undefined, sok: q.data.sok || undefined, sort: q.data.sort, dir: q.data.dir, page: q.data.sida, pageSize: PAGE_SIZE, raw: q.data };
}

/** Who must act: the holder of the nearest open task, else the groups it is offered to. */
export function holder(row: Pick<CaseListRow, 'steps'>, nameOf: (id: string) => string | undefined = (id) => id): string {
  const s = row.steps[0];
  if (!s) return '–';
  const groups = s.candidateGroups.map(groupLabel).join(', ');
  return s.assignee ? `${nameOf(s.assignee) ?? s.assignee}${groups ? ` (${groups})` : ''}` : groups || '–';
}

/** `nameOf`: login id → the name the user signed in with (tasks/names.ts), so holders are people, not ids. */
export function caseListRoutes(svc: CaseListService, nameOf?: (id: string) => string | undefined): Router {
  const r = Router();
  r.get('/api/mina-arenden', async (req, res, next) => {
    try { res.json(await svc.list(user(req), parse(req))); } catch (e) { next(e); }
  });
  r.get('/mina-arenden', async (req, res, next) => {
    try {
      const q = parse(req);
      const list = await svc.list(user(req), q);
      // One hit for a full reference: go straight to the case.
      if (q.sok && list.total === 1 && /^\d{4}-\d{6}$/.test(normaliseRefQuery(q.sok))) { res.redirect(303, `/arenden/${list.rows[0].processInstanceKey}`); return; }
      res.send(page({ title: 'Mina ärenden', user: user(req), csrf: csrfToken(req) }, view(q, list, nameOf)));
    } catch (e) { next(e); }
  });
  return r;
}

function link(q: ReturnType<typeof parse>, change: Record<string, string | number | undefined>): string {
  const p = { status: q.status, process: q.process, sok: q.sok, sort: q.sort, dir: q.dir, sida: q.page, ...change };
  return '/mina-arenden?' + new URLSearchParams(Object.entries(p).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();
}

function view(q: ReturnType<typeof parse>, list: CaseList, nameOf?: (id: string) => string | undefined): Raw {
  const th = (key: CaseListQuery['sort'], label: string) => {
    const active = q.sort === key;
    const dir = active && q.dir === 'asc' ? 'desc' : 'asc';
    return html`<th aria-sort="${active ? (q.dir === 'asc' ? 'ascending' : 'descending') : 'none'}"><a href="${link(q, { sort: key, dir, sida: 1 })}">${label}${active ? (q.dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
  };
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return html`<h1>Mina ärenden</h1>
    <nav class="filters" aria-label="Status">${STATUS_TABS.map(([k, label]) => html`<a href="${link(q, { status: k, sida: 1 })}" class="${q.status === k ? 'active' : ''}" ${q.status === k ? html`aria-current="page"` : ''}>${label}</a>`)}</nav>
    <form class="filters" method="get" action="/mina-arenden" role="search">
      <input type="hidden" name="status" value="${q.status}"><input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.dir}">
      <label>Ärendenummer <input name="sok" value="${q.sok ?? ''}" placeholder="t.ex. 2026-000123" maxlength="40"></label>
      <label>Process <select name="process"><option value="">Alla processer</option>${Object.entries(PROCESS_LABEL).map(([id, label]) => html`<option value="${id}" ${q.process === id ? 'selected' : ''}>${label}</option>`)}</select></label>
      <button>Sök</button>
    </form>
    <p class="hint" id="count">${list.total} ${list.total === 1 ? 'ärende' : 'ärenden'}${list.readModelAt ? ` · uppdaterad ${fmtDate(list.readModelAt)}` : ''}</p>
    ${list.rows.length === 0 ? html`<p class="empty">Inga ärenden matchar. Ändra filtret eller sök på en del av ärendenumret.</p>` : html`
    <div class="table-wrap"><table class="cases">
      <thead><tr>${th('arende', 'Ärende')}${th('process', 'Process')}<th>Aktuellt steg</th>${th('deadline', 'Nästa tidsfrist')}<th>Vem ska agera</th><th>Kommun</th><th>Status</th></tr></thead>
      <tbody>${list.rows.map((row) => html`<tr>
        <td><a href="/arenden/${row.processInstanceKey}">${row.caseRef ?? `(utan nummer) ${row.processInstanceKey}`}</a></td>
        <td>${processLabel(row.processDefinitionId)}</td>
        <td>${row.steps.length ? row.steps.map((s) => s.name).join(', ') : row.state === 'ACTIVE' ? 'Väntar (ingen öppen uppgift)' : '–'}</td>
        <td class="${row.late ? 'overdue' : row.atRisk ? 'soon' : ''}">${row.nextDue ? fmtDate(row.nextDue) : '–'}${row.late ? html` <span class="badge overdue">${lateText(row)}</span>` : row.atRisk ? html` <span class="badge soon">I riskzon</span>` : ''}</td>
        <td>${holder(row, nameOf)}</td>
        <td>${kommunLabel(row.kommun)}</td>
        <td>${STATE[row.state] ?? row.state}</td>
      </tr>`)}</tbody></table></div>
    <nav class="pager" aria-label="Sidor">${q.page > 1 ? html`<a href="${link(q, { sida: q.page - 1 })}">← Föregående</a>` : ''} <span>Sida ${q.page} av ${pages}</span> ${q.page < pages ? html`<a href="${link(q, { sida: q.page + 1 })}">Nästa →</a>` : ''}</nav>`}`;
}

/** The latest of the case's late steps decides: "Försenad 3 dagar", "Försenad sedan idag kl. 14.00". */
function lateText(row: CaseListRow): string {
  const worst = row.steps.filter((s) => s.late).sort((a, b) => (b.daysLate ?? 0) - (a.daysLate ?? 0) || String(a.dueDate).localeCompare(String(b.dueDate)))[0];
  return `Försenad ${worst?.lateText ?? 'sedan idag'}`;
}
