/* Case page: the process diagram with bpmn-js; active, overdue and completed steps are marked. */
(function () {
  'use strict';
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
        canvas.zoom('fit-viewport');
        function mark(ids, cls) { ids.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, cls); }); }
        mark(d.completed, 'vk-done');
        mark(d.active, 'vk-active');
        mark(d.overdue, 'vk-overdue');
      });
    })
    .catch(function (e) { el.textContent = e.message; el.className += ' error'; });
})();
