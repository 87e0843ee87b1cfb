"""Every page, as every kind of user, in every state, checked in a real browser.

No list of pages: the URLs come from ``app.url_map`` (every rule a GET reaches), filled in with
the ids of the test world of tests/production/world.py (the world the route table uses) at
each stage of a procurement: set-up, scoring, moderation and final. Each persona of that world
(a user of each ``Role``, plus the variants the route table tells apart: a rep not assigned,
a rep with a conflict, the lead of another procurement, and someone not signed in) opens each
URL in chromium. A page the persona may not open (403, 404, or a redirect) is not audited for
them, and neither is anything that is not HTML (downloads, charts, assets): the response's
content type says which.

Each page that opens is checked by checks.py (axe-core WCAG 2.0-2.2 A/AA, markup shown as
text, sideways scrolling at 320 px, the "Error: " title), and so are its error states, found
the same general way on every page:

* its first form (inside ``main``) submitted empty: every text box, choice and list cleared;
* a form that carries a ``version`` (scores and consensus, which refuse a stale save) filled
  in and saved from two tabs, so that the second gets the "changed by someone else" page.

Whatever a post changed is undone afterwards (the database is restored from its snapshot),
so every page is seen in the state of its stage. Identical pages (the same HTML apart from
the signed-in user's header and the form tokens) are checked once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import url_for

from scoring import create_app
from scoring.extensions import db
from scoring.models import Role

from ..helpers import PASSWORD
from ..production.world import MARKUP, ROLES, build_world
from .checks import WIDE, check_page, overflow_at
from .conftest import AUDITS, NAVIGATION_TIMEOUT_MS, TIMEOUT_MS, _app_config, serving, watch_for_errors

STAGES = ("setup", "scoring", "moderation", "final")
ANYWHERE = "no procurement"  # URLs with no procurement in them: visited once
OTHER_ARGUMENTS = {"name": "totals-by-section", "filename": "css/app.css"}
TYPED = (MARKUP,)  # the world's names and reasons hold markup on purpose; as text they are right


@dataclass
class CrawlWorld:
    database: Path
    uploads: Path
    ids: dict[str, dict[str, int]]
    emails: dict[str, str]
    roles: dict[str, str]


@pytest.fixture(scope="session")
def crawl_world(tmp_path_factory) -> CrawlWorld:
    """The route table's world with a procurement at every stage, built once; each test copies it."""
    folder = tmp_path_factory.mktemp("crawl-world")
    database, uploads = folder / "world.sqlite", folder / "uploads"
    app = create_app(_app_config(database, uploads))
    with app.app_context():
        db.create_all()
        world = build_world(stages=(*STAGES, "other"))
        roles = {persona: user.role for persona, user in world.users.items()}
        db.session.remove()
        db.engine.dispose()  # folds the WAL into the file, so a plain copy is the whole database
    return CrawlWorld(database, uploads, world.ids, world.emails, roles)


def test_the_personas_cover_every_role(crawl_world):
    """A new Role without a persona would never be crawled."""
    assert {Role(role) for role in crawl_world.roles.values()} == set(Role)
    assert set(ROLES) == {"anonymous", *crawl_world.roles}


