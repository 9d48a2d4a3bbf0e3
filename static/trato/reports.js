// Draws the report charts (every section) from the JSON block the page carries; the tables beside them hold the same
// figures, so without this file (or without Chart.js) nothing is lost.
(() => {
  const source = document.getElementById("report-charts");
  if (!source || typeof window.Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || undefined;

  function options(spec) {
    const stacked = Boolean(spec.stacked);
    // Counts have no fractions: no "0,5 claims" tick between 0 and 1.
    const counts = spec.datasets.every((dataset) => dataset.data.every(Number.isInteger));
    const values = { stacked, beginAtZero: true, ticks: counts ? { precision: 0 } : {} };
    return {
      locale,
      indexAxis: spec.horizontal ? "y" : "x",
      animation: false,
      scales: spec.horizontal ? { x: values, y: { stacked } } : { x: { stacked }, y: values },
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
