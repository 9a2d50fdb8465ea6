/*
 * Swedish as every date picker's default: flatpickr's own Swedish locale (l10n/sv.js, loaded just before: month
 * and weekday names, week from Monday) plus the aria labels it leaves in English. Works on the standalone
 * flatpickr and on the one the form-js viewer bundle puts on window.flatpickr; must run before a picker is made.
 */
(function () {
  'use strict';
  var fp = window.flatpickr;
  if (!fp || !fp.l10ns || !fp.l10ns.sv) return;
  fp.localize(Object.assign({}, fp.l10ns.sv, {
    scrollTitle: 'Scrolla för att ändra', toggleTitle: 'Klicka för att växla', amPM: ['fm', 'em'],
    yearAriaLabel: 'År', monthAriaLabel: 'Månad', hourAriaLabel: 'Timme', minuteAriaLabel: 'Minut',
  }));
})();
