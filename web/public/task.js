/* Task page: renders the task's Camunda Form with form-js and completes the task through the JSON API. */
(function () {
  'use strict';
  var body = document.body;
  var key = body.dataset.task;
  var mine = body.dataset.mine === 'true';
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var container = document.getElementById('form');
  var status = document.getElementById('form-status');
  var button = document.getElementById('complete');
  if (!key || !container) return;

  // form-js writes its validation messages in English: show them in Swedish.
  var SV = [
    [/^Field is required\.$/, 'Fältet måste fyllas i.'],
    [/^Field must have minimum length of (\d+)\.$/, 'Minst $1 tecken.'],
    [/^Field must have maximum length of (\d+)\.$/, 'Högst $1 tecken.'],
    [/^Field must have minimum value of (.+)\.$/, 'Lägsta tillåtna värde är $1.'],
    [/^Field must have maximum value of (.+)\.$/, 'Högsta tillåtna värde är $1.'],
    [/^Field must match pattern .*$/, 'Fältet har fel format.'],
    [/^Field must be a valid email\.$/, 'Ange en giltig e-postadress.'],
    [/^Date and time must both be entered\.$/, 'Ange både datum och tid.'],
  ];
  function translate(root) {
    var nodes = root.querySelectorAll('.fjs-form-field-error li');
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.children.length) continue;
      var t = n.textContent.trim();
      for (var j = 0; j < SV.length; j++) if (SV[j][0].test(t)) { n.textContent = t.replace(SV[j][0], SV[j][1]); break; }
    }
  }
  new MutationObserver(function () { translate(container); }).observe(container, { childList: true, subtree: true, characterData: true });

  function say(text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  fetch('/api/uppgifter/' + encodeURIComponent(key) + '/formular', { headers: { accept: 'application/json' } })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || 'Formuläret kunde inte hämtas.'); return j; }); })
    .then(function (res) {
      if (!res.schema) { container.textContent = 'Uppgiften har inget formulär.'; return null; }
      var form = new FormViewer.Form({ container: container });
      return form.importSchema(res.schema, res.data || {}).then(function () {
        if (!mine) form.setProperty('readOnly', true);
        return form;
      });
    })
    .then(function (form) {
      if (!button) return;
      var sending = false;
      button.addEventListener('click', function () {
        if (sending) return;
        var result = form ? form.submit() : { data: {}, errors: {} };
        if (result.errors && Object.keys(result.errors).length > 0) {
          say('Formuläret innehåller fel. Rätta de markerade fälten.', 'error');
          return;
        }
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
            var msg = j.error || 'Uppgiften kunde inte slutföras.';
            if (j.fieldErrors) msg += ' ' + Object.keys(j.fieldErrors).map(function (k) { return j.fieldErrors[k]; }).join(' ');
            say(msg, 'error');
          });
        }).catch(function () {
          sending = false;
          button.disabled = false;
          say('Kunde inte nå servern. Kontrollera nätverket och försök igen; ingenting har skickats.', 'error');
        });
      });
    })
    .catch(function (e) { say(e.message, 'error'); });
})();
