"""The browser tests' shared fixtures: Debian's chromium driven by Playwright against
pytest-django's live server, with every request recorded, and axe-core. The fixtures are
offered to every test module by tests/conftest.py; a module of browser tests defines the
``site`` fixture (the rows the test needs, created before the browser starts) and marks itself
with ``pytest.mark.django_db(transaction=True, serialized_rollback=True)``.

Browsers cannot be downloaded here, so Playwright drives the system's chromium
(``make browser-deps`` installs it); without it these tests fail, they never skip.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000

EDITOR, PASSWORD = "editor", "a long passphrase 42"


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Missing, it fails every browser test (never skips them)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(`make browser-deps`, or `apt-get install -y chromium`)."
        )
    return str(CHROMIUM)


@pytest.fixture
def browser(chromium, live_server, site, empty_cache):
    """A chromium for one test, started once the test's data is in the database.

    Playwright's synchronous API keeps an event loop running on this thread while it is open.
    Django then counts the thread as asynchronous: it refuses queries from it and would give it
    a connection of its own, without the state pytest-django's transactional tests keep on the
    test thread's connection (``serialized_rollback``). So every row a test needs is created
    before the browser starts (the ``site`` fixture) and the browser is closed before the test's
    data is flushed; while it runs, only the live server (on its own threads) reads the
    database. A query from a test in that time raises SynchronousOnlyOperation.
    """
    with pytest.MonkeyPatch.context() as patch:
        # pytest-django's live server would serve static files through the staticfiles
        # finders, which know the source names only; pages link the hashed names that
        # collectstatic writes. Let WhiteNoise serve them, as it does in production.
        patch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


# Reports each load the Content-Security-Policy refuses (it allows the site itself only): such a
# load never becomes a request, yet a page that tried to fetch a font from elsewhere must fail.
REPORT_BLOCKED_LOADS = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.reportBlockedLoad(event.effectiveDirective + ' ' + event.blockedURI);
});
"""


class Session:
    """A browser context (cookies, viewport) with every request it made, every load the
    Content-Security-Policy refused and every response that was an error."""

    def __init__(self, browser, base_url: str, **options):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, **options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.failures: list[tuple[int, str]] = []
        self.context.on("request", self._record_request)
        self.context.on("response", self._record_response)
        self.context.expose_function("reportBlockedLoad", self._record_blocked_load)
        self.context.add_init_script(REPORT_BLOCKED_LOADS)
        self.page = self.context.new_page()

    def _record_request(self, request):
        self.requests.append(request.url)

    def _record_blocked_load(self, description: str):
        self.blocked.append(description)

    def _record_response(self, response):
        if response.status >= 400:
            self.failures.append((response.status, response.url))

    def offsite_requests(self) -> list[str]:
        """Requests to another origin than the live server's, and loads the browser refused."""
        origin = urlsplit(self.base_url)
        offsite = [
            url
            for url in self.requests
            if (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
        ]
        return offsite + self.blocked

    def close(self):
        self.context.close()


@pytest.fixture
def open_session(browser, live_server):
    sessions = []

    def start(**options) -> Session:
        session = Session(browser, live_server.url, **options)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        offsite = session.offsite_requests()
        session.close()
        assert not offsite, f"requests left the site: {offsite}"


@pytest.fixture
def reader(open_session) -> Session:
    return open_session()


@pytest.fixture
def empty_cache():
    """The local-memory cache is shared with the live server: start every test without pages
    or log-in attempts cached by another."""
    cache.clear()
    yield
    cache.clear()


def visit(session: Session, path: str, status: int = 200):
    response = session.page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    return response


# --- Accessibility ------------------------------------------------------------------------------


def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def axe_check(session, selector: str | None = None) -> list[str]:
    """axe's violations on the session's page (or within ``selector``).

    axe reads the admin's forms.css, which imports widgets.css, by writing the imported sheet
    into a ``<style>`` of its own; the Content-Security-Policy refuses it. That load is axe's,
    not the page's: it is not counted as one that tried to leave the site.
    """
    before = len(session.blocked)
    if selector is None:
        violations = axe_violations(session.page)
    else:
        results = Axe().run(session.page, context={"include": [[selector]]})
        violations = [v["id"] for v in results.response["violations"]]
    session.blocked[before:] = [
        load for load in session.blocked[before:] if load != "style-src-elem inline"
    ]
    return violations


def log_in_to(session, path: str, username: str = EDITOR, password: str = PASSWORD):
    """Open ``path``, which redirects to the admin's log-in form, and log in there."""
    import re

    from playwright.sync_api import expect

    page = session.page
    visit(session, path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    return page
