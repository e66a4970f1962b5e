/* The home dashboard's charts (templates/reports/dashboard.html), drawn with Chart.js
   (static/vendor/chartjs/). Each <canvas data-chart="ID"> draws the JSON of the element ID
   (Django's json_script): {labels, datasets: [{label, kind: "bar"|"line", data, text}],
   horizontal, currency}. `text` is each figure as the page writes it (for the tooltips); the
   value axis shows short amounts. The same figures are in the table below each chart. */
(function () {
  "use strict";

  var root = document.documentElement;
  var lang = root.lang || undefined;
  var style = window.getComputedStyle(root);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var LABEL_LENGTH = 22;

  // Bootstrap's own colours: "r, g, b" of --bs-primary-rgb and --bs-success-rgb.
  function colour(name, fallback, alpha) {
    var rgb = style.getPropertyValue(name).trim() || fallback;
    return "rgba(" + rgb + ", " + alpha + ")";
  }
  var PALETTE = [["--bs-primary-rgb", "13, 110, 253"], ["--bs-success-rgb", "25, 135, 84"]];

  function shortAmount(currency) {
    var format = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    return function (value) {
      return (value < 0 ? "-" : "") + currency + "\u00a0" + format.format(Math.abs(value));
    };
  }

  function shortLabel(label) {
    label = String(label);
    return label.length > LABEL_LENGTH ? label.slice(0, LABEL_LENGTH - 1) + "\u2026" : label;
  }

  function dataset(set, index) {
    var tone = PALETTE[index % PALETTE.length];
    var line = set.kind === "line";
    return {
      type: line ? "line" : "bar",
      label: set.label,
      data: set.data,
      text: set.text,
      order: line ? 0 : 1,
      backgroundColor: colour(tone[0], tone[1], line ? 1 : 0.7),
      borderColor: colour(tone[0], tone[1], 1),
      borderWidth: line ? 2 : 1,
      maxBarThickness: 40,
      pointRadius: line ? 3 : undefined,
      tension: line ? 0.25 : undefined,
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var amount = shortAmount(spec.currency);
    var valueAxis = { beginAtZero: true, ticks: { callback: function (value) { return amount(value); } } };
    var categoryAxis = {
      ticks: {
        autoSkip: !spec.horizontal,
        callback: function (value) { return shortLabel(this.getLabelForValue(value)); },
      },
    };
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        animation: reduceMotion ? false : { duration: 400 },
        plugins: {
          legend: {
            display: spec.datasets.length > 1,
            labels: { sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } },
          },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + context.dataset.text[context.dataIndex];
              },
            },
          },
        },
        scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      },
    });
  }

  // Each canvas of the page not drawn yet; the charts of canvases no longer in the page (a
  // part static/js/live.js has put in again) are let go.
  function drawAll() {
    if (!window.Chart) {
      return;
    }
    Object.values(window.Chart.instances).forEach(function (chart) {
      if (!chart.canvas.isConnected) {
        chart.destroy();
      }
    });
    document.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach(function (canvas) {
      canvas.dataset.drawn = "yes";
      draw(canvas);
    });
  }

  // A part of the page fetched once the page is shown (<div data-dashboard-part="URL">: the
  // sales figures, which read the last weeks' sales movements) and put in its place. Fetched
  // here rather than by htmx, which drops the <script> elements the chart data is in.
  function load(slot) {
    window.fetch(slot.dataset.dashboardPart, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var part = document.createElement("template");
        part.innerHTML = html;
        slot.replaceWith(part.content);
        drawAll();
      })
      .catch(function () {
        slot.removeAttribute("aria-busy");
        slot.querySelector("[data-loading]").hidden = true;
        slot.querySelector("[data-failed]").hidden = false;
      });
  }

  drawAll();
  document.querySelectorAll("[data-dashboard-part]").forEach(load);
  // The stock and sales parts, put in again by static/js/live.js when their figures change.
  document.addEventListener("live:updated", drawAll);
})();
