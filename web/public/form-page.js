/*
 * What the task page (task.js) and the start page (start.js) share around a form-js form: the status line, the
 * error summary whose links move the focus to the field, finding a field's input, and turning form-js's or the
 * server's errors into summary items. Loaded after form-viewer.umd.js, before the page's own script.
 */
(function () {
  'use strict';

  function componentsOf(schema) {
    var out = [];
    (function walk(cs) { (cs || []).forEach(function (c) { out.push(c); walk(c.components); }); })(schema.components);
    return out;
  }

  function labelOf(c) { return c.label || c.dateLabel || c.key; }

  /**
   * The focusable input of a form-js field: form-js ends DOM ids with the component id, radio and checklist
   * options with "<component id>-<index>", date and time inputs with "<component id>-date" / "-time".
   */
  function inputOf(container, componentId) {
    var all = container.querySelectorAll('input[id], textarea[id], select[id], button[id]');
    for (var i = 0; i < all.length; i++) {
      var id = all[i].id;
      var at = id.lastIndexOf('-' + componentId);
      if (at >= 0 && /^(-\d+|-date|-time)?$/.test(id.slice(at + componentId.length + 1))) return all[i];
    }
    return null;
  }

  function say(status, text, kind) {
    status.textContent = text;
    status.className = kind || '';
  }

  /** The error summary: a heading and one link per field, focusing the field's input. */
  function showErrors(summary, intro, items) {
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
  function hideErrors(summary) { summary.hidden = true; summary.textContent = ''; }

  /** form-js's own errors (form.submit().errors, by component id) as summary items. */
  function clientErrorItems(errors, components, container) {
    return Object.keys(errors || {}).map(function (id) {
      var c = components.filter(function (x) { return x.id === id; })[0] || { key: id };
      return { text: labelOf(c) + ': ' + (errors[id] || []).join(' '), target: inputOf(container, id) };
    });
  }

  /** The server's field errors (by field key, Swedish messages) as summary items. */
  function serverErrorItems(fieldErrors, components, container) {
    return Object.keys(fieldErrors || {}).map(function (k) {
      var c = components.filter(function (x) { return x.key === k; })[0];
      return { text: fieldErrors[k], target: c ? inputOf(container, c.id) : null };
    });
  }

  window.VkFormPage = { componentsOf: componentsOf, labelOf: labelOf, inputOf: inputOf, say: say, showErrors: showErrors, hideErrors: hideErrors, clientErrorItems: clientErrorItems, serverErrorItems: serverErrorItems };
})();
