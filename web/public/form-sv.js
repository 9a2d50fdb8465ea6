/*
 * Swedish for the form-js viewer, which has no translations of its own. Loaded before form-viewer.umd.js.
 * - Dates: form-js derives its date format and placeholder from the browser's default locale, so an English
 *   browser would read 15/12/2026 as month 15. Forms on this site always use Swedish dates (ÅÅÅÅ-MM-DD):
 *   Intl.DateTimeFormat without a locale means sv-SE here.
 * - The date picker (flatpickr inside the bundle) gets Swedish month and weekday names, week starting Monday.
 * - Texts the viewer writes in English (validation messages, "Select", "Search") are replaced in the DOM.
 */
(function () {
  'use strict';
  var NativeDTF = Intl.DateTimeFormat;
  function SwedishDefaultDTF(locale, options) {
    return new NativeDTF(locale === undefined || locale === 'default' ? 'sv-SE' : locale, options);
  }
  SwedishDefaultDTF.prototype = NativeDTF.prototype;
  SwedishDefaultDTF.supportedLocalesOf = NativeDTF.supportedLocalesOf;
  Intl.DateTimeFormat = SwedishDefaultDTF;

  var PICKER = {
    weekdays: {
      shorthand: ['sön', 'mån', 'tis', 'ons', 'tor', 'fre', 'lör'],
      longhand: ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'],
    },
    months: {
      shorthand: ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
      longhand: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
    },
    firstDayOfWeek: 1,
    weekAbbreviation: 'v',
    rangeSeparator: ' till ',
    scrollTitle: 'Scrolla för att ändra',
    toggleTitle: 'Klicka för att växla',
    amPM: ['fm', 'em'],
    yearAriaLabel: 'År',
    monthAriaLabel: 'Månad',
    hourAriaLabel: 'Timme',
    minuteAriaLabel: 'Minut',
    time_24hr: true,
    ordinal: function () { return '.'; },
  };

  var MESSAGES = [
    [/^Field is required\.$/, 'Fältet måste fyllas i.'],
    [/^Field must have minimum length of (\d+)\.$/, 'Skriv minst $1 tecken.'],
    [/^Field must have maximum length of (\d+)\.$/, 'Skriv högst $1 tecken.'],
    [/^Field must have minimum value of (.+)\.$/, 'Lägsta tillåtna värde är $1.'],
    [/^Field must have maximum value of (.+)\.$/, 'Högsta tillåtna värde är $1.'],
    [/^Field must match pattern .*$/, 'Fältet har fel format.'],
    [/^Field must be a valid email\.$/, 'Ange en giltig e-postadress.'],
    [/^Field must be a valid\s+international phone number.*$/, 'Ange ett giltigt telefonnummer med landsnummer, t.ex. +46470123456.'],
    [/^Date and time must both be entered\.$/, 'Ange både datum och tid.'],
  ];
  var TEXTS = { Select: 'Välj …', 'No results': 'Inga träffar', 'All values selected': 'Alla alternativ är valda' };
  var PLACEHOLDERS = { 'yyyy-mm-dd': 'åååå-mm-dd', 'hh:mm': 'tt:mm', Search: 'Sök' };

  function translateMessage(text) {
    for (var i = 0; i < MESSAGES.length; i++) if (MESSAGES[i][0].test(text)) return text.replace(MESSAGES[i][0], MESSAGES[i][1]);
    return null;
  }

  function localize(root) {
    var errs = root.querySelectorAll('.fjs-form-field-error li, .fjs-form-field-error');
    for (var i = 0; i < errs.length; i++) {
      var n = errs[i];
      if (n.children.length) continue;
      var sv = translateMessage(n.textContent.trim());
      if (sv) n.textContent = sv;
    }
    var inputs = root.querySelectorAll('input[placeholder]');
    for (var j = 0; j < inputs.length; j++) {
      var p = PLACEHOLDERS[inputs[j].getAttribute('placeholder')];
      if (p) inputs[j].setAttribute('placeholder', p);
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var t = TEXTS[node.nodeValue.trim()];
      if (t) node.nodeValue = t;
    }
    var pickers = root.querySelectorAll('.fjs-datepicker input');
    for (var k = 0; k < pickers.length; k++) {
      var fp = pickers[k]._flatpickr;
      if (fp && !fp.__vkSwedish) { fp.__vkSwedish = true; fp.set('locale', PICKER); }
    }
  }

  /** Keeps `root` Swedish while form-js re-renders it; returns nothing. */
  function watch(root) {
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      // Batch a render's mutations; our own text changes trigger one more, harmless pass.
      Promise.resolve().then(function () { pending = false; localize(root); });
    }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['placeholder'] });
    localize(root);
  }

  window.VkFormSv = { watch: watch, localize: localize, translateMessage: translateMessage };
})();
