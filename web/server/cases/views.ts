import crypto from 'node:crypto';
import { dateInput, fmtDate, html, page, raw, type Raw } from '../html';
import type { SessionUser } from '../auth/user';
import type { ActionDef, FieldDef } from './actions';
import { deadlineLabel, groupLabel, homeLabel, INSTANCE_STATE, kommunLabel, TASK_STATE } from './labels';
import type { CaseFull, CaseView, PsychiatryStart } from './service';
import { KOMMUN_SLUGS } from './service';

/** A re-shown form after a refused submit: which action, what the user typed, what is wrong. Nothing is lost. */
export interface FormState { id: string; values: Record<string, unknown>; errors: Record<string, string> }

const oneTimeToken = () => crypto.randomBytes(18).toString('base64url');
const fid = (form: string, field: string) => `f-${form}-${field}`;

/** Error summary on top of a form; each message links to its field (issue 12 item 8). */
export function errorSummary(form: string, errors: Record<string, string>, labels: Record<string, string>): Raw {
  const entries = Object.entries(errors);
  if (!entries.length) return raw('');
  return html`<div class="error-summary" role="alert" tabindex="-1"><p>Formuläret skickades inte. Rätta följande:</p><ul>${entries.map(([k, m]) =>
    k === '_' ? html`<li>${m}</li>` : html`<li><a href="#${fid(form, k)}">${labels[k] ?? k}: ${m}</a></li>`)}</ul></div>`;
}

function field(form: string, f: FieldDef, values: Record<string, unknown>, errors: Record<string, string>): Raw {
  const id = fid(form, f.name);
  const err = errors[f.name];
  const errHtml = err ? html`<span class="field-error" id="${id}-fel">${err}</span>` : raw('');
  const described = err ? `${id}-fel` : '';
  const v = values[f.name];
  switch (f.type) {
    case 'date':
      return html`<p class="field${err ? ' invalid' : ''}"><label for="${id}">${f.label}</label>${errHtml}${dateInput({ id, name: f.name, value: typeof v === 'string' ? v : '', describedBy: described, required: true })}${f.help ? html`<small>${f.help}</small>` : ''}</p>`;
    case 'text':
      return html`<p class="field${err ? ' invalid' : ''}"><label for="${id}">${f.label}</label>${errHtml}<input id="${id}" name="${f.name}" value="${typeof v === 'string' ? v : ''}" aria-describedby="${described}">${f.help ? html`<small>${f.help}</small>` : ''}</p>`;
    case 'select':
      return html`<p class="field${err ? ' invalid' : ''}"><label for="${id}">${f.label}</label>${errHtml}<select id="${id}" name="${f.name}" aria-describedby="${described}"><option value="">Välj …</option>${(f.options ?? []).map((o) => html`<option value="${o.value}"${o.value === v ? raw(' selected') : ''}>${o.label}</option>`)}</select></p>`;
    case 'radio':
    case 'checkbox-group': {
      const type = f.type === 'radio' ? 'radio' : 'checkbox';
      const chosen = Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
      return html`<fieldset class="field${err ? ' invalid' : ''}" id="${id}" aria-describedby="${described}"><legend>${f.label}</legend>${errHtml}${(f.options ?? []).map((o, i) =>
        html`<label class="choice"><input type="${type}" name="${f.name}" value="${o.value}" id="${i === 0 ? `${id}-0` : `${id}-${i}`}"${chosen.includes(o.value) ? raw(' checked') : ''}> ${o.label}</label>`)}${f.help ? html`<small>${f.help}</small>` : ''}</fieldset>`;
    }
    case 'hidden-confirm':
      return html`<p class="field${err ? ' invalid' : ''}">${errHtml}<label class="choice"><input type="checkbox" id="${id}" name="${f.name}" value="ja"${v === 'ja' ? raw(' checked') : ''} aria-describedby="${described}"> ${f.label}</label></p>`;
  }
}

function actionForm(caseRef: string, csrf: string, def: ActionDef, state: FormState | undefined): Raw {
  const mine = state?.id === def.id ? state : undefined;
  const labels = Object.fromEntries(def.fields.map((f) => [f.name, f.label]));
  return html`<details class="action" id="atgard-${def.id}"${mine ? raw(' open') : ''}><summary>${def.label}</summary>
    <form method="post" action="/arenden/${caseRef}/atgarder/${def.id}" class="action-form" novalidate>
      ${errorSummary(def.id, mine?.errors ?? {}, labels)}
      <p class="help">${def.description}</p>
      <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="token" value="${oneTimeToken()}">
      ${def.fields.map((f) => field(def.id, f, mine?.values ?? {}, mine?.errors ?? {}))}
      <button type="submit">${def.label}</button>
    </form></details>`;
}

