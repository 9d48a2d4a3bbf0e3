"""axe-core (from npm) in the browser tests: every page a test shows is checked against WCAG 2.1 A and AA, and a
serious or critical violation fails the test, listing each rule, its help text and the elements it found.

How axe gets into the page: as a Playwright init script (with the small runner in axe_runner.js). Playwright sends
it through the DevTools protocol, which the page's Content-Security-Policy (script-src 'self') does not govern, so
axe runs without a <script> tag and without `bypass_csp`: the tests keep the real CSP, and so still prove every page
works under it (a page that needed an inline script would still fail).

What gets checked (the `page` fixture in conftest.py does it for every browser test):
- each document when it has loaded, and again after every htmx swap, by the runner in the page itself, which
  reports to the test through a binding;
- in teardown, the page as the test left it, and every address the page showed whose check had not finished
  before the test moved on (the test clicked through faster than axe ran), by visiting it again.
So no page is skipped silently: an address is either checked where the test saw it or visited again at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Playwright itself is imported by the browser fixture, which skips without Chromium
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUNNER_JS = Path(__file__).with_name("axe_runner.js")
SHOWN_TARGETS = 8  # elements listed per violation; the rest are counted


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = self.targets[:SHOWN_TARGETS]
        more = len(self.targets) - len(shown)
        elements = "".join(f"\n      {target}" for target in shown) + (f"\n      … and {more} more" if more else "")
        return f"  {self.rule} ({self.impact}): {self.help}{elements}"


@dataclass(frozen=True)
class Known:
    """A violation reported to whoever owns the template, tolerated until they fix it: the address (a regular
    expression on the path), the rule and the element, each exactly."""

    path: str
    rule: str
    target: str
    reason: str

    def covers(self, url: str, rule: str, target: str) -> bool:
        path = re.sub(r"^[a-z]+://[^/]+", "", url)
        return bool(re.fullmatch(self.path, path.split("?")[0])) and (rule, target) == (self.rule, self.target)


# Reported, not fixed here: keep this list short and say who fixes each one.
KNOWN: list[Known] = []


def _address(url: str) -> str:
    return url.split("#")[0]


def _violations(result: dict[str, Any]) -> list[Violation]:
    """The result's serious and critical violations, less the known ones (a rule whose every element is known goes)."""
    found = []
    for item in result["violations"]:
        targets = tuple(t for t in item["targets"] if not any(k.covers(result["url"], item["rule"], t) for k in KNOWN))
        if targets:
            found.append(Violation(item["rule"], item["impact"], item["help"], targets))
    if result.get("error"):
        found.append(Violation("axe-error", "critical", f"axe could not check this page: {result['error']}", ()))
    return found


def check(page: Page) -> dict[str, Any]:
    """Run axe on the page as it is now (the runner the page fixture installed) and return its result."""
    page.wait_for_load_state("load")
    result = page.evaluate("() => window.__tratoAxe ? window.__tratoAxe.check() : null")
    if result is None:
        raise AssertionError(f"axe is not installed in {page.url}: use the page fixture, or axe.install(context)")
    return result


def describe(found: dict[str, list[Violation]]) -> str:
    lines = ["axe-core found serious or critical accessibility violations (WCAG 2.1 A/AA):"]
    for url, violations in found.items():
        lines.append(url)
        lines.extend(str(violation) for violation in violations)
    return "\n".join(lines)


class Audit:
    """What one browser context's pages showed, and what axe found on each address."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.base_url = base_url
        self.shown: dict[str, None] = {}  # addresses in the order shown (an ordered set)
        self.checked: set[str] = set()
        self.found: dict[str, list[Violation]] = {}
        install(context, self._reported)

    def watch(self, page: Page) -> None:
        def navigated(frame: Any) -> None:
            if frame.parent_frame is None and frame.url.startswith(self.base_url):
                self.shown.setdefault(_address(frame.url))

        page.on("framenavigated", navigated)
        _AUDITS[id(page)] = self

    def forget(self, page: Page) -> None:
        _AUDITS.pop(id(page), None)

    def _reported(self, result: dict[str, Any]) -> None:  # the binding's answer goes back to the page: none
        self.record(result)

    def record(self, result: dict[str, Any]) -> list[Violation]:
        address = _address(result["url"])
        self.checked.add(address)
        violations = _violations(result) if result["html"] else []
        known = self.found.setdefault(address, [])
        known.extend(v for v in violations if v not in known)
        return violations

    def finish(self, page: Page) -> str:
        """Check the page as left and visit again what was shown but not checked; say what was found, if anything."""
        if page.url.startswith(self.base_url):
            self.record(check(page))
        for address in list(self.shown):
            if address not in self.checked:
                page.goto(address)
                self.record(check(page))
        found = {address: violations for address, violations in self.found.items() if violations}
        return describe(found) if found else ""


_AUDITS: dict[int, Audit] = {}


@cache
def _init_script() -> str:
    return AXE_JS.read_text(encoding="utf-8") + "\n;\n" + RUNNER_JS.read_text(encoding="utf-8")


def install(context: BrowserContext, on_result: Any) -> None:
    """Put axe and the runner in every page of the context; each load's and swap's result goes to on_result."""
    context.expose_function("__tratoAxeReport", on_result)
    context.add_init_script(script=_init_script())


def assert_accessible(page: Page) -> None:
    """Fail unless axe finds no serious or critical violation on the page as it is now."""
    result = check(page)
    audit = _AUDITS.get(id(page))
    violations = audit.record(result) if audit else _violations(result) if result["html"] else []
    assert not violations, describe({_address(result["url"]): violations})
