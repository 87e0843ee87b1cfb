"""Real-browser fixtures: the app served on 127.0.0.1, Debian's chromium, and axe-core audits.

Each test gets its own server and a fresh copy of a SQLite database holding the demo
procurement, with CSRF protection on, exactly as a user's browser meets it. Playwright
drives /usr/bin/chromium (never a downloaded browser). ``audit(page, label)`` runs axe-core
with the WCAG 2.0/2.1/2.2 A and AA rules and fails on any violation; every audit is listed
at the end of the run and written to tests/screenshots/axe-audits.json.
"""
from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import expect
from werkzeug.serving import make_server

from scoring import REPO_ROOT, create_app
from scoring.extensions import db

from ..axe_audits import AUDITS, AXE_TAGS, SCREENSHOTS

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
expect.set_options(timeout=10_000)

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


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


@pytest.fixture
def live_server(seeded_database, tmp_path):
    database = tmp_path / "live.sqlite"
    shutil.copyfile(seeded_database, database)
    app = create_app(_app_config(database, tmp_path / "uploads"))
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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts on the live server; each records console errors (CSP included)."""
    contexts = []

    def open_context(**kwargs):
        options = {"base_url": live_server.url, "viewport": {"width": 1280, "height": 900},
                   "accept_downloads": True, **kwargs}
        context = browser.new_context(**options)
        # Generous: the results page draws its charts and the PDFs are laid out on the server,
        # CI machines are shared, and the suite runs in parallel (a PDF download took over 15 s
        # with both workers busy on a loaded machine). A wait is not a speed test.
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(45_000)
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
    """``audit(page, label)``: run axe-core on the page as it is now; zero violations allowed."""
    axe_source = AXE_JS.read_text(encoding="utf-8")

    def run(page, label: str) -> dict:
        started = time.perf_counter()
        # Injected through the DevTools protocol, which the page's CSP does not govern, so the
        # page is audited with its real Content-Security-Policy in force.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source + "\n;undefined")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        rules = {r["id"] for key in ("violations", "passes", "incomplete", "inapplicable") for r in result[key]}
        AUDITS.append({"test": request.node.name, "order": len(AUDITS), "label": label, "url": page.url,
                       "title": page.title(), "rules": len(rules),
                       "seconds": round(time.perf_counter() - started, 2)})
        violations = result["violations"]
        if violations:
            lines = [f"axe found {len(violations)} violation(s) on {label} ({page.url}):"]
            for violation in violations:
                lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
                for node in violation["nodes"]:
                    lines.append(f"    at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
            pytest.fail("\n".join(lines), pytrace=False)
        return result

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
