"""Browser fixtures: the app served on a real port, Debian's Chromium driven by Playwright."""

import contextlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update
from werkzeug.serving import make_server

from journal.extensions import db
from journal.models import DeviceSession, User
from tests.conftest import PASSWORD
from tools.chromium import ARGS, CHROMIUM

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
MOBILE = {"width": 360, "height": 780}
REQUIRED = os.environ.get("JOURNAL_REQUIRE_BROWSER") == "1"
MISSING = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"


def pytest_collection_modifyitems(items):
    """Mark browser tests; without Chromium skip them, unless CI demands the browser."""
    here = Path(__file__).parent
    found = Path(CHROMIUM).exists()
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not found and not REQUIRED:
                item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver for the run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium, headless, with the flags this closed network needs."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{MISSING}; JOURNAL_REQUIRE_BROWSER=1 makes that a failure")
    instance = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield instance
    instance.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh profile at phone width; console errors are collected on `context.errors`."""
    ctx = browser.new_context(base_url=live_server, viewport=MOBILE)
    ctx.errors = []
    ctx.on("page", lambda page: _watch(page, ctx.errors))
    yield ctx
    ctx.close()


@pytest.fixture
def persistent(playwright_instance, live_server):
    """Open (and reopen) a persistent profile, as an installed app would have."""
    profile = tempfile.mkdtemp(prefix="journal-profile-")
    opened = []

    def launch():
        ctx = playwright_instance.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            base_url=live_server,
            viewport=MOBILE,
        )
        ctx.errors = []
        ctx.on("page", lambda page: _watch(page, ctx.errors))
        for page in ctx.pages:
            _watch(page, ctx.errors)
        opened.append(ctx)
        return ctx

    yield launch
    for ctx in opened:
        with contextlib.suppress(Exception):  # already closed by the test
            ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


def _watch(page, errors):
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))


@pytest.fixture
def page(context):
    """A page in a fresh profile."""
    return context.new_page()


def register(page, role="client", email=None, name="Robin"):
    """Create an account through the page, as a person would."""
    email = email or f"{role}-{os.urandom(4).hex()}@example.test"
    page.goto("/register")
    page.fill("#display_name", name)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.check(f"input[name=role][value={role}]")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return email


def sign_in(page, email, *, here=False):
    """Sign in through the page: the sign-in page, or `here` on the one already shown."""
    if not here:
        page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def ready_offline(page):
    """Make sure the service worker controls the page and this page holds the account's key
    (handed over by the server once signed in), so it can go offline."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto("/journal/new")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate(SETTLED)


# This page's decision about whose key it holds (device.js settles once per page).
SETTLED = "import('/static/js/device.js').then((d) => d.settle()).then((s) => Boolean(s))"


def time_out(app, email):
    """End every session of an account, as the server's idle timeout would."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.execute(
            update(DeviceSession)
            .where(DeviceSession.user_id == user.id)
            .values(ended_at=DeviceSession.created_at)
        )
        db.session.commit()


def shoot(page, name):
    """Save a full-page screenshot into screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
