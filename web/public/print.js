/* Print view: the "Skriv ut" button (no inline scripts under the CSP). */
(function () {
  'use strict';
  var b = document.getElementById('print');
  if (b) b.addEventListener('click', function () { window.print(); });
})();