function placeText(p: NonNullable<CaseFull['place']>): string {
  const home = homeLabel(p.home);
  switch (p.status) {
    case 'queued': return `I kö till ${home}: plats ${p.position ?? '–'} i kön (prioritet ${p.priorityReason}; biståndsbeslut ${fmtDate(p.decisionDate)}).`;
    case 'admitted': return `Har plats på ${home} sedan ${fmtDate(p.admittedAt)}.`;
    case 'discharged': return `Utskriven från ${home} ${fmtDate(p.leftAt)}; platsen är frigjord.`;
    default: return `Inte längre i kö till ${home} (${fmtDate(p.leftAt)}).`;
  }
}

function summaryBox(c: CaseFull): Raw {
  const s = c.summary;
  return html`<section class="summary" aria-labelledby="lage"><h2 id="lage">Var står ärendet?</h2>
    <p class="status">${s.status}</p>
    ${c.place ? html`<p class="place">${placeText(c.place)}</p>` : ''}
    ${s.next ? html`<dl class="meta"><dt>Nästa steg</dt><dd>${s.next.userTaskKey ? html`<a href="/uppgifter/${s.next.userTaskKey}">${s.next.what}</a>` : s.next.what}</dd>
      <dt>Vem ska göra det</dt><dd>${s.next.who}</dd>
      <dt>Senast</dt><dd class="${s.next.overdue ? 'overdue' : ''}">${s.next.due ? fmtDate(s.next.due) : 'Ingen tidsfrist för steget'}${s.next.overdue ? ' – försenad' : ''}</dd>
      ${s.upcoming && s.upcoming.value !== s.next.due ? html`<dt>Närmaste tidsgräns i ärendet</dt><dd>${s.upcoming.label}: ${fmtDate(s.upcoming.value)}</dd>` : ''}</dl>` : ''}
  </section>`;
}

function processTable(c: CaseFull, selected: string | undefined): Raw {
  const byKey = new Map(c.processes.map((p) => [p.processInstanceKey, p]));
  return html`<section aria-labelledby="processer"><h2 id="processer">Ärendets processer</h2>
    <div class="table-wrap"><table class="processes"><thead><tr><th>Process</th><th>Status</th><th>Nuvarande steg</th><th>Startad</th><th>Avslutad</th></tr></thead><tbody>
    ${c.processes.map((p) => {
      const parent = p.parentProcessInstanceKey ? byKey.get(p.parentProcessInstanceKey) : undefined;
      // Open tasks link to the task page; waits and automatic steps are named only.
      const taskNames = new Set(p.openTasks.map((t) => t.name));
      const waits = p.currentSteps.filter((s) => !taskNames.has(s));
      const steps = p.state !== 'ACTIVE' ? html`–` : html`${p.openTasks.map((t, i) => html`${i ? ', ' : ''}<a href="/uppgifter/${t.userTaskKey}">${t.name}</a>`)}${p.openTasks.length && waits.length ? ', ' : ''}${waits.join(', ')}${!p.openTasks.length && !waits.length ? '–' : ''}`;
      return html`<tr class="${p.processInstanceKey === selected ? 'selected' : ''}" data-process="${p.processDefinitionId}">
        <td><a href="/arenden/${c.caseRef}?process=${p.processInstanceKey}"${p.processInstanceKey === selected ? raw(' aria-current="true"') : ''}>${p.name}</a>${parent ? html`<br><small>anropad från ${parent.name}</small>` : ''}</td>
        <td>${INSTANCE_STATE[p.state] ?? p.state}</td><td class="steps">${steps}</td><td>${fmtDate(p.startDate)}</td><td>${fmtDate(p.endDate)}</td></tr>`;
    })}</tbody></table></div></section>`;
}

