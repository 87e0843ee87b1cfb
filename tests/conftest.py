"""Shared fixtures: a fresh database per test, a client, and signed-in users.

Set TEST_DATABASE_URL (e.g. postgresql+psycopg://app@127.0.0.1:55432/postgres) to run
the same suite against PostgreSQL; the default is a throwaway SQLite file.
"""
from __future__ import annotations

import os

import pytest

from scoring import create_app
from scoring.extensions import db
from scoring.models import Role

from .helpers import gen_procurement, gen_user, sign_in


@pytest.fixture
def app(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret-key",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def lead(app):
    return gen_user(Role.LEAD, "Lee Lead")


@pytest.fixture
def rep(app):
    return gen_user(Role.PATIENT, "Pat Patel")


@pytest.fixture
def panel(app):
    return gen_user(Role.PANEL, "Morgan Panel")


@pytest.fixture
def procurement(app, lead, rep, panel):
    return gen_procurement(lead=lead, evaluators=[rep, panel])


@pytest.fixture
def rep_client(client, rep):
    sign_in(client, rep)
    return client
