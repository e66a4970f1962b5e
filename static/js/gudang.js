/* Gudang: small page helpers. Every form still works without JavaScript. */
(function () {
  "use strict";

  // <form data-confirm="…"> asks before it is sent. Capture phase, so that a
  // "Cancel" also stops htmx, which listens on the form itself.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Disable the buttons of a POST form once it is sent, against double clicks.
  // Deferred, so the clicked button's name/value is still submitted; skipped
  // when a script (htmx) handles the submit itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post") {
      return;
    }
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.elements, function (element) {
        if (element.type === "submit" && !element.disabled) {
          element.disabled = true;
          element.dataset.disabledOnSubmit = "";
        }
      });
    }, 0);
  });

  // Coming back with the browser's Back button must not show dead buttons.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("[data-disabled-on-submit]").forEach(function (element) {
        element.disabled = false;
        delete element.dataset.disabledOnSubmit;
      });
    }
  });

  // Filter bars folded on a phone (partials/filter_bar.html with fold): folded there while no
  // filter is set, always open on a wider screen. Without this file they are simply open.
  var narrow = window.matchMedia("(max-width: 767.98px)");
  function fold() {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (details) {
      details.open = !narrow.matches;
    });
  }
  fold();
  narrow.addEventListener("change", fold);

  // htmx requests other than GET carry the CSRF token from <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });
})();
