/*
 * Task page: renders the task's Camunda Form with form-js (in Swedish, form-sv.js) and completes the task through
 * the JSON API. "Slutför uppgiften" stays disabled until the form is ready (body[data-form-ready]), so an early
 * click cannot send an empty form. Errors, from form-js or the server, are listed in an error summary whose links
 * move the focus to the field (form-page.js, shared with the start page).
 */
(function () {
  'use strict';
  var P = window.VkFormPage;
  var body = document.body;
  var key = body.dataset.task;
  var mine = body.dataset.mine === 'true';
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var container = document.getElementById('form');
  var status = document.getElementById('form-status');
  var summary = document.getElementById('error-summary');
  var button = document.getElementById('complete');
  if (!key || !container) return;

  function say(text, kind) { P.say(status, text, kind); }

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
      var components = P.componentsOf(loaded.schema);
      button.disabled = false;
      say('');
      var sending = false;
      button.addEventListener('click', function () {
        if (sending) return;
        var result = form ? form.submit() : { data: {}, errors: {} };
        var items = P.clientErrorItems(result.errors, components, container);
        if (items.length > 0) {
          say('Formuläret innehåller fel. Rätta de markerade fälten.', 'error');
          P.showErrors(summary, 'Rätta ' + (items.length === 1 ? 'felet' : 'de ' + items.length + ' felen') + ' innan du slutför', items);
          return;
        }
        P.hideErrors(summary);
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
            if (j.fieldErrors) P.showErrors(summary, 'Servern godtog inte formuläret', P.serverErrorItems(j.fieldErrors, components, container));
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
