import { fmtDate, html, page } from '../html';
import type { SessionUser } from '../auth/user';
import { kommunName } from '../labels';
import type { HomeOverviewView } from './service';

const num = new Intl.NumberFormat('sv-SE');

export function placesPage(o: { user: SessionUser; csrf: string; homes: HomeOverviewView[] }): string {
  return page({ title: 'Platser och kö', user: o.user, csrf: o.csrf }, html`
    <h1>Platser och kö</h1>
    <p class="hint">Kön ordnas enligt remissgruppens prioritering: a) under utredning enligt LVM och godkänner behandling, b) har barn vars perspektiv behöver beaktas, c) ska placeras enligt 27 § LVM eller efter extern placering, d) övriga; inom varje grupp efter tid sedan biståndsbeslutet. När en plats blir ledig erbjuds den automatiskt den första i kön.</p>
    <div class="kpis">${o.homes.map((h) => html`<div class="kpi" data-home="${h.home}"><span class="label">${h.label}</span><span class="value">${num.format(h.free)} lediga</span><span class="label">${num.format(h.occupied)} av ${num.format(h.capacity)} platser belagda · ${num.format(h.queue.length)} i kö</span></div>`)}</div>
    ${o.homes.map((h) => html`<section aria-labelledby="kö-${h.home}" data-home="${h.home}"><h2 id="kö-${h.home}">${h.label}: kö</h2>
      ${h.queue.length === 0 ? html`<p class="empty">Ingen i kö.</p>` : html`<table class="queue"><caption class="sr">Kö till ${h.label}</caption><thead><tr><th scope="col">Plats i kön</th><th scope="col">Ärende</th><th scope="col">Kommun</th><th scope="col">Prioritet</th><th scope="col">Biståndsbeslut</th><th scope="col">Dagar i kö</th></tr></thead><tbody>
        ${h.queue.map((q) => html`<tr><td>${q.position}</td><td><a href="/arenden/${q.caseRef}">${q.caseRef}</a></td><td>${kommunName(q.kommun)}</td><td>${q.priorityReason}</td><td>${fmtDate(q.decisionDate)}</td><td>${num.format(q.daysWaiting)}</td></tr>`)}
      </tbody></table>`}
      <details><summary>Inskrivna på ${h.label} (${num.format(h.occupants.length)})</summary>${h.occupants.length === 0 ? html`<p class="empty">Ingen inskriven.</p>` : html`<ul>${h.occupants.map((x) => html`<li><a href="/arenden/${x.caseRef}">${x.caseRef}</a> (${kommunName(x.kommun)}), inskriven ${fmtDate(x.admittedAt)}</li>`)}</ul>`}</details>
    </section>`)}`);
}
