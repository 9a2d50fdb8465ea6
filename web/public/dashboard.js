/* Managers' dashboard: fetches indicators as JSON and draws them with chart.js, plus a table. */
(function () {
  'use strict';
  var params = location.search;
  function text(tag, t, cls) { var e = document.createElement(tag); e.textContent = t; if (cls) e.className = cls; return e; }
  function pct(v) { return v === null || v === undefined ? '–' : v + ' %'; }
  fetch('/api/oversikt' + params, { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || 'Översikten kunde inte hämtas.'); return j; }); })
    .then(function (d) {
      document.getElementById('updated').textContent = 'Uppdaterad ' + new Date(d.readModelAt || d.generatedAt).toLocaleString('sv-SE') +
        (d.refreshing ? ' – nyare uppgifter hämtas just nu; ladda om sidan om en stund.' : '');
      var kpis = document.getElementById('kpis');
      var open = d.risk.reduce(function (s, r) { return s + r.breached; }, 0);
      var risk = d.risk.reduce(function (s, r) { return s + r.atRisk; }, 0);
      [['Försenade öppna uppgifter', String(open)], ['I riskzon', String(risk)], ['Beslut verkställda utan dröjsmål', pct(d.executed.share) + ' (' + d.executed.withoutDelay + '/' + d.executed.admitted + ')'],
       ['Eskaleringar (påminnelser / överskridna)', d.escalations.reminders + ' / ' + d.escalations.breaches]].forEach(function (k) {
        var box = document.createElement('div'); box.className = 'kpi'; box.appendChild(text('span', k[1], 'value')); box.appendChild(text('span', k[0], 'label')); kpis.appendChild(box);
      });
      var opts = { responsive: true, animation: false, plugins: { legend: { position: 'bottom' } } };
      new Chart(document.getElementById('chart-compliance'), { type: 'bar', data: { labels: d.compliance.map(function (c) { return c.omrade; }), datasets: [{ label: 'Inom tidsfrist (%)', data: d.compliance.map(function (c) { return c.share; }), backgroundColor: '#2e7d32' }] }, options: Object.assign({}, opts, { scales: { y: { min: 0, max: 100 } } }) });
      new Chart(document.getElementById('chart-risk'), { type: 'bar', data: { labels: d.risk.map(function (c) { return c.omrade; }), datasets: [{ label: 'I riskzon', data: d.risk.map(function (c) { return c.atRisk; }), backgroundColor: '#f9a825' }, { label: 'Försenade', data: d.risk.map(function (c) { return c.breached; }), backgroundColor: '#c62828' }] }, options: Object.assign({}, opts, { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }) });
      new Chart(document.getElementById('chart-queue'), { type: 'bar', data: { labels: d.queue.map(function (q) { return q.home === 'ekeliden' ? 'Ekeliden' : 'Novus'; }), datasets: [{ label: 'I kö nu', data: d.queue.map(function (q) { return q.inQueue; }), backgroundColor: '#1565c0' }, { label: 'Snittväntetid till inskrivning (dagar)', data: d.queue.map(function (q) { return q.avgWaitDaysAdmitted; }), backgroundColor: '#90caf9' }] }, options: Object.assign({}, opts, { scales: { y: { beginAtZero: true } } }) });
      new Chart(document.getElementById('chart-remiss'), { type: 'bar', data: { labels: d.remissgruppen.map(function (r) { return r.kommun; }), datasets: [{ label: 'Ärenden', data: d.remissgruppen.map(function (r) { return r.cases; }), backgroundColor: '#6a1b9a' }] }, options: Object.assign({}, opts, { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }) });
      var table = document.createElement('table');
      var head = table.createTHead().insertRow();
      ['Samverkansområde', 'Avslutade med tidsfrist', 'Inom tidsfrist', 'Andel', 'Öppna i riskzon', 'Öppna försenade'].forEach(function (h) { head.appendChild(text('th', h)); });
      var tb = table.createTBody();
      var names = {}; d.compliance.concat(d.risk).forEach(function (r) { names[r.process] = r.omrade; });
      Object.keys(names).forEach(function (p) {
        var c = d.compliance.filter(function (x) { return x.process === p; })[0] || {};
        var r = d.risk.filter(function (x) { return x.process === p; })[0] || {};
        var row = tb.insertRow();
        [names[p], c.total || 0, c.onTime || 0, pct(c.share), r.atRisk || 0, r.breached || 0].forEach(function (v) { row.appendChild(text('td', String(v))); });
      });
      document.getElementById('table').appendChild(table);
    })
    .catch(function (e) { document.getElementById('kpis').appendChild(text('p', e.message, 'error')); });
})();
