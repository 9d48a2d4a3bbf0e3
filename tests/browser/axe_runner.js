// Runs after axe-core's own source, in every document of a browser test (a Playwright init script; see axe.py).
// Checks the page when it has loaded and again after every htmx swap, and reports each result to the test through
// the binding window.__tratoAxeReport. window.__tratoAxe.check() is the same check, on demand.
(() => {
  if (window !== window.top || typeof window.axe === "undefined") return;
  const OPTIONS = {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    resultTypes: ["violations"],
  };
  const BLOCKING = ["serious", "critical"];

  // One run at a time (axe refuses a second one); a finished run is reused while the page has not changed since it
  // started, at the same window size, so an explicit check right after the load check costs nothing.
  let queue = Promise.resolve();
  let last = null; // {promise, size, changed}
  const size = () => `${window.innerWidth}x${window.innerHeight}`;
  new MutationObserver(() => {
    if (last) last.changed = true;
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  // A colour-contrast failure says its colours, so the fix can be worked out from the message alone.
  const contrast = (node) => {
    const check = [...node.any, ...node.all, ...node.none].find((c) => c.data && c.data.contrastRatio);
    if (!check) return "";
    const { fgColor, bgColor, contrastRatio, expectedContrastRatio } = check.data;
    return ` (${fgColor} on ${bgColor}: ${contrastRatio}, needs ${expectedContrastRatio})`;
  };

  const summary = (results) => ({
    url: location.href,
    html: true,
    violations: results.violations
      .filter((violation) => BLOCKING.includes(violation.impact))
      .map((violation) => ({
        rule: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.flat().join(" ") + contrast(node)),
      })),
  });

  const check = () => {
    if (document.contentType !== "text/html") {
      return Promise.resolve({ url: location.href, html: false, violations: [] });
    }
    if (last && !last.changed && last.size === size()) return last.promise;
    const run = { size: size(), changed: false };
    run.promise = queue.then(() => {
      run.changed = false; // what counts is what changes after the run starts
      return window.axe.run(document, OPTIONS);
    }).then(summary);
    queue = run.promise.catch(() => undefined);
    last = run;
    return run.promise;
  };

  const report = () => {
    check().then(
      (result) => window.__tratoAxeReport(result),
      (error) => window.__tratoAxeReport({ url: location.href, html: true, error: String(error), violations: [] }),
    );
  };
  let timer = null;
  const reportSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(report, 50); // after the page's own load and settle handlers
  };

  window.__tratoAxe = { check };
  window.addEventListener("load", reportSoon);
  document.addEventListener("htmx:afterSettle", reportSoon);
})();