def urls_of(app, ids: dict[str, int] | None) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET rule whose arguments ``ids`` can fill (``None``: rules with
    no procurement, i.e. no ``_id`` argument)."""
    found = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods:
                continue
            ids_needed = [a for a in rule.arguments if a.endswith("_id")]
            if (ids is None) != (not ids_needed):
                continue
            values = {**OTHER_ARGUMENTS, **(ids or {})}
            if all(a in values for a in rule.arguments):
                found.append((rule.endpoint, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})))
    return found


@dataclass
class Crawl:
    """What the crawl saw: problems per page, and what it checked."""

    stage: str
    problems: dict[str, list[str]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    not_opened: dict[str, list[str]] = field(default_factory=dict)  # URL -> personas refused
    seen: set[str] = field(default_factory=set)
    seconds: float = 0.0
    spent: dict[str, float] = field(default_factory=dict)  # seconds per kind of step

    @contextmanager
    def timing(self, step: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.spent[step] = self.spent.get(step, 0.0) + time.perf_counter() - started

    def report(self) -> str:
        lines = []
        for where, problems in self.problems.items():
            lines.append(where)
            lines.extend(f"    - {p}" for p in problems)
        return "\n".join(lines)


# Two pages that differ only in who is signed in (the header) or in their tokens look the same
# to every check: checking one of them is enough.
_TOKENS = re.compile(r'(name="csrf_token"[^>]*value="|nonce="|value="[^"]*" name="csrf_token)[^"]*')
_HEADER = re.compile(r"<header\b.*?</header>", re.S)


def fingerprint(url: str, html: str) -> str:
    html = _HEADER.sub("", _TOKENS.sub("", html))
    return hashlib.sha1(f"{url.split('?')[0]}\n{html}".encode()).hexdigest()


def check(crawl: Crawl, page, where: str, key: str | None = None) -> None:
    """Run every check on ``page`` as it is, at 1280 px and then 320 px; a page already seen is skipped."""
    if key is None:
        with crawl.timing("fingerprint"):
            key = fingerprint(page.url, page.evaluate("document.documentElement.outerHTML"))
    if key in crawl.seen:
        return
    crawl.seen.add(key)
    started = time.perf_counter()
    with crawl.timing("axe and text checks"):
        problems = check_page(page, typed=TYPED)
    with crawl.timing("320 px"):
        problems += overflow_at(page)
        page.set_viewport_size(WIDE)
    crawl.checked.append(where)
    AUDITS.append(
        {
            "test": f"crawl[{crawl.stage}]",
            "label": where,
            "url": page.url,
            "title": page.title(),
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    if problems:
        crawl.problems[where] = problems


def ask(context, url: str) -> str | None:
    """The HTML ``url`` answers this persona with, or None (a refusal, a redirect or a download).

    Asked without a browser tab, so what is not a page costs one request and no rendering."""
    response = context.request.get(url, max_redirects=0)
    try:
        if response.status == 200 and response.headers.get("content-type", "").startswith("text/html"):
            return response.text()
        return None
    finally:
        response.dispose()


# Empties every field a person fills in (text, choices, lists, files); hidden fields stay.
EMPTY_FORM_JS = """
form => {
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.tagName === 'BUTTON' || el.type === 'submit') continue;
    if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
    else if (el.tagName === 'SELECT') el.selectedIndex = -1;
    else el.value = '';
  }
}
"""
# Fills in a form as a person might: the first choice of each group, some words in each box.
FILL_FORM_JS = """
form => {
  const groups = new Set();
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.tagName === 'BUTTON' || el.type === 'submit' || el.disabled) continue;
    if (el.type === 'radio') { if (!groups.has(el.name)) { el.checked = true; groups.add(el.name); } }
    else if (el.type === 'checkbox') el.checked = true;
    else if (el.tagName === 'SELECT') el.selectedIndex = el.options.length ? 0 : -1;
    else if (el.type === 'number' || el.inputMode === 'numeric' || el.inputMode === 'decimal') el.value = el.value || '1';
    else if (el.type !== 'file') el.value = el.value || 'Checked by the crawl test.';
  }
}
"""
FIRST_FORM = "main form"
SUBMIT = "button[type=submit], button:not([type]), input[type=submit]"


def submit(page, form) -> None:
    """Press the form's first button and wait for the page that answers."""
    button = form.locator(SUBMIT).first
    with page.expect_navigation(wait_until="load"):
        button.click()


class Restorer:
    """Puts the served database back as it was, after a post that may have changed it."""

    def __init__(self, live, snapshot: Path):
        self.live, self.snapshot = live, snapshot

    def __call__(self) -> None:
        with self.live.app.app_context():
            target = Path(db.engine.url.database)
        source = sqlite3.connect(self.snapshot)
        destination = sqlite3.connect(target, timeout=30)
        try:
            source.backup(destination)  # SQLite's online backup: safe while the server has it open
        finally:
            source.close()
            destination.close()


