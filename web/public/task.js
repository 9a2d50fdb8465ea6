/*
 * Task page: renders the task's Camunda Form with form-js (in Swedish, form-sv.js) and completes the task through
 * the JSON API. "Slutför uppgiften" stays disabled until the form is ready (body[data-form-ready]), so an early
 * click cannot send an empty form. Errors, from form-js or the server, are listed in an error summary whose links
 * move the focus to the field.
 */
(function () {
  'use strict';
  var body = document.body;
  var key = body.dataset.task;
  var mine = body.dataset.mine === 'true';
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var container = document.getElementById('form');
  var status = document.getElementById('form-status');
  var summary = document.getElementById('error-summary');
  var button = document.getElementById('complete');
  if (!key || !container) return;

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  /** The error summary: one link per field, focusing the field's input. */
  function showErrors(intro, items) {
    summary.textContent = '';
    var h = document.createElement('h2');
    h.textContent = intro;
    summary.appendChild(h);
    var ul = document.createElement('ul');
    items.forEach(function (it) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.textContent = it.text;
      if (it.target) {
        a.href = '#' + it.target.id;
        a.addEventListener('click', function (e) { e.preventDefault(); it.target.focus(); it.target.scrollIntoView({ block: 'center' }); });
      }
      li.appendChild(a);
      ul.appendChild(li);
    });
    summary.appendChild(ul);
    summary.hidden = false;
    summary.focus();
  }
  function hideErrors() { summary.hidden = true; summary.textContent = ''; }

  /**
   * The focusable input of a form-js field: form-js ends DOM ids with the component id, radio and checklist
   * options with "<component id>-<index>".
   */
  function inputOf(componentId) {
    var all = container.querySelectorAll('input[id], textarea[id], select[id], button[id]');
    for (var i = 0; i < all.length; i++) {
      var id = all[i].id;
      var at = id.lastIndexOf('-' + componentId);
      if (at >= 0 && /^(-\d+)?$/.test(id.slice(at + componentId.length + 1))) return all[i];
    }
    return null;
  }

  function componentsOf(schema) {
    var out = [];
    (function walk(cs) { (cs || []).forEach(function (c) { out.push(c); walk(c.components); }); })(schema.components);
    return out;
  }

  function labelOf(c) { return c.label || c.dateLabel || c.key; }

  fetch('/api/uppgifter/' + encodeURIComponent(key) + '/formular', { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || 'Formuläret kunde inte hämtas.'); return j; }); })
    .then(function (res) {
      if (!res.schema) { container.textContent = 'Uppgiften har inget formulär.'; return { form: null, schema: { components: [] } }; }
      var form = window.VkFormSv.createForm(container);
      return form.importSchema(res.schema, res.data || {}).then(function () {
        if (!mine) form.setProperty('readOnly', true);
        return { form: form, schema: res.schema };
      });
    })
    .then(function (loaded) {
      body.dataset.formReady = 'true';
      if (!button) return;
      var form = loaded.form;
      var components = componentsOf(loaded.schema);
      button.disabled = false;
      say('');
      var sending = false;
      button.addEventListener('click', function () {
        if (sending) return;
        var result = form ? form.submit() : { data: {}, errors: {} };
        var ids = Object.keys(result.errors || {});
        if (ids.length > 0) {
          say('Formuläret innehåller fel. Rätta de markerade fälten.', 'error');
          showErrors('Rätta ' + (ids.length === 1 ? 'felet' : 'de ' + ids.length + ' felen') + ' innan du slutför', ids.map(function (id) {
            var c = components.filter(function (x) { return x.id === id; })[0] || { key: id };
            var msg = (result.errors[id] || []).join(' ');
            return { text: labelOf(c) + ': ' + msg, target: inputOf(id) };
          }));
          return;
        }
        hideErrors();
        sending = true;
        button.disabled = true;
        say('Skickar …');
        fetch('/api/uppgifter/' + encodeURIComponent(key) + '/slutfor', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
          body: JSON.stringify({ data: result.data }),
        }).then(function (r) {
          return r.json().then(function (j) {
            if (r.ok) { say(j.message || 'Uppgiften är slutförd.', 'ok'); setTimeout(function () { location.href = '/uppgifter'; }, 600); return; }
            sending = false;
            button.disabled = r.status === 409;
            say(j.error || 'Uppgiften kunde inte slutföras.', 'error');
            if (j.fieldErrors) {
              showErrors('Servern godtog inte formuläret', Object.keys(j.fieldErrors).map(function (k) {
                var c = components.filter(function (x) { return x.key === k; })[0];
                return { text: j.fieldErrors[k], target: c ? inputOf(c.id) : null };
              }));
            }
          });
        }).catch(function () {
          sending = false;
          button.disabled = false;
          say('Kunde inte nå servern. Kontrollera nätverket och försök igen; ingenting har skickats.', 'error');
        });
      });
    })
    .catch(function (e) {
      body.dataset.formReady = 'error';
      say(e.message + ' Ladda om sidan för att försöka igen.', 'error');
    });
  if (button) say('Formuläret laddas …');
})();
