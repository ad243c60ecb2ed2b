// The risk dashboard's charts (risk_monitoring/dashboard.html). Each <canvas data-chart="ID"> draws
// the JSON of <script id="ID" type="application/json"> (Django's json_script, so no inline script):
// - "stacked": counts per month, one stacked bar series per source or category;
// - "bars": one bar per label, each in its own colour (open signals by severity);
// - "percent": horizontal bars of a rate in percent, its counts in the tooltip (failure rates).
// A table beside each chart holds the same figures as links; a click on a bar opens the same list.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var BOOTSTRAP = {
    danger: "#b02a37",
    warning: "#997404",
    info: "#087990",
    success: "#146c43",
    secondary: "#6c757d",
    primary: "#0b5ed7",
  };
  var TICKS = { color: "#495057" };

  function open(datasets) {
    return function (event, elements) {
      if (!elements.length) {
        return;
      }
      var element = elements[elements.length - 1];
      var urls = datasets[element.datasetIndex].urls;
      if (urls && urls[element.index]) {
        window.location.href = urls[element.index];
      }
    };
  }

  function stacked(data) {
    var datasets = data.datasets.map(function (series) {
      return {
        label: series.label,
        data: series.data,
        urls: series.urls,
        backgroundColor: series.colour,
        borderColor: "#ffffff",
        borderWidth: 1,
      };
    });
    return {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        scales: {
          x: { stacked: true, ticks: TICKS },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0, color: TICKS.color } },
        },
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { color: "#212529", boxWidth: 12 } } },
        onClick: open(datasets),
      },
    };
  }

  function bars(data) {
    var datasets = data.datasets.map(function (series) {
      return {
        label: series.label,
        data: series.data,
        urls: series.urls,
        backgroundColor: series.colours.map(function (name) { return BOOTSTRAP[name] || BOOTSTRAP.secondary; }),
      };
    });
    return {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: TICKS.color } },
          y: { ticks: TICKS },
        },
        plugins: { legend: { display: false } },
        onClick: open(datasets),
      },
    };
  }

  function percent(data) {
    var datasets = data.datasets.map(function (series) {
      return {
        label: series.label,
        data: series.data,
        urls: series.urls,
        counts: series.counts,
        backgroundColor: series.colour,
      };
    });
    return {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, suggestedMax: 100, ticks: { color: TICKS.color, callback: function (v) { return v + "%"; } } },
          y: { ticks: TICKS },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                var counts = datasets[context.datasetIndex].counts[context.dataIndex];
                return context.parsed.x + "% (" + counts[0] + " / " + counts[1] + ")";
              },
            },
          },
        },
        onClick: open(datasets),
      },
    };
  }

  var KINDS = { stacked: stacked, bars: bars, percent: percent };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var build = KINDS[data.kind];
    if (!build) {
      return;
    }
    var config = build(data);
    config.options.animation = false;
    config.options.maintainAspectRatio = false;
    new window.Chart(canvas, config);
  });
})();
