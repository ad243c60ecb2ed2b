// The weekly trend on the home page: declared batches as bars, refused ones as a dashed line with
// triangle points (told apart by shape as well as colour). The table beside the chart holds the same
// figures, each a link; a click on a bar or point opens the same list.
(function () {
  "use strict";
  var canvas = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var datasets = data.datasets.map(function (series, index) {
    var line = index > 0;
    return {
      type: line ? "line" : "bar",
      label: series.label,
      data: series.data,
      urls: series.urls,
      backgroundColor: line ? series.colour : series.colour + "cc",
      borderColor: series.colour,
      borderWidth: line ? 2 : 0,
      borderDash: line ? [6, 4] : [],
      pointStyle: line ? "triangle" : "rect",
      pointRadius: line ? 5 : 0,
      order: line ? 0 : 1,
    };
  });
  new window.Chart(canvas, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0, color: "#495057" } },
        x: { ticks: { color: "#495057" } },
      },
      plugins: {
        legend: {
          labels: {
            color: "#212529",
            usePointStyle: true,
            sort: function (a, b) { return a.datasetIndex - b.datasetIndex; },
          },
        },
      },
      onClick: function (event, elements) {
        if (!elements.length) {
          return;
        }
        var element = elements[elements.length - 1];
        var urls = datasets[element.datasetIndex].urls;
        if (urls && urls[element.index]) {
          window.location.href = urls[element.index];
        }
      },
    },
  });
})();
