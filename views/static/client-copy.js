/* global document, window */
/*
 * Copy buttons of the client area's "Your VPS" card (views/partials/client-access.hbs). Served from /static under
 * helmet's CSP (script-src 'self'; no inline script or onclick attribute may run), so it binds its handlers here.
 * The buttons ship hidden: they appear only where the Clipboard API exists (https, or localhost), and the values
 * stay selectable text without them.
 */
(function () {
  'use strict';
  if (!navigator.clipboard || !window.isSecureContext) return;
  var status = document.getElementById('copy-status');
  var buttons = document.querySelectorAll('button[data-copy]');

  // The button's aria-label ("Copy IPv4 address") stays; screen readers hear the outcome from the live region.
  function say(button, label, text) {
    button.textContent = label;
    if (status) status.textContent = text;
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(function () {
      button.textContent = 'Copy';
    }, 2000);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var value = source.textContent.trim();
      navigator.clipboard.writeText(value).then(
        function () {
          say(button, 'Copied', 'Copied ' + value);
        },
        function () {
          // Refused (no permission, page not focused): select the text so Ctrl+C / Cmd+C does it.
          var range = document.createRange();
          range.selectNodeContents(source);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          say(button, 'Press Ctrl+C', 'Selected; press Ctrl+C or Cmd+C to copy');
        },
      );
    });
  });
})();
