// A recall's recovery rate over time (traceability/measure_detail.html): the <canvas data-chart="ID">
// draws the JSON of <script id="ID"> (json_script: labels = dates, rates = percent). The table beside
// it holds the same figures.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ data: data.rates, borderColor: "#0b5ed7", backgroundColor: "#0b5ed7", tension: 0.2 }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      },
    });
  });
})();
