/*
 * Swedish for the form-js viewer, which has no translations of its own. Loaded before form-viewer.umd.js.
 * - Dates: form-js derives its date format and placeholder from the browser's default locale, so an English
 *   browser would read 15/12/2026 as month 15. Forms on this site always use Swedish dates (ÅÅÅÅ-MM-DD):
 *   Intl.DateTimeFormat without a locale means sv-SE here.
 * - The date picker (flatpickr inside the bundle) is made Swedish by flatpickr-sv.js, loaded after the bundle.
 * - Validation messages are Swedish at the source (a module wrapping the viewer's validator); the few texts
 *   components render themselves ("Select", "Search") are replaced in the DOM.
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

  var MESSAGES = [
    [/^Field is required\.$/, 'Fältet måste fyllas i.'],
    [/^Field must have minimum length of (\d+)\.$/, 'Skriv minst $1 tecken.'],
    [/^Field must have maximum length of (\d+)\.$/, 'Skriv högst $1 tecken.'],
    [/^Field must have minimum value of (.+)\.$/, 'Lägsta tillåtna värde är $1.'],
    [/^Field must have maximum value of (.+)\.$/, 'Högsta tillåtna värde är $1.'],
    [/^Field must match pattern .*$/, 'Fältet har fel format.'],
    [/^Field must be a valid email\.$/, 'Ange en giltig e-postadress.'],
    [/^Field must be a valid\s+international phone number.*$/, 'Ange ett giltigt telefonnummer med landsnummer, t.ex. +46470123456.'],
    [/^Value is not a number\.$/, 'Ange ett tal.'],
    [/^Value is expected to be an integer\.$/, 'Ange ett heltal.'],
    [/^Value is expected to have at most (\d+) decimal digits?\.$/, 'Ange högst $1 decimaler.'],
    [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/, 'Ogiltigt värde. Närmaste giltiga värden är $1 och $2.'],
  ];
  // Texts the components render themselves (not the validator): replaced in their own text node, see localize().
  var TEXTS = {
    Select: 'Välj …', 'No results': 'Inga träffar', 'All values selected': 'Alla alternativ är valda',
    'Date and time must both be entered.': 'Ange både datum och tid.',
  };
  var PLACEHOLDERS = { 'yyyy-mm-dd': 'åååå-mm-dd', 'hh:mm': 'tt:mm', Search: 'Sök' };

  function translateMessage(text) {
    for (var i = 0; i < MESSAGES.length; i++) if (MESSAGES[i][0].test(text)) return text.replace(MESSAGES[i][0], MESSAGES[i][1]);
    return null;
  }

  function localize(root) {
    var inputs = root.querySelectorAll('input[placeholder]');
    for (var j = 0; j < inputs.length; j++) {
      var p = PLACEHOLDERS[inputs[j].getAttribute('placeholder')];
      if (p) inputs[j].setAttribute('placeholder', p);
    }
    // nodeValue, not textContent: the text node stays the one preact owns, so its next render updates it in place
    // (replacing the node made preact write later messages beside the Swedish one).
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var t = TEXTS[node.nodeValue.trim()];
      if (t) node.nodeValue = t;
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

  /**
   * form-js 1.x has no translation hook for its validator, but a Form takes `additionalModules` (didi): this one
   * wraps the viewer's own `validator` service so every message it returns, to the fields and to submit(), is
   * Swedish from the start. An unknown message stays as form-js wrote it.
   */
  function SwedishValidation(validator) {
    ['validateField', 'validateFieldInstance'].forEach(function (name) {
      var original = validator[name];
      if (typeof original !== 'function') return;
      validator[name] = function () {
        return original.apply(validator, arguments).map(function (m) { return translateMessage(m) || m; });
      };
    });
  }
  SwedishValidation.$inject = ['validator'];
  var VALIDATION_MODULE = { __init__: ['vkSwedishValidation'], vkSwedishValidation: ['type', SwedishValidation] };

  /** A Swedish form-js viewer in `container`. */
  function createForm(container) {
    watch(container);
    return new window.FormViewer.Form({ container: container, additionalModules: [VALIDATION_MODULE] });
  }

  window.VkFormSv = { createForm: createForm };
})();
