"""Issue 12 item 8: bad input is a message, never a 500, on SQLite and PostgreSQL alike.

Derived from the app itself rather than a hand list: every URL rule of ``app.url_map`` is
requested with ids of 2^63 and more, and every form found on every page the world's users
can reach is posted back with a NUL character, then with over-long text, in each field in
turn. Afterwards no table may hold a NUL or a string longer than its column (SQLite would
have stored either without complaint).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from sqlalchemy import String, Text

from scoring.extensions import db

from ..helpers import sign_in
from ..leads.pages import text
from ..production.test_routes import EXPECTED, request_as, rules_of, url_for_rule
from ..production.world import ROLES, build_world

HUGE = (2**31, 2**63, 99999999999999999999)  # 2^31: past PostgreSQL's integer ids
LONG = 100_001  # one more than the longest free text any field takes (input_guard.TEXT_MAX_CHARS)
# Who fills in forms, and which procurement of the world they work on.
CRAWLERS = (
    ("rep", "scoring"),
    ("panel", "moderation"),
    ("lead", "scoring"),
    ("lead", "moderation"),
    ("lead", "final"),
    ("other_lead", "other"),
    ("admin", "scoring"),
)


class _Forms(HTMLParser):
    """Every POST form on a page: its action and the fields a browser would send as they are."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
                "choices": {},
            }
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        name, fields = a["name"], self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("radio", "checkbox"):
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "on")
                return
            fields[name] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "button" and a.get("value") is not None:
            self._form["choices"][name] = a["value"]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def forms_on(page: str, base: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        form["url"] = urlsplit(urljoin(base, form["action"] or base)).path
        form["fields"].update({k: v for k, v in form["choices"].items() if k not in form["fields"]})
    return [f for f in parser.forms if f["method"] == "post" and not f["url"].endswith("/sign-out")]


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def browsers(app, world):
    browsers = {}
    for role in ROLES:
        browser = app.test_client()
        if role != "anonymous":
            with app.app_context():
                assert sign_in(browser, world.emails[role]).status_code == 302, role
        browsers[role] = browser
    return browsers


def attempt(app, browser, method, url, data=None) -> int:
    """The status, or 500 for an exception (TESTING makes Flask raise instead of answering 500)."""
    try:
        with app.app_context():
            response = browser.open(url, method=method, data=data)
            response.get_data()
            response.close()
            return response.status_code
    except Exception as error:  # noqa: BLE001 - any exception is the 500 a user would see
        return 500 if not isinstance(error, AssertionError) else 599


def test_ids_of_2_to_the_63_and_more_are_not_found_on_every_route(app, world, browsers):
    wrong = []
    for rule in rules_of(app):
        int_arguments = [
            a
            for a in rule.arguments
            if rule._converters[a].__class__.__name__ != "PathConverter"
            and "int" in type(rule._converters[a]).__name__.lower()
        ]
        if not int_arguments or rule.endpoint not in EXPECTED:
            continue
        allowed = [r for r in ROLES if EXPECTED[rule.endpoint][r] in (200, 400)] or ["admin"]
        method = "GET" if "GET" in rule.methods else "POST"
        for argument in int_arguments:
            for huge in HUGE:
                with app.test_request_context():
                    good = url_for_rule(world, rule)
                    marker = url_for_rule(world, rule, **{argument: 424242424242})
                url = marker.replace("424242424242", str(huge))
                got = attempt(app, browsers[allowed[-1]], method, url)
                if got != 404:
                    wrong.append(f"{method} {url} ({rule.endpoint}, {argument}) as {allowed[-1]}: {got}")
                assert good
    assert not wrong, "\n".join(wrong)


def test_page_numbers_and_query_ids_of_2_to_the_63_are_refused_not_a_500(app, world, browsers):
    wrong = []
    for rule in rules_of(app):
        if "GET" not in rule.methods or rule.endpoint not in EXPECTED:
            continue
        allowed = [r for r in ROLES if EXPECTED[rule.endpoint][r] == 200]
        if not allowed:
            continue
        with app.test_request_context():
            url = url_for_rule(world, rule)
        for name in ("page", "scenario", "person"):
            for huge in (2**31 - 1, 2**63 - 1, *HUGE):
                got = attempt(app, browsers[allowed[-1]], "GET", f"{url}?{name}={huge}")
                if got >= 500:
                    wrong.append(f"GET {url}?{name}={huge} ({rule.endpoint}) as {allowed[-1]}: {got}")
    with app.test_request_context():
        audit = url_for("leads.audit", procurement_id=world.ids["scoring"]["procurement_id"])
    for huge in (2**31 - 1, 2**63 - 1, *HUGE):
        assert attempt(app, browsers["lead"], "GET", f"{audit}?page={huge}") in (400, 404)
    assert not wrong, "\n".join(wrong)


def crawl(app, world, browsers) -> list[tuple[str, dict]]:
    """(role, form) for every POST form on every page the crawlers can open, each form once."""
    found, seen = [], set()
    rules = [
        r
        for r in rules_of(app)
        if "GET" in r.methods and r.endpoint in EXPECTED and r.endpoint not in ("static", "assets.nhsuk_asset")
    ]
    for role, stage in CRAWLERS:
        for rule in rules:
            if EXPECTED[rule.endpoint][role] != 200 and not (
                role == "other_lead" and rule.endpoint.startswith("leads.")
            ):
                continue
            with app.test_request_context():
                try:
                    url = url_for_rule(world, rule, **world.ids[stage])
                except Exception:  # noqa: BLE001 - a rule needing an id this stage has not got
                    continue
            with app.app_context():
                response = browsers[role].get(url)
                page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                response.get_data()
                response.close()
            for form in forms_on(page, url):
                # The same form on another procurement at the same stage adds nothing.
                key = (
                    stage,
                    re.sub(r"\d+", "N", form["url"]),
                    tuple(sorted(re.sub(r"\d+", "N", name) for name in form["fields"])),
                )
                if key not in seen:
                    seen.add(key)
                    found.append((role, form))
    return found


def stored_problems() -> list[str]:
    """Every stored NUL, and every string longer than its column, in every table."""
    problems = []
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row):
                if not isinstance(value, str):
                    continue
                if "\x00" in value:
                    problems.append(f"{table.name}.{column.name} holds a NUL")
                length = getattr(column.type, "length", None)
                if length and len(value) > length:
                    problems.append(f"{table.name}.{column.name} holds {len(value)} characters (column {length})")
    return problems


