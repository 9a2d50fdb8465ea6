import crypto from 'node:crypto';
import type { SessionUser } from '../auth/user';
import { html, page, raw } from '../html';
import type { FormSchema } from '../tasks/form-catalog';
import type { PsychiatryStart } from './service';
import type { StartOption } from './start';

interface Ctx { user: SessionUser; csrf: string }

const PSEUDONYM = 'Ärendet får ett pseudonymt ärendenummer (VK-år-nummer). Skriv aldrig personnummer eller namn i Vårdkedjan.';

/** "Starta ärende": the processes the user may start; one with a start form opens it, the others start at once. */
export function startListPage(c: Ctx, list: StartOption[], psych: PsychiatryStart[]): string {
  const hidden = html`<input type="hidden" name="_csrf" value="${c.csrf}">`;
  return page({ title: 'Starta ärende', user: c.user, csrf: c.csrf }, html`
    <h1>Starta ärende</h1>
    ${psych.length ? html`<h2>Psykiatrin</h2><ul class="start">${psych.map((p) => html`<li><a class="button" href="/arenden/ny/${p.id}">Registrera ${p.label.toLowerCase()}</a></li>`)}</ul>` : ''}
    ${list.length === 0 ? (psych.length ? '' : html`<p class="empty">Endast socialsekreterare kan starta ärenden. Ärendet får ett pseudonymt ärendenummer och din kommun.</p>`) : html`
    <p>${PSEUDONYM}</p>
    <ul class="start">${list.map((p) => p.hasStartForm
      ? html`<li><a class="button" href="/arenden/ny?process=${encodeURIComponent(p.processId)}" data-process="${p.processId}">${p.label}</a></li>`
      : html`<li><form method="post" action="/arenden/ny">${hidden}<input type="hidden" name="processId" value="${p.processId}"><button data-process="${p.processId}">${p.label}</button></form></li>`)}</ul>`}`);
}

/**
 * One process's start page: its start form rendered by form-js in the browser as task forms are (form-sv.js,
 * form-page.js, start.js), posted as one JSON field. After a refused submission the page comes back with the
 * values the user typed and the server's field errors.
 */
export function startFormPage(c: Ctx, o: { option: StartOption; schema: FormSchema | null; values?: Record<string, unknown>; errors?: Record<string, string>; error?: string; token?: string }): string {
  const errors = Object.entries(o.errors ?? {});
  return page({
    title: o.option.label, user: c.user, csrf: c.csrf,
    styles: ['/vendor/form-js/form-js.css'],
    scripts: ['/static/form-sv.js', '/vendor/form-js/form-viewer.umd.js', '/vendor/flatpickr/l10n/sv.js', '/static/flatpickr-sv.js', '/static/form-page.js', '/static/start.js'],
  }, html`
    <p><a href="/arenden/ny">← Tillbaka till Starta ärende</a></p>
    <h1>${o.option.label}</h1>
    <p>${PSEUDONYM}</p>
    <div id="error-summary" class="error-summary" role="alert" tabindex="-1" ${errors.length || o.error ? '' : raw('hidden')}>${errors.length || o.error ? html`
      <h2>${o.error ?? 'Servern godtog inte formuläret'}</h2>${errors.length ? html`<ul>${errors.map(([key, msg]) => html`<li data-key="${key}">${msg}</li>`)}</ul>` : ''}` : ''}</div>
    <div id="form-status" role="status" aria-live="polite"></div>
    ${o.schema ? html`<div id="form" data-schema="${JSON.stringify(o.schema)}" data-values="${JSON.stringify(o.values ?? {})}" data-errors="${JSON.stringify(o.errors ?? {})}"></div>` : ''}
    <form method="post" action="/arenden/ny" id="start-form">
      <input type="hidden" name="_csrf" value="${c.csrf}"><input type="hidden" name="processId" value="${o.option.processId}">
      <input type="hidden" name="token" value="${o.token ?? crypto.randomBytes(18).toString('base64url')}">
      ${o.schema ? html`<input type="hidden" name="data" id="start-data" value="">` : ''}
      <button id="start" ${o.schema ? raw('disabled') : ''} aria-describedby="form-status">Starta ärendet</button>
    </form>`);
}
