import type { SessionUser } from '../auth/user';
import { fmtDate, fmtDateLong, html, page, raw, type Raw } from '../html';
import { KOMMUN_NAMES, PROCESS_NAMES, groupName, kommunName } from '../labels';
import { formTitle, inputComponents, type FormSchema } from './form-catalog';
import type { ContextValue, InboxPage, InboxQuery, TaskFilter, TaskSort, TaskView } from './service';

const num = (n: number) => n.toLocaleString('sv-SE');

interface Ctx { user: SessionUser; csrf: string; flash?: string }

const FILTERS: Array<{ id: TaskFilter; label: string }> = [
  { id: 'alla', label: 'Alla mina och gruppens' },
  { id: 'mina', label: 'Tilldelade mig' },
  { id: 'grupp', label: 'Min grupps (ej tilldelade)' },
  { id: 'forsenade', label: 'Försenade' },
  { id: 'snart', label: 'Förfaller snart' },
];

/** The inbox URL for `q` with some values changed (defaults left out, so links stay short). */
function inboxHref(q: InboxQuery, change: Partial<InboxQuery>): string {
  const n = { ...q, ...change };
  const p = new URLSearchParams();
  if (n.filter !== 'alla') p.set('filter', n.filter);
  if (n.ref) p.set('arende', n.ref);
  if (n.process) p.set('process', n.process);
  if (n.kommun) p.set('kommun', n.kommun);
  if (n.sort !== 'dueDate') p.set('sortera', n.sort);
  if (n.order !== 'asc') p.set('ordning', n.order);
  if (n.size !== 50) p.set('antal', String(n.size));
  if (n.page !== 1) p.set('sida', String(n.page));
  const s = p.toString();
  return s ? `/uppgifter?${s}` : '/uppgifter';
}

function dueCell(t: TaskView): Raw {
  const cls = t.overdue ? 'overdue' : t.dueSoon ? 'soon' : '';
  const label = t.overdue ? 'Försenad' : t.dueSoon ? 'Förfaller snart' : '';
  return html`<td class="col-due ${cls}">${t.dueDate ? html`<time datetime="${t.dueDate}">${fmtDate(t.dueDate)}</time>` : 'Ingen'}${label ? html` <span class="badge ${cls}">${label}</span>` : ''}</td>`;
}

function sortHeader(q: InboxQuery, sort: TaskSort, label: string, cls: string): Raw {
  const active = q.sort === sort;
  const next = active && q.order === 'asc' ? 'desc' : 'asc';
  const ariaSort = active ? (q.order === 'asc' ? 'ascending' : 'descending') : 'none';
  return html`<th scope="col" class="${cls}" aria-sort="${ariaSort}"><a href="${inboxHref(q, { sort, order: next, page: 1 })}">${label}${active ? (q.order === 'asc' ? ' ▲' : ' ▼') : ''}<span class="sr"> (sortera)</span></a></th>`;
}

function pager(p: InboxPage): Raw {
  if (p.pages <= 1) return raw('');
  const q = p.query;
  const shown = [...new Set([1, p.page - 2, p.page - 1, p.page, p.page + 1, p.page + 2, p.pages])].filter((n) => n >= 1 && n <= p.pages).sort((a, b) => a - b);
  const links: Raw[] = [];
  let last = 0;
  for (const n of shown) {
    if (n - last > 1) links.push(html`<li aria-hidden="true">…</li>`);
    links.push(n === p.page ? html`<li><a aria-current="page" href="${inboxHref(q, { page: n })}">${n}</a></li>` : html`<li><a href="${inboxHref(q, { page: n })}">${n}</a></li>`);
    last = n;
  }
  return html`<nav class="pager" aria-label="Sidor">
    ${p.page > 1 ? html`<a rel="prev" href="${inboxHref(q, { page: p.page - 1 })}">← Föregående</a>` : ''}
    <ul>${links}</ul>
    ${p.page < p.pages ? html`<a rel="next" href="${inboxHref(q, { page: p.page + 1 })}">Nästa →</a>` : ''}
  </nav>`;
}