def test_every_form_answers_nul_and_overlong_text_with_a_message(app, world, browsers):
    forms = crawl(app, world, browsers)
    posted = {form["url"].split("/")[-1] for _, form in forms}
    # The crawl reaches the forms of every kind of user: a sanity check that it found them.
    assert len(forms) >= 25 and {"conflicts", "new", "import", "what-if"} & posted
    wrong = []
    long_text = "x" * LONG
    # The rep's forms first, the administrator's last (setting a password ends that user's sessions).
    for role, form in sorted(forms, key=lambda rf: CRAWLERS.index(next(c for c in CRAWLERS if c[0] == rf[0]))):
        for field in form["fields"]:
            for label, value in (("NUL", f"Good\x00text {form['fields'][field]}"), ("long", long_text)):
                data = {**form["fields"], field: value}
                got = attempt(app, browsers[role], "POST", form["url"], data)
                if got >= 500:
                    wrong.append(f"POST {form['url']} as {role} with {label} in {field}: {got}")
                elif label == "NUL" and got != 400:
                    wrong.append(f"POST {form['url']} as {role} with NUL in {field}: {got}, not refused")
    assert not wrong, "\n".join(wrong)
    assert not stored_problems(), "\n".join(stored_problems())


def test_a_nul_in_the_sign_in_email_is_a_message(client, rep):
    response = client.post("/sign-in", data={"email": f"{rep.email}\x00", "password": "whatever"})
    assert response.status_code == 400
    assert "hidden “null” character" in text(response)
