/*
 * Case page: the selected process's diagram (bpmn-js navigated viewer: drag to pan, Ctrl + wheel or the buttons to
 * zoom); active, overdue and completed steps are marked. Action forms disable their button once sent, so a double
 * click sends one request (the server also accepts each form's one-time token only once).
 */
(function () {
  'use strict';
  document.querySelectorAll('form.action-form').forEach(function (f) {
    f.addEventListener('submit', function () {
      f.querySelectorAll('button[type=submit]').forEach(function (b) { setTimeout(function () { b.disabled = true; b.textContent = 'Skickar …'; }, 0); });
    });
  });
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  var key = document.body.dataset.case;
  var el = document.getElementById('diagram');
  if (!key || !el) return;
  fetch('/api/arenden/' + encodeURIComponent(key) + '/diagram', { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || 'Diagrammet kunde inte hämtas.'); return j; }); })
    .then(function (d) {
      var viewer = new BpmnJS({ container: el });
      return viewer.importXML(d.xml).then(function () {
        var canvas = viewer.get('canvas');
        var registry = viewer.get('elementRegistry');
        // Fit, but never shrink below a readable size: then the active step is put in the middle (zooming about a
        // point keeps that point where it was, which can be outside the box) and the user pans to see the rest.
        canvas.zoom('fit-viewport');
        if (canvas.zoom() < 0.6) {
          var focus = registry.get((d.active && d.active[0]) || '') || null;
          canvas.zoom(0.6);
          if (focus) {
            var vb = canvas.viewbox();
            canvas.viewbox({ x: focus.x + (focus.width || 0) / 2 - vb.width / 2, y: focus.y + (focus.height || 0) / 2 - vb.height / 2, width: vb.width, height: vb.height });
          }
        }
        function mark(ids, cls) { ids.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, cls); }); }
        mark(d.completed, 'vk-done');
        mark(d.active, 'vk-active');
        mark(d.overdue, 'vk-overdue');
        el.dataset.ready = 'true';
        document.querySelectorAll('[data-zoom]').forEach(function (b) {
          b.addEventListener('click', function () {
            var z = b.dataset.zoom;
            if (z === 'fit') canvas.zoom('fit-viewport');
            else canvas.zoom(canvas.zoom() * (z === 'in' ? 1.25 : 0.8));
          });
        });
      });
    })
    .catch(function (e) { el.textContent = e.message; el.className += ' error'; });
})();
