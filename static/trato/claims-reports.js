// Draws the claims report charts from the JSON block the page carries; the tables beside them hold the same
// figures, so without this file (or without Chart.js) nothing is lost.
(() => {
  const source = document.getElementById("claims-report-data");
  if (!source || typeof window.Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || undefined;

  function options(spec) {
    const stacked = Boolean(spec.stacked);
    return {
      locale,
      indexAxis: spec.horizontal ? "y" : "x",
      animation: false,
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
      plugins: { legend: { display: spec.datasets.length > 1 } },
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const spec = charts[canvas.dataset.chart];
    if (!spec || !spec.labels.length) return;
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: options(spec),
    });
  });
})();
