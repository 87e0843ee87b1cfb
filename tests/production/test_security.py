"""CSRF on every state-changing request, cookie flags, production settings, escaping and uploads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from scoring import create_app
from scoring.extensions import db

from ..helpers import sign_in
from .test_routes import EXPECTED, browsers, request_as, rules_of, url_for_rule, world  # noqa: F401 (fixtures)
from .world import MARKUP

REPO_ROOT = Path(__file__).resolve().parents[2]


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, read on a connection of its own."""
    with db.engine.connect() as connection:
        return {
            t.name: sorted(map(tuple, connection.execute(sa.select(t)).all()), key=repr)
            for t in db.metadata.sorted_tables
        }


def allowed_role(endpoint: str) -> str:
    """Someone who may use the route, so that the CSRF check, not the access check, is what refuses."""
    codes = EXPECTED[endpoint]
    for role in ("lead", "admin", "rep", "panel", "other_lead", "anonymous"):
        # 410: a link route whose table token has expired; the CSRF check still comes first.
        if codes[role] in (200, 400, 410) or (endpoint == "auth.logout"):
            return role
    raise AssertionError(f"no role may use {endpoint}")


def test_every_state_changing_request_without_a_csrf_token_is_refused_and_changes_nothing(app, world, browsers):
    app.config["WTF_CSRF_ENABLED"] = True
    posts = [r for r in rules_of(app) if "POST" in r.methods and r.endpoint in EXPECTED]
    assert len(posts) >= 10
    with app.test_request_context():
        urls = [(rule, url_for_rule(world, rule)) for rule in posts]
    before = everything()
    wrong = []
    for rule, url in urls:
        role = allowed_role(rule.endpoint)
        for kind in ("form", "json"):
            with app.app_context():
                if kind == "form":
                    response = browsers[role].post(url, data={"name": "x", "reason": "x", "score": "3"})
                else:
                    response = browsers[role].post(url, json={"weights": {}})
                response.close()
            if response.status_code != 400:
                wrong.append(
                    f"POST {url} ({rule.endpoint}) as {role} without a token ({kind}): "
                    f"{response.status_code}, expected 400"
                )
        after = everything()
        if after != before:
            changed = [name for name in before if before[name] != after[name]]
            wrong.append(f"POST {url} ({rule.endpoint}) without a token changed {changed}")
            before = after
    assert not wrong, "\n".join(wrong)
    # Still signed in: the refused sign-out did nothing either.
    assert "/sign-in" not in request_as(app, browsers["lead"], "GET", "/").headers["Location"]


def test_escaped_names_and_reasons_are_shown_as_text(app, world, browsers):
    """The world's names, bidder names and rationales contain a script tag; pages show it as text."""
    ids = world.ids
    pages = [
        ("rep", url_for_args("evaluate.score", ids["scoring"])),  # the rep's own draft reason
        ("lead", url_for_args("leads.bidders", ids["scoring"])),  # a bidder's legal name
        ("admin", "/admin/users"),  # a user's name
        ("lead", url_for_args("moderation.cell", ids["moderation"])),  # evaluators' reasons
        ("lead", url_for_args("results.summary", ids["final"])),  # the agreed reasons
    ]
    for role, url in pages:
        response = request_as(app, browsers[role], "GET", url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert MARKUP not in body, url
        assert "&lt;script&gt;alert(" in body, url


def url_for_args(endpoint: str, ids: dict) -> str:
    from flask import current_app

    rule = next(r for r in current_app.url_map.iter_rules() if r.endpoint == endpoint)
    with current_app.test_request_context():
        return url_for(endpoint, **{a: ids[a] for a in rule.arguments})


def test_session_cookie_is_httponly_and_samesite_lax(client, rep):
    response = sign_in(client, rep)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over plain http on a laptop


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("SCORING_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 16 + "roduction-secret-key-0123456789")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }


def test_production_cookies_are_secure_and_https_is_required(production):
    from scoring.models import Role

    from ..helpers import gen_user

    app = create_app(production)
    with app.app_context():
        db.create_all()
        gen_user(Role.PATIENT, "Pat Patel")
        client = app.test_client()
        page = client.get("/sign-in", base_url="https://localhost")
        token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/sign-in",
            data={"email": "pat.patel@example.org", "password": "correct-horse-battery", "csrf_token": token},
            base_url="https://localhost",
            headers={"Referer": "https://localhost/sign-in"},
        )
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.debug is False


def test_production_refuses_to_start_without_a_secret_key(production, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(production)


def test_production_refuses_a_short_secret_key_or_debug_mode(production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app(production)
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug mode must be off"):
        create_app(production)


def test_gunicorn_entry_point_will_not_load_in_production_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG")}
    env.update(SCORING_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "filename, data",
    [
        ("answer.pdf", b"<html><script>alert(1)</script></html>"),  # a web page named .pdf
        ("answer.docx", b"MZ\x90\x00" + b"\x00" * 100),  # a Windows program named .docx
        ("answer.xlsx", b"PK\x03\x04not really a zip"),
        ("answer.pdf", b""),
    ],
)
def test_uploads_are_checked_by_their_content_not_their_name(app, filename, data):
    from scoring.services import documents
    from scoring.services.errors import Refused

    with pytest.raises(Refused):
        documents.check_upload(filename, data)
    assert documents.check_upload("renamed.bin", b"%PDF-1.7\n%%EOF\n")[2] == "pdf"
