"""Real-browser fixtures: the app served on 127.0.0.1, Debian's chromium, and axe-core audits.

Each test gets its own server and a fresh copy of a SQLite database holding the demo
procurement, with CSRF protection on, exactly as a user's browser meets it. Playwright
drives /usr/bin/chromium (never a downloaded browser). ``audit(page, label)`` runs the checks
of checks.py (axe-core with the WCAG 2.0/2.1/2.2 A and AA rules, and more) and fails on any
problem; every audit is counted at the end of the run and written to
tests/screenshots/axe-audits.json.
"""

from __future__ import annotations

import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import expect
from werkzeug.serving import make_server

from scoring import REPO_ROOT, create_app
from scoring.extensions import db

from ..axe_audits import AUDITS, SCREENSHOTS
from .checks import check_page

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
expect.set_options(timeout=10_000)

# Waits, generous: the results page draws its charts and the PDFs are laid out on the server,
# CI machines are shared, and the suite runs in parallel (a PDF download took over 15 s with
# both workers busy on a loaded machine). A wait is not a speed test.
TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 45_000


def _app_config(database: Path, uploads: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "WTF_CSRF_ENABLED": True,  # the browser posts real forms with real tokens
        "UPLOAD_FOLDER": str(uploads),
        "SECRET_KEY": "browser-test-secret-key",
    }


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory) -> Path:
    """The demo procurement, seeded once (scrypt hashing is slow); each test copies the file."""
    from scoring.services.demo import seed_demo

    folder = tmp_path_factory.mktemp("seed")
    path = folder / "demo.sqlite"
    app = create_app(_app_config(path, folder / "uploads"))
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.remove()
        db.engine.dispose()  # closes the last connection, so SQLite folds the WAL into the file
    return path


@dataclass
class LiveServer:
    url: str
    app: Flask
    errors: list = field(default_factory=list)

    def services(self):
        """An app context for driving the service layer directly (set-up a browser need not do)."""
        return self.app.app_context()


@contextmanager
def serving(database: Path, uploads: Path):
    """The app on a free 127.0.0.1 port over ``database``, in a thread; fails if it ever raised."""
    app = create_app(_app_config(database, uploads))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)

    def record_exception(sender, exception, **extra):
        live.errors.append(repr(exception))

    got_request_exception.connect(record_exception, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        got_request_exception.disconnect(record_exception, app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    assert not live.errors, f"The server raised while serving the browser: {live.errors}"


@pytest.fixture
def live_server(seeded_database, tmp_path):
    database = tmp_path / "live.sqlite"
    shutil.copyfile(seeded_database, database)
    with serving(database, tmp_path / "uploads") as live:
        yield live


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


def watch_for_errors(context) -> None:
    """Collect the context's console errors (CSP included) and failed loads in ``context.console_errors``."""
    context.console_errors = []

    def on_console(page, message):
        # A refused form (400, 401) is logged as a failed load of the page itself: expected.
        # Failed sub-resources are caught by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            context.console_errors.append(f"{page.url}: {message.text}")

    def on_response(response):
        # A 400 from a JSON endpoint is its answer to invalid input; a 5xx never is.
        kind = response.request.resource_type
        if kind != "document" and response.status >= (500 if kind in ("fetch", "xhr") else 400):
            context.console_errors.append(f"{response.status} for {response.url}")

    def on_page(page):
        page.on("console", lambda message: on_console(page, message))
        page.on("pageerror", lambda error: context.console_errors.append(f"{page.url}: {error}"))
        page.on("response", on_response)

    context.on("page", on_page)


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts on the live server; each records console errors (CSP included)."""
    contexts = []

    def open_context(**kwargs):
        options = {
            "base_url": live_server.url,
            "viewport": {"width": 1280, "height": 900},
            "accept_downloads": True,
            **kwargs,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        watch_for_errors(context)
        contexts.append(context)
        return context

    yield open_context
    problems = []
    for context in contexts:
        problems.extend(context.console_errors)
        context.close()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def audit(request):
    """``audit(page, label)``: every check of checks.py on the page as it is now (axe-core with
    the WCAG 2.0/2.1/2.2 A and AA rules, markup shown as text, the error title); none may fail."""

    def run(page, label: str) -> None:
        started = time.perf_counter()
        problems = check_page(page)
        AUDITS.append(
            {
                "test": request.node.name,
                "label": label,
                "url": page.url,
                "title": page.title(),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        if problems:
            pytest.fail(f"{label} ({page.url}):\n" + "\n".join(f"- {p}" for p in problems), pytrace=False)

    return run


@pytest.fixture
def screenshot(request):
    """``screenshot(page, name)`` saves a full-page PNG under tests/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
