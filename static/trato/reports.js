// Draws the report charts (every section) from the JSON blocks the page carries: one for the tables shown at once
// (#report-charts), one per table the page loads later (#report-charts-<section>-<table>, swapped in by htmx). The
// tables beside them hold the same figures, so without this file (or without Chart.js) nothing is lost.
(() => {
  if (typeof window.Chart === "undefined") return;
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

  function specs() {
    const charts = {};
    document.querySelectorAll('script[id^="report-charts"]').forEach((source) => {
      Object.assign(charts, JSON.parse(source.textContent));
    });
    return charts;
  }

  function draw() {
    const charts = specs();
    document.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach((canvas) => {
      const spec = charts[canvas.dataset.chart];
      if (!spec || !spec.labels.length) return;
      canvas.dataset.drawn = "true";
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: options(spec),
      });
    });
  }

  draw();
  document.body.addEventListener("htmx:afterSettle", draw); // a table loaded after the page
})();