export function casePage(o: { user: SessionUser; csrf: string; flash?: string; c: CaseFull; selected?: CaseView; form?: FormState; nameOf?: (id: string | undefined) => string | undefined }): string {
  const { c, selected } = o;
  const applicable = c.actions.filter((a) => a.applies);
  const notNow = c.actions.filter((a) => !a.applies);
  const sel = selected;
  return page({
    title: `Ärende ${c.caseRef}`, user: o.user, csrf: o.csrf, flash: o.flash,
    styles: ['/vendor/bpmn-js/diagram-js.css', '/vendor/bpmn-js/bpmn-js.css', '/vendor/bpmn-js/bpmn-font/css/bpmn.css'],
    scripts: ['/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js', '/static/case.js'], bodyData: sel ? { case: sel.processInstanceKey } : {},
  }, html`
    <h1>Ärende ${c.caseRef} <small>${kommunLabel(c.kommun)}</small></h1>
    ${summaryBox(c)}
    <section aria-labelledby="atgarder"><h2 id="atgarder">Åtgärder</h2>
      ${applicable.length ? html`<div class="case-actions">${applicable.map((a) => actionForm(c.caseRef, o.csrf, a.def, o.form))}</div>` : html`<p class="empty">Du har inga åtgärder att göra i ärendet just nu.</p>`}
      ${notNow.length ? html`<details class="not-now"><summary>Åtgärder som inte går just nu</summary><ul>${notNow.map((a) => html`<li><strong>${a.def.label}</strong>: ${a.def.notNow}</li>`)}</ul></details>` : ''}
    </section>
    ${processTable(c, sel?.processInstanceKey)}
    ${sel ? html`<section aria-labelledby="vald"><h2 id="vald">${sel.processName} <small>(${INSTANCE_STATE[sel.state] ?? sel.state})</small></h2>
      <p class="legend"><span class="key active"></span> Aktivt steg <span class="key overdue"></span> Försenat steg <span class="key done"></span> Genomfört
        <span class="zoom" role="group" aria-label="Zooma diagrammet"><button type="button" class="link" data-zoom="in">Zooma in</button> <button type="button" class="link" data-zoom="out">Zooma ut</button> <button type="button" class="link" data-zoom="fit">Hela diagrammet</button></span></p>
      <div id="diagram" class="diagram" aria-label="Processdiagram: dra för att flytta, scrolla med Ctrl för att zooma"></div>
      <h3>Uppgifter och tidsfrister</h3>${sel.tasks.length === 0 ? html`<p class="empty">Processen har inga uppgifter ännu.</p>` : ''}<div class="table-wrap"><table${sel.tasks.length === 0 ? raw(' hidden') : ''}><thead><tr><th>Uppgift</th><th>Status</th><th>Grupp</th><th>Tilldelad</th><th>Tidsfrist</th><th>Slutförd</th></tr></thead><tbody>
      ${sel.tasks.map((t) => html`<tr class="${t.overdue ? 'overdue' : ''}"><td>${t.state === 'CREATED' ? html`<a href="/uppgifter/${t.userTaskKey}">${t.name}</a>` : t.name}</td><td>${TASK_STATE[t.state] ?? t.state}${t.overdue ? ' (försenad)' : ''}</td><td>${t.candidateGroups.map(groupLabel).join(', ')}</td><td>${(o.nameOf ?? ((x) => x))(t.assignee) ?? '–'}</td><td>${fmtDate(t.dueDate)}</td><td>${fmtDate(t.completionDate)}</td></tr>`)}
      </tbody></table></div></section>` : ''}
    <section aria-labelledby="frister"><h2 id="frister">Tidsgränser</h2>${c.summary.deadlines.length === 0 ? html`<p class="empty">Inga beräknade tidsgränser.</p>` : html`<ul>${c.summary.deadlines.map((d) => html`<li class="${d.passed ? 'overdue' : ''}">${d.label}: ${fmtDate(d.value)}${d.passed ? ' (passerad)' : ''}</li>`)}</ul>`}</section>
    <section aria-labelledby="esk"><h2 id="esk">Eskaleringar</h2>${c.escalations.length === 0 ? html`<p class="empty">Inga eskaleringar.</p>` : html`<ul>${c.escalations.map((e) => html`<li class="${e.action === 'escalation.breach' ? 'overdue' : 'soon'}">${fmtDate(e.at)}: ${e.action === 'escalation.breach' ? 'Tidsgräns överskriden' : 'Påminnelse'} – ${deadlineLabel(String(e.details?.deadline ?? ''))} (till ${groupLabel(String(e.details?.escalateTo ?? e.details?.group ?? ''))})</li>`)}</ul>`}</section>
    <section aria-labelledby="hist"><h2 id="hist">Historik</h2>${c.history.length === 0 ? html`<p class="empty">Inga registrerade steg ännu.</p>` : html`<ol class="history">${c.history.map((h) => html`<li>${fmtDate(h.at)} – <strong>${h.who}</strong> ${h.what}</li>`)}</ol>`}</section>`);
}

/** Psychiatry's registration page for a vårdkedjeremiss or kontaktbegäran. */
export function psychiatryPage(o: { user: SessionUser; csrf: string; def: PsychiatryStart; values?: Record<string, unknown>; errors?: Record<string, string> }): string {
  const v = o.values ?? {};
  const e = o.errors ?? {};
  const form = o.def.id;
  const fields: FieldDef[] = [
    { name: 'kommun', label: 'Kommun', type: 'select', options: KOMMUN_SLUGS.map((k) => ({ value: k, label: kommunLabel(k) })) },
    { name: 'caseRef', label: 'Kommunens ärendenummer (om det finns)', type: 'text', help: 'Till exempel VK-2026-000123. Lämna tomt om personen inte har ett ärende i kommunen; då får registreringen ett nytt nummer.' },
    { name: 'date', label: o.def.dateLabel, type: 'date' },
  ];
  return page({ title: o.def.label, user: o.user, csrf: o.csrf }, html`
    <h1>Registrera ${o.def.label.toLowerCase()}</h1>
    <p>Skriv aldrig personnummer, namn eller hälsouppgifter här; Vårdkedjan använder bara ärendenummer.</p>
    <form method="post" action="/arenden/ny/${form}" class="action-form" novalidate>
      ${errorSummary(form, e, Object.fromEntries(fields.map((f) => [f.name, f.label])))}
      <input type="hidden" name="_csrf" value="${o.csrf}">
      ${fields.map((f) => field(form, f, v, e))}
      <button type="submit">Registrera</button>
    </form>`);
}
