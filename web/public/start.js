/*
 * Start page (/arenden/ny?process=…): renders the process's start form with form-js as the task page renders a task
 * form (form-sv.js, form-page.js), then posts it as an ordinary HTML form with the values as one JSON field, so a
 * refused submission comes back from the server with the values kept and its field errors listed. "Starta
 * ärendet" stays disabled until the form is ready (body[data-form-ready]).
 */
(function () {
  'use strict';
  var P = window.VkFormPage;
  var container = document.getElementById('form');
  var htmlForm = document.getElementById('start-form');
  var status = document.getElementById('form-status');
  var summary = document.getElementById('error-summary');
  var button = document.getElementById('start');
  var hidden = document.getElementById('start-data');
  if (!container || !htmlForm || !hidden) return;

  function json(attr, fallback) {
    try { return JSON.parse(container.getAttribute(attr) || ''); } catch (e) { return fallback; }
  }
  var schema = json('data-schema', null);
  var values = json('data-values', {});
  var serverErrors = json('data-errors', {});
  var components = P.componentsOf(schema || {});
  var form = window.VkFormSv.createForm(container);
  P.say(status, 'Formuläret laddas …');

  form.importSchema(schema, values).then(function () {
    document.body.dataset.formReady = 'true';
    P.say(status, '');
    button.disabled = false;
    if (Object.keys(serverErrors).length > 0) {
      P.showErrors(summary, 'Servern godtog inte formuläret. Dina uppgifter finns kvar: rätta och starta igen.', P.serverErrorItems(serverErrors, components, container));
    }
    var sending = false;
    htmlForm.addEventListener('submit', function (e) {
      if (sending) { e.preventDefault(); return; }
      var result = form.submit();
      var items = P.clientErrorItems(result.errors, components, container);
      if (items.length > 0) {
        e.preventDefault();
        P.say(status, 'Formuläret innehåller fel. Rätta de markerade fälten.', 'error');
        P.showErrors(summary, 'Rätta ' + (items.length === 1 ? 'felet' : 'de ' + items.length + ' felen') + ' innan du startar', items);
        return;
      }
      P.hideErrors(summary);
      hidden.value = JSON.stringify(result.data);
      sending = true;
      P.say(status, 'Startar …');
      // The browser posts the form now; a second click in the meantime is ignored (sending).
    });
  }).catch(function (e) {
    document.body.dataset.formReady = 'error';
    P.say(status, 'Formuläret kunde inte visas (' + e.message + '). Ladda om sidan för att försöka igen.', 'error');
  });
})();
