/* Pages that update themselves without a reload. The page names its change-version URL in
   <… data-live="URL">; every second (while the page is shown) this asks it for the page's
   version, a tiny JSON answer. When the version has changed, the page is fetched again (its
   own URL, so the same filters, rights and scope as a reload; with the header X-Live, for
   which the dashboard brings its sales part too) and each of its [data-live-region][id]
   elements is put in place of the old one. Rows and figures marked
   data-live-key="…" whose text changed (or that are new) get the class "live-changed" for two
   seconds. A region holding the focus of a field (someone typing) waits for the next round.
   Without JavaScript the pages are as they always were. */
(function () {
  "use strict";

  var INTERVAL = 1000;
  var MAX_INTERVAL = 30000;
  var HIGHLIGHT = 2000;

  var source = document.querySelector("[data-live]");
  if (!source || !window.fetch || !window.DOMParser) {
    return;
  }
  var versionUrl = source.dataset.live;
  var version = null;
  var delay = INTERVAL;
  var timer = null;
  var asking = false;
  var stopped = false;

  function text(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function texts(root) {
    var found = {};
    root.querySelectorAll("[data-live-key]").forEach(function (element) {
      found[element.dataset.liveKey] = text(element);
    });
    return found;
  }

  function highlight(element) {
    element.classList.add("live-changed");
    window.setTimeout(function () { element.classList.remove("live-changed"); }, HIGHLIGHT);
  }

  function typingIn(region) {
    var active = document.activeElement;
    return Boolean(active && active !== document.body && region.contains(active) &&
      /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  }

  // Put the regions of `html` (the page fetched again) in place; false when one could not be
  // (someone is typing in it), so that the next round tries again.
  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var done = true;
    document.querySelectorAll("[data-live-region][id]").forEach(function (region) {
      var next = fresh.getElementById(region.id);
      if (!next) {
        return;
      }
      if (typingIn(region)) {
        done = false;
        return;
      }
      var before = texts(region);
      var opened = Array.prototype.map.call(region.querySelectorAll("details"), function (d) { return d.open; });
      next = document.importNode(next, true);
      next.querySelectorAll("details").forEach(function (details, index) {
        details.open = Boolean(opened[index]);
      });
      region.replaceWith(next);
      next.querySelectorAll("[data-live-key]").forEach(function (element) {
        if (before[element.dataset.liveKey] !== text(element)) {
          highlight(element);
        }
      });
      if (window.htmx) {
        window.htmx.process(next);
      }
    });
    document.dispatchEvent(new CustomEvent("live:updated"));
    return done;
  }

  function refresh(newVersion) {
    return window.fetch(window.location.href, { credentials: "same-origin", headers: { "X-Live": "1" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (swap(html)) {
          version = newVersion;
        }
      });
  }

  function poll() {
    timer = null;
    if (stopped || document.hidden || asking) {
      return;
    }
    asking = true;
    window.fetch(versionUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 403 || response.status === 404 || response.redirected) {
          stopped = true; // signed out, or the page is no longer theirs: a reload says why
          throw new Error("HTTP " + response.status);
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        if (version === null) {
          version = answer.version;
        } else if (answer.version !== version) {
          return refresh(answer.version);
        }
      })
      .then(function () { delay = INTERVAL; }, function () { delay = Math.min(delay * 2, MAX_INTERVAL); })
      .then(function () {
        asking = false;
        schedule();
      });
  }

  function schedule() {
    if (!stopped && !document.hidden && timer === null) {
      timer = window.setTimeout(poll, delay);
    }
  }

  // A hidden tab asks nothing; shown again, it asks at once.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && !asking) {
      timer = window.setTimeout(poll, 0);
    }
  });
  poll();
})();
