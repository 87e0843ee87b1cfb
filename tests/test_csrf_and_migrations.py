"""Forms without a CSRF token are refused; the migrations build the same schema as the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from scoring import create_app
from scoring.extensions import db
from scoring.models import Score

from .helpers import sign_in


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, procurement, rep):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    # Signing in needs a token too.
    response = client.post("/sign-in", data={"email": rep.email, "password": "x"})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, rep)
    app.config["WTF_CSRF_ENABLED"] = True
    bidder, section = procurement.bidders[0], procurement.sections[0]
    response = client.post(
        f"/evaluate/{procurement.id}/bidders/{bidder.id}/sections/{section.id}",
        data={"score": "3", "rationale": "x", "version": "0"},
    )
    assert response.status_code == 400
    assert db.session.query(Score).count() == 0


def test_migrations_run_from_empty_and_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            tables = set(sa.inspect(connection).get_table_names())
    assert diff == []
    assert {"users", "procurements", "sections", "bidders", "scores", "consensus", "audit_events"} <= tables
