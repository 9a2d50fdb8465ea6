/*
 * Managers' dashboard: fetches indicators as JSON and draws them with chart.js, plus a table. Every figure opens the
 * list of cases behind it (/oversikt/arenden?visa=…, same filter). Numbers in Swedish (decimal comma); one unit
 * per chart axis.
 */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var KOMMUN = { vaxjo: 'Växjö', alvesta: 'Alvesta', lessebo: 'Lessebo', tingsryd: 'Tingsryd', almhult: 'Älmhult', markaryd: 'Markaryd', ljungby: 'Ljungby', uppvidinge: 'Uppvidinge' };
  var NUM = new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 });
  function num(v) { return v === null || v === undefined ? '–' : NUM.format(v); }
  function pct(v) { return v === null || v === undefined ? '–' : NUM.format(v) + ' %'; }
  function text(tag, t, cls) { var e = document.createElement(tag); e.textContent = t; if (cls) e.className = cls; return e; }
  /** Link to the cases behind a figure, keeping the page's kommun/period filter. */
  function drill(visa, extra) {
    var p = new URLSearchParams();
    ['kommun', 'from', 'to'].forEach(function (k) { if (params.get(k)) p.set(k, params.get(k)); });
    p.set('visa', visa);
    Object.keys(extra || {}).forEach(function (k) { if (extra[k]) p.set(k, extra[k]); });
    return '/oversikt/arenden?' + p.toString();
  }
  function linkTo(href, t) { var a = text('a', t); a.href = href; return a; }
  fetch('/api/oversikt' + location.search, { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || 'Översikten kunde inte hämtas.'); return j; }); })
    .then(function (d) {
      document.getElementById('updated').textContent = 'Uppdaterad ' + new Date(d.readModelAt || d.generatedAt).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' }) +
        (d.refreshing ? ' – nyare uppgifter hämtas just nu; ladda om sidan om en stund.' : '');
      var kpis = document.getElementById('kpis');
      var late = d.risk.reduce(function (s, r) { return s + r.breached; }, 0);
      var risk = d.risk.reduce(function (s, r) { return s + r.atRisk; }, 0);
      [['Försenade öppna uppgifter', num(late), drill('forsenade')], ['I riskzon', num(risk), drill('riskzon')],
       ['Beslut verkställda utan dröjsmål', pct(d.executed.share) + ' (' + num(d.executed.withoutDelay) + ' av ' + num(d.executed.admitted) + ')', drill('verkstallda')],
       ['Påminnelser', num(d.escalations.reminders), drill('paminnelser')], ['Eskaleringar (tidsfrist överskriden)', num(d.escalations.breaches), drill('eskaleringar')]].forEach(function (k) {
        var box = document.createElement('a'); box.className = 'kpi'; box.href = k[2];
        box.appendChild(text('span', k[1], 'value')); box.appendChild(text('span', k[0], 'label')); box.appendChild(text('span', 'Visa ärendena →', 'more'));
        kpis.appendChild(box);
      });
      var opts = { responsive: true, animation: false, plugins: { legend: { position: 'bottom' } }, locale: 'sv-SE' };
      function clickable(extra, hrefOf) {
        return Object.assign({}, opts, extra, {
          onClick: function (_e, els) { if (els.length) location.href = hrefOf(els[0].datasetIndex, els[0].index); },
          onHover: function (e, els) { e.native.target.style.cursor = els.length ? 'pointer' : 'default'; },
        });
      }
      var ticksInt = { precision: 0, callback: function (v) { return NUM.format(v); } };
      new Chart(document.getElementById('chart-compliance'), { type: 'bar', data: { labels: d.compliance.map(function (c) { return c.omrade; }), datasets: [{ label: 'Inom tidsfrist (%)', data: d.compliance.map(function (c) { return c.share; }), backgroundColor: '#2e7d32' }] },
        options: clickable({ scales: { y: { min: 0, max: 100, title: { display: true, text: 'Procent' }, ticks: { callback: function (v) { return NUM.format(v) + ' %'; } } } } }, function (_s, i) { return drill('tidsfrist', { process: d.compliance[i].process }); }) });
      new Chart(document.getElementById('chart-risk'), { type: 'bar', data: { labels: d.risk.map(function (c) { return c.omrade; }), datasets: [{ label: 'I riskzon', data: d.risk.map(function (c) { return c.atRisk; }), backgroundColor: '#b26a00' }, { label: 'Försenade', data: d.risk.map(function (c) { return c.breached; }), backgroundColor: '#c62828' }] },
        options: clickable({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Antal uppgifter' }, ticks: ticksInt } } }, function (s, i) { return drill(s === 0 ? 'riskzon' : 'forsenade', { process: d.risk[i].process }); }) });
      var homes = d.queue.map(function (q) { return q.home === 'ekeliden' ? 'Ekeliden' : 'Novus'; });
      new Chart(document.getElementById('chart-queue'), { type: 'bar', data: { labels: homes, datasets: [{ label: 'I kö nu', data: d.queue.map(function (q) { return q.inQueue; }), backgroundColor: '#1565c0' }] },
        options: clickable({ scales: { y: { beginAtZero: true, title: { display: true, text: 'Antal ärenden' }, ticks: ticksInt } } }, function (_s, i) { return drill('ko', { home: d.queue[i].home }); }) });
      new Chart(document.getElementById('chart-wait'), { type: 'bar', data: { labels: homes, datasets: [{ label: 'Snittväntetid i kö nu', data: d.queue.map(function (q) { return q.avgWaitDaysInQueue; }), backgroundColor: '#1565c0' }, { label: 'Snittväntetid till inskrivning', data: d.queue.map(function (q) { return q.avgWaitDaysAdmitted; }), backgroundColor: '#5c8fd6' }] },
        options: clickable({ scales: { y: { beginAtZero: true, title: { display: true, text: 'Dagar' }, ticks: { callback: function (v) { return NUM.format(v); } } } } }, function (s, i) { return drill(s === 0 ? 'ko' : 'inskrivna', { home: d.queue[i].home }); }) });
      new Chart(document.getElementById('chart-remiss'), { type: 'bar', data: { labels: d.remissgruppen.map(function (r) { return KOMMUN[r.kommun] || r.kommun || 'Utan kommun'; }), datasets: [{ label: 'Ärenden', data: d.remissgruppen.map(function (r) { return r.cases; }), backgroundColor: '#6a1b9a' }] },
        options: clickable({ indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: 'Antal ärenden' }, ticks: ticksInt } } }, function () { return drill('remissgruppen'); }) });
      var table = document.createElement('table');
      var head = table.createTHead().insertRow();
      ['Samverkansområde', 'Avslutade med tidsfrist', 'Inom tidsfrist', 'Andel', 'Öppna i riskzon', 'Öppna försenade'].forEach(function (h) { head.appendChild(text('th', h)); });
      var tb = table.createTBody();
      var names = {}; d.compliance.concat(d.risk).forEach(function (r) { names[r.process] = r.omrade; });
      Object.keys(names).forEach(function (p) {
        var c = d.compliance.filter(function (x) { return x.process === p; })[0] || {};
        var r = d.risk.filter(function (x) { return x.process === p; })[0] || {};
        var row = tb.insertRow();
        row.appendChild(text('td', names[p]));
        [[num(c.total || 0), 'tidsfrist'], [num(c.onTime || 0), 'tidsfrist'], [pct(c.share), 'tidsfrist'], [num(r.atRisk || 0), 'riskzon'], [num(r.breached || 0), 'forsenade']].forEach(function (v) {
          var td = document.createElement('td'); td.className = 'num'; td.appendChild(linkTo(drill(v[1], { process: p }), v[0])); row.appendChild(td);
        });
      });
      document.getElementById('table').appendChild(table);
      var pd = document.getElementById('placement-deadlines');
      if (!d.placementDeadlines.length) pd.appendChild(text('p', 'Inga öppna tidsfrister för placeringar.'));
      else {
        var pt = document.createElement('table');
        var ph = pt.createTHead().insertRow();
        ['Tidsfrist', 'Öppna', 'I riskzon', 'Försenade', 'Närmast förfaller'].forEach(function (h) { ph.appendChild(text('th', h)); });
        var pb = pt.createTBody();
        d.placementDeadlines.forEach(function (p) {
          var row = pb.insertRow();
          var name = document.createElement('td'); name.appendChild(linkTo(drill('placeringsfrister', { frist: p.deadline }), p.deadline)); row.appendChild(name);
          [p.open, p.atRisk, p.late].forEach(function (v) { var td = document.createElement('td'); td.className = 'num'; td.appendChild(linkTo(drill('placeringsfrister', { frist: p.deadline }), num(v))); row.appendChild(td); });
          row.appendChild(text('td', p.nextDue ? new Date(p.nextDue).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' }) : '–'));
        });
        pd.appendChild(pt);
        pd.appendChild(linkTo(drill('placeringsfrister'), 'Alla tidsfrister för placeringar →'));
      }
    })
    .catch(function (e) { document.getElementById('kpis').appendChild(text('p', e.message, 'error')); });
})();
