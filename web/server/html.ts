import type { SessionUser } from './auth/user';
import { isManager } from './auth/user';
import { groupName } from './labels';

/** Escapes text for HTML element content and quoted attribute values. Every user-supplied value goes through it. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tagged template: interpolations are escaped unless wrapped in raw(). */
export class Raw { constructor(readonly html: string) {} }
export const raw = (html: string) => new Raw(html);
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join('') : v instanceof Raw ? v.html : esc(v);
    out += strings[i + 1];
  });
  return new Raw(out);
}

/** Where a user lands after sign-in: managers on the dashboard (whom to chase), everyone else in the inbox. */
export function landingPage(user: SessionUser): string {
  return isManager(user) ? '/oversikt' : '/uppgifter';
}

const DATE_PICKER = { styles: ['/vendor/flatpickr/flatpickr.min.css'], scripts: ['/vendor/flatpickr/flatpickr.min.js', '/vendor/flatpickr/l10n/sv.js', '/static/flatpickr-sv.js', '/static/datepicker.js'] };

/**
 * A date field in ÅÅÅÅ-MM-DD whatever the browser's language: a text input (a native date input shows the
 * browser's format, e.g. 12/15/2026, and English month names) that datepicker.js turns into flatpickr's Swedish
 * calendar, week from Monday. Without script it is a plain text field; the server checks the date either way.
 */
export function dateInput(a: { id?: string; name: string; value?: string; required?: boolean; describedBy?: string }): Raw {
  return html`<input type="text" data-datum${a.id ? html` id="${a.id}"` : ''} name="${a.name}" value="${a.value ?? ''}" inputmode="numeric" placeholder="åååå-mm-dd" maxlength="10" autocomplete="off"${a.describedBy ? html` aria-describedby="${a.describedBy}"` : ''}${a.required ? raw(' required') : ''}>`;
}

export interface PageOpts { title: string; user?: SessionUser; csrf: string; scripts?: string[]; styles?: string[]; flash?: string; bodyData?: Record<string, string> }

export function page(o: PageOpts, body: Raw): string {
  const nav = o.user ? html`<nav class="top">
    <a class="brand" href="/uppgifter">Vårdkedjan</a>
    <a href="/uppgifter">Uppgifter</a>
    <a href="/mina-arenden">Mina ärenden</a>
    <a href="/notiser">Notiser</a>
    <a href="/arenden/ny">Starta ärende</a>
    <form class="search" method="get" action="/mina-arenden" role="search"><input type="hidden" name="status" value="alla"><label class="sr" for="ref">Ärendenummer</label><input id="ref" name="sok" placeholder="Ärendenr, t.ex. 000123" maxlength="40"></form>
    ${isManager(o.user) ? html`<a href="/oversikt">Översikt</a>` : ''}
    ${isManager(o.user) || o.user.groups.includes('remissgruppen') ? html`<a href="/platser">Platser och kö</a>` : ''}
    ${o.user.groups.includes('processagare') ? html`<a href="/modellering">Modellering</a>` : ''}
    ${o.user.groups.includes('loggkontroll') ? html`<a href="/loggkontroll">Loggkontroll</a>` : ''}
    <span class="who">${o.user.name} <small>(${o.user.groups.map(groupName).join(', ')})</small></span>
    <form method="post" action="/logga-ut"><input type="hidden" name="_csrf" value="${o.csrf}"><button class="link">Logga ut</button></form>
  </nav>` : raw('');
  const data = Object.entries(o.bodyData ?? {}).map(([k, v]) => ` data-${esc(k)}="${esc(v)}"`).join('');
  // A page with a date field (dateInput) gets the Swedish date picker, so no page can forget it.
  const picker = body.html.includes(' data-datum');
  const styles = [...(picker ? DATE_PICKER.styles : []), ...(o.styles ?? [])];
  const scripts = [...(picker ? DATE_PICKER.scripts : []), ...(o.scripts ?? [])];
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${esc(o.csrf)}"><title>${esc(o.title)} – Vårdkedjan</title>
${styles.map((s) => `<link rel="stylesheet" href="${esc(s)}">`).join('')}<link rel="stylesheet" href="/static/app.css"></head>
<body${data}>${nav.html}<main>${o.flash ? `<p class="flash" role="alert">${esc(o.flash)}</p>` : ''}${body.html}</main>
${scripts.map((s) => `<script src="${esc(s)}"></script>`).join('')}</body></html>`;
}

const TZ = 'Europe/Stockholm';
const DATE_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const LONG_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric' });
const LONG_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Compact Swedish date: "2026-12-04 16:00" (Stockholm time); a date without time ("2026-12-04", as date fields
 * store it) stays a plain date, never shifted by a time zone.
 */
export function fmtDate(iso: string | undefined | null): string {
  if (!iso) return '–';
  if (DATE_ONLY.test(iso)) return iso;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}

/** Long Swedish date for prose: "4 december 2026 kl. 16.00", or "4 december 2026" for a date without time. */
export function fmtDateLong(iso: string | undefined | null): string {
  if (!iso) return '–';
  if (DATE_ONLY.test(iso)) {
    const d = new Date(`${iso}T12:00:00Z`);
    return Number.isNaN(d.getTime()) ? iso : LONG_DAY.format(d);
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${LONG_DAY.format(d)} kl. ${LONG_TIME.format(d).replace(':', '.')}`;
}
