"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
`live_server`.

- The browser is the system one at /usr/bin/chromium (`make test` installs it); Playwright's
  own browser download is never used. Without it every browser test fails, with a message
  saying how to install it: browser tests are never skipped silently.
- Playwright's sync API runs an event loop in the test thread, which trips Django's
  async-unsafe guard on every query the test makes; the tests are synchronous, so the
  guard is switched off for the test process.
- A failing test leaves a screenshot in `test-artifacts/` (CI keeps that folder).
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.password_validation import validate_password  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.catalogue import CLERK  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

CHROMIUM = Path(os.environ.get("GUDANG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1400, "height": 900}
E2E_PASSWORD = "gudang-e2e-2026"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Keep each phase's report on the item, so the `page` fixture can tell a failed test.
    setattr(item, f"rep_{report.when}", report)
    # In CI a skipped browser test is a failure: CI is where they must run.
    if in_ci() and report.skipped and item.get_closest_marker("e2e") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI (CI=true), which is not allowed: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the browser tests need Debian's Chromium. "
            "Install it with `apt-get update && apt-get install -y chromium` (as root; `make test` "
            "does this for you), or point GUDANG_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every login hashes a password; Django's default hasher costs most of a second of CPU."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def live_url(live_server) -> str:
    """The live server's base URL, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def page(browser, live_url, request):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="en-US", base_url=live_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _screenshot(page, request)
    context.close()


def _screenshot(page, request) -> None:
    folder = Path(request.config.rootpath) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        (folder / f"{name}.url.txt").write_text(page.url + "\n")
    except Exception as error:  # a dead page must not hide the test's own failure
        print(f"could not save a screenshot: {error}")


@pytest.fixture
def e2e_user(transactional_db):
    """A warehouse clerk the browser can log in as; `user.raw_password` is its password."""
    user = UserFactory.build(username="e2e-clerk", first_name="Eko", last_name="Prasetyo")
    validate_password(E2E_PASSWORD, user)
    user = UserFactory(
        username="e2e-clerk", first_name="Eko", last_name="Prasetyo", password=E2E_PASSWORD, roles=[CLERK]
    )
    user.raw_password = E2E_PASSWORD
    return user


@pytest.fixture
def login(live_url):
    """`login(page, username, password)`: log in through the real login form.

    Returns once the answer to the form has loaded: the page the user lands on, or the form
    again with its error."""

    def do_login(page, username: str, password: str):
        page.goto(live_url + reverse("login"))
        form = page.locator("form:has(input[name='password'])")
        form.locator("input[name='username']").fill(username)
        form.locator("input[name='password']").fill(password)
        with page.expect_navigation():
            form.locator("[type='submit']").click()
        return page

    return do_login
