/* The home dashboard's charts (templates/reports/dashboard.html), drawn with Chart.js
   (static/vendor/chartjs/). Each <canvas data-chart="ID"> draws the JSON of the element ID
   (Django's json_script): {labels, datasets: [{label, kind: "bar"|"line", data, text}],
   horizontal, currency}. `text` is each figure as the page writes it (for the tooltips); the
   value axis shows short amounts. The same figures are in the table below each chart. */
(function () {
  "use strict";

  if (!window.Chart) {
    return;
  }
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

  // The charts of the page, and those of the sales part once htmx has swapped it in
  // (htmx:load is sent for each element it adds); each canvas is drawn once.
  function drawIn(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (!canvas.dataset.drawn) {
        canvas.dataset.drawn = "yes";
        draw(canvas);
      }
    });
  }
  drawIn(document);
  document.addEventListener("htmx:load", function (event) {
    drawIn(event.detail.elt);
  });
})();