export function inboxPage(c: Ctx, p: InboxPage): string {
  const q = p.query;
  const first = p.total === 0 ? 0 : (p.page - 1) * p.size + 1;
  const lastRow = Math.min(p.total, p.page * p.size);
  const searching = !!(q.ref || q.process || q.kommun);
  return page({ title: 'Uppgifter', user: c.user, csrf: c.csrf, flash: c.flash }, html`
    <h1>Uppgifter</h1>
    <nav class="filters" aria-label="Urval">${FILTERS.map((f) => html`<a href="${inboxHref(q, { filter: f.id, page: 1 })}" ${f.id === q.filter ? raw('aria-current="page" class="active"') : ''}>${f.label}</a>`)}</nav>
    <form class="inbox-search" method="get" action="/uppgifter" role="search" aria-label="Sök uppgifter">
      ${q.filter !== 'alla' ? html`<input type="hidden" name="filter" value="${q.filter}">` : ''}
      <label>Ärendenummer <input name="arende" value="${q.ref ?? ''}" placeholder="t.ex. 000123 eller VK-2026-000123" autocomplete="off"></label>
      <label>Process <select name="process"><option value="">Alla processer</option>${Object.entries(PROCESS_NAMES).map(([id, name]) => html`<option value="${id}" ${q.process === id ? raw('selected') : ''}>${name}</option>`)}</select></label>
      <label>Kommun <select name="kommun"><option value="">Alla kommuner</option>${Object.entries(KOMMUN_NAMES).map(([slug, name]) => html`<option value="${slug}" ${q.kommun === slug || q.kommun === name ? raw('selected') : ''}>${name}</option>`)}</select></label>
      <button>Sök</button>${searching ? html` <a href="${inboxHref(q, { ref: undefined, process: undefined, kommun: undefined, page: 1 })}">Rensa sökningen</a>` : ''}
    </form>
    <p class="count" role="status">${p.total === 0 ? (searching ? 'Inga uppgifter matchar sökningen.' : 'Inga uppgifter just nu.') : `Visar ${num(first)}–${num(lastRow)} av ${num(p.total)} uppgifter`}</p>
    ${p.items.length === 0 ? '' : html`
    <table class="tasks"><caption class="sr">Uppgifter, sida ${p.page} av ${p.pages}</caption><thead><tr>
      ${sortHeader(q, 'name', 'Uppgift', 'col-name')}<th scope="col" class="col-ref">Ärende</th><th scope="col" class="col-process">Process</th><th scope="col" class="col-kommun">Kommun</th>
      <th scope="col" class="col-group">Grupp</th><th scope="col" class="col-holder">Tilldelad</th>${sortHeader(q, 'dueDate', 'Tidsfrist', 'col-due')}${sortHeader(q, 'creationDate', 'Skapad', 'col-created')}
    </tr></thead><tbody>
    ${p.items.map((t) => html`<tr data-task="${t.userTaskKey}"><td class="col-name"><a href="/uppgifter/${t.userTaskKey}">${t.name}</a>${t.assigneeName ? html`<span class="holder-inline">Tilldelad ${t.assigneeName}</span>` : ''}</td><td class="col-ref">${t.caseRef ?? '–'}</td>
      <td class="col-process">${t.processName}</td><td class="col-kommun">${kommunName(t.kommun)}</td><td class="col-group">${t.candidateGroups.map(groupName).join(', ')}</td>
      <td class="col-holder">${t.assigneeName ?? html`<span class="muted">Ingen</span>`}</td>${dueCell(t)}<td class="col-created">${fmtDate(t.creationDate)}</td></tr>`)}
    </tbody></table>`}
    ${pager(p)}`);
}

type TaskForm = { task: TaskView; schema: FormSchema | null; data: Record<string, unknown>; context: ContextValue[]; printable: boolean };

function contextSection(context: ContextValue[]): Raw {
  if (context.length === 0) return raw('');
  const groups = [...new Set(context.map((c) => c.group))];
  return html`<section class="context" aria-labelledby="context-h"><h2 id="context-h">Underlag från tidigare steg</h2>
    ${groups.map((g) => html`<h3>${g}</h3><dl class="meta">${context.filter((c) => c.group === g).map((c) => html`<dt>${c.label}</dt><dd>${c.text}</dd>`)}</dl>`)}</section>`;
}

