/*
 * The app's own date fields (input[data-datum], see dateInput in html.ts) as flatpickr calendars, Swedish by
 * flatpickr-sv.js; value and display ÅÅÅÅ-MM-DD. Typing stays allowed; the server checks the date.
 */
(function () {
  'use strict';
  if (!window.flatpickr) return;
  var inputs = document.querySelectorAll('input[data-datum]');
  for (var i = 0; i < inputs.length; i++) {
    window.flatpickr(inputs[i], { dateFormat: 'Y-m-d', allowInput: true, disableMobile: true, ariaDateFormat: 'j F Y' });
  }
})();