def error_states(crawl: Crawl, context, page, persona: str, url: str, restore: Restorer) -> None:
    forms = page.locator(FIRST_FORM)
    if not forms.count():
        return
    form = forms.first
    versioned = form.locator("input[type=hidden][name=version]").count() > 0
    form.evaluate(EMPTY_FORM_JS)
    try:
        submit(page, form)
        check(crawl, page, f"{url} as {persona}, its first form sent empty")
    finally:
        with crawl.timing("restoring"):
            restore()
    if versioned:
        first, second = page, context.new_page()
        try:
            first.goto(url)
            second.goto(url)
            for tab in (second, first):
                form = tab.locator(FIRST_FORM).first
                form.evaluate(FILL_FORM_JS)
                submit(tab, form)
            check(crawl, first, f"{url} as {persona}, saved from two tabs: the second save")
        finally:
            second.close()
            with crawl.timing("restoring"):
                restore()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def sign_in(context, email: str) -> None:
    """Sign in through the sign-in form's own post (the journeys test the form in a tab)."""
    form = context.request.get("/sign-in")
    token = _CSRF.search(form.text()).group(1)
    form.dispose()
    answer = context.request.post(
        "/sign-in", form={"csrf_token": token, "email": email, "password": PASSWORD}, max_redirects=0
    )
    assert answer.status == 302 and "/sign-in" not in answer.headers["location"], f"{email} could not sign in"
    answer.dispose()


@pytest.fixture
def crawl_server(crawl_world, tmp_path):
    database, uploads = tmp_path / "world.sqlite", tmp_path / "uploads"
    shutil.copyfile(crawl_world.database, database)
    if crawl_world.uploads.exists():
        shutil.copytree(crawl_world.uploads, uploads)
    with serving(database, uploads) as live:
        yield live, Restorer(live, crawl_world.database)


@pytest.mark.parametrize("stage", (ANYWHERE, *STAGES))
def test_every_page_passes_every_check_as_every_persona(stage, crawl_world, crawl_server, browser):
    live, restore = crawl_server
    urls = urls_of(live.app, None if stage == ANYWHERE else crawl_world.ids[stage])
    assert urls, f"no URL rule could be filled in for {stage}"
    crawl = Crawl(stage)
    started = time.perf_counter()
    console = []
    for persona in ROLES:
        context = browser.new_context(base_url=live.url, viewport=WIDE, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        watch_for_errors(context)
        try:
            if persona != "anonymous":
                with crawl.timing("signing in"):
                    sign_in(context, crawl_world.emails[persona])
            page = context.new_page()
            for endpoint, url in urls:
                if endpoint == "auth.logout":
                    continue
                with crawl.timing("asking"):
                    html = ask(context, url)
                if html is None:
                    crawl.not_opened.setdefault(url, []).append(persona)
                    continue
                key = fingerprint(url, html)
                if key in crawl.seen:
                    continue
                with crawl.timing("opening"):
                    page.goto(url)
                check(crawl, page, f"{url} ({endpoint}) as {persona}", key)
                with crawl.timing("error states"):
                    error_states(crawl, context, page, persona, url, restore)
        finally:
            console.extend(context.console_errors)
            context.close()
    crawl.seconds = time.perf_counter() - started
    print(
        f"\ncrawl[{stage}]: {len(urls)} URLs x {len(ROLES)} personas, {len(crawl.checked)} pages checked "
        f"in {crawl.seconds:.1f} s; " + ", ".join(f"{k} {v:.1f} s" for k, v in crawl.spent.items())
    )
    assert crawl.checked, f"no page could be opened at {stage}"
    assert not crawl.problems, f"{len(crawl.problems)} pages fail at {stage}:\n{crawl.report()}"
    assert not console, "The browser reported errors:\n" + "\n".join(console)