export function taskPage(c: Ctx, f: TaskForm): string {
  const t = f.task;
  const mine = t.assignee === c.user.id;
  const csrf = c.csrf;
  const post = (action: string, label: string, cls = '') => html`<form method="post" action="/uppgifter/${t.userTaskKey}/${action}"><input type="hidden" name="_csrf" value="${csrf}"><button class="${cls}">${label}</button></form>`;
  return page({
    title: t.name, user: c.user, csrf, flash: c.flash,
    styles: ['/vendor/form-js/form-js.css'], scripts: ['/static/form-sv.js', '/vendor/form-js/form-viewer.umd.js', '/vendor/flatpickr/l10n/sv.js', '/static/flatpickr-sv.js', '/static/form-page.js', '/static/task.js'],
    bodyData: { task: t.userTaskKey, state: t.state, mine: String(mine) },
  }, html`
    <p><a href="/uppgifter">← Tillbaka till uppgifter</a></p>
    <h1>${t.name}</h1>
    <dl class="meta"><dt>Ärende</dt><dd><a href="/arenden/${t.processInstanceKey}">${t.caseRef ?? t.processInstanceKey}</a></dd>
      <dt>Process</dt><dd>${t.processName}</dd><dt>Kommun</dt><dd>${kommunName(t.kommun)}</dd><dt>Grupp</dt><dd>${t.candidateGroups.map(groupName).join(', ')}</dd>
      <dt>Tilldelad</dt><dd>${t.assigneeName ?? 'Ingen'}</dd><dt>Tidsfrist</dt><dd class="${t.overdue ? 'overdue' : ''}">${t.dueDate ? fmtDateLong(t.dueDate) : 'Ingen'}${t.overdue ? ' (försenad)' : ''}</dd></dl>
    ${contextSection(f.context)}
    ${f.printable ? html`<p><a href="/uppgifter/${t.userTaskKey}/utskrift">Utskriftsvy av ${f.schema ? formTitle(f.schema).toLowerCase() : 'formuläret'}</a></p>` : ''}
    ${t.state !== 'CREATED' ? html`<p class="flash">Uppgiften är redan slutförd.</p>` : html`
    <div class="actions">
      ${mine ? post('lamna', 'Lämna tillbaka', 'secondary') : t.assignee ? '' : post('ta', 'Ta uppgiften')}
    </div>
    ${t.assignee && !mine ? html`<details class="takeover"><summary>Ta över uppgiften från ${t.assigneeName}</summary>
      <p>${t.assigneeName} har uppgiften. Ta bara över den om hen inte kan slutföra den (t.ex. vid frånvaro) – helst efter att ni har pratat. Övertagandet loggas.</p>
      ${post('ta-over', `Ja, ta över från ${t.assigneeName}`)}</details>` : ''}
    <h2>Formulär</h2>
    <div id="error-summary" class="error-summary" role="alert" tabindex="-1" hidden></div>
    <div id="form-status" role="status" aria-live="polite"></div>
    <div id="form" class="${mine ? '' : 'readonly'}"></div>
    ${mine ? html`<button id="complete" type="button" disabled aria-describedby="form-status">Slutför uppgiften</button>` : html`<p class="hint">Ta uppgiften för att fylla i och slutföra formuläret.</p>`}`}`);
}

/** Answers as text, with the option labels of the form. */
function answer(v: unknown, values?: Array<{ label: string; value: unknown }>): string {
  if (v === undefined || v === null || v === '') return 'Ej ifyllt';
  const label = (x: unknown) => values?.find((o) => o.value === x)?.label ?? String(x);
  if (Array.isArray(v)) return v.map(label).join(', ') || 'Inget valt';
  if (typeof v === 'boolean') return v ? 'Ja' : 'Nej';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return fmtDateLong(v);
  return label(v);
}

/** A print view of a form's answers (uppdragsblankett, SIP plan) and its context. */
export function printPage(c: Omit<Ctx, 'flash'>, f: TaskForm): string {
  const t = f.task;
  const fields = f.schema ? inputComponents(f.schema) : [];
  return page({ title: `Utskrift – ${t.name}`, user: c.user, csrf: c.csrf, scripts: ['/static/print.js'] }, html`
    <div class="print">
      <p class="no-print"><a href="/uppgifter/${t.userTaskKey}">← Tillbaka till uppgiften</a> <button type="button" id="print">Skriv ut</button></p>
      <h1>${f.schema ? formTitle(f.schema) : t.name}</h1>
      <dl class="meta"><dt>Ärende</dt><dd>${t.caseRef ?? t.processInstanceKey}</dd><dt>Kommun</dt><dd>${kommunName(t.kommun)}</dd>
        <dt>Steg</dt><dd>${t.name} (${t.state === 'CREATED' ? 'pågår' : 'slutfört'})</dd><dt>Utskrivet</dt><dd>${fmtDateLong(new Date().toISOString())} av ${c.user.name}</dd></dl>
      <h2>Svar</h2>
      <dl class="meta answers">${fields.map((x) => html`<dt>${x.label ?? x.key}</dt><dd>${answer(f.data[x.key!], x.values)}</dd>`)}</dl>
      ${contextSection(f.context)}
      <p class="hint">Innehåller uppgifter om en enskild. Förvara utskriften inlåst och förstör den när den inte behövs.</p>
    </div>`);
}
