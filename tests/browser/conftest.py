"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser). Every page a test shows through
the `page` fixture is checked with axe-core (tests/browser/axe.py): a serious or critical violation fails the test
in teardown, listing the rule, its help text and the elements."""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.browser import axe


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, running one request at a time through Trato (connections are still accepted and read in
    their own threads: a browser's idle preconnected sockets must not stall the others). With SQLite in memory every
    request thread shares the test's one connection, and several at once (the reports page loads its six rankings
    together) deadlocked SQLite now and then: a browser test hung until killed."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:  # the body too is made under the lock: a streamed download reads the database as it goes
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATime
CHROMIUM = os.environ.get("TRATO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
CALL_REPORT = pytest.StashKey()  # the test's own outcome, for the page fixture's teardown


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[CALL_REPORT] = report


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("TRATO_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    # Reduced motion: Bootstrap then changes colours at once, so axe never meets a button halfway through its hover
    # transition (a contrast between the two colours' own).
    context = browser.new_context(base_url=live_server.url, locale="es-ES", timezone_id="Europe/Madrid",
                                  reduced_motion="reduce")  # fmt: skip
    context.set_default_timeout(10_000)
    audit = axe.Audit(context, live_server.url)
    page = context.new_page()
    audit.watch(page)
    yield page
    problems = ""
    try:
        report = request.node.stash.get(CALL_REPORT, None)
        if report is not None and report.passed:  # a failed test has told its story already
            problems = audit.finish(page)
    finally:
        audit.forget(page)
        context.close()
    if problems:
        pytest.fail(problems, pytrace=False)


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): fail unless axe finds no serious or critical violation on the page as it is now."""
    return axe.assert_accessible


@pytest.fixture
def login(page):
    def do_login(user, password="secret-pass-123"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return do_login
