"""On a database server (TEST_DATABASE_URL): the migrations build the models' schema, and a
connection the server dropped is replaced before a request uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from scoring import create_app
from scoring.extensions import db

from ..conftest import TEST_SECRET_KEY, server_database_url

# Runs in scripts/test's PostgreSQL pass; deselected (not skipped) in the SQLite pass.
pytestmark = pytest.mark.postgresql

SCHEMA = "migration_check"


def test_migrations_run_up_and_down_on_postgresql_and_match_the_models():
    # A schema of its own, so the suite's tables in "public" are not disturbed.
    url = sa.engine.make_url(server_database_url()).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    admin = sa.create_engine(server_database_url())
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    try:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
                "SECRET_KEY": TEST_SECRET_KEY,
            }
        )
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
                tables = set(sa.inspect(connection).get_table_names(schema=SCHEMA))
                checks = {
                    (table, c["name"])
                    for table in ("users", "procurements", "sections", "scores", "consensus")
                    for c in sa.inspect(connection).get_check_constraints(table, schema=SCHEMA)
                }
            downgrade(revision="base")
            with db.engine.connect() as connection:
                left = set(sa.inspect(connection).get_table_names(schema=SCHEMA))
            db.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()
    assert diff == []
    # The typed columns' CHECK constraints, named as a new database names them (models.stored_enum).
    assert {
        ("users", "ck_users_role"),
        ("procurements", "ck_procurements_status"),
        ("sections", "ck_sections_scored_by"),
        ("scores", "ck_scores_status"),
        ("scores", "ck_scores_source"),
        ("consensus", "ck_consensus_source"),
    } <= checks
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert left <= {"alembic_version"}


def test_a_connection_the_server_dropped_is_replaced_before_use(app):
    with db.engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    killer = sa.create_engine(server_database_url())
    with killer.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    # The pool still holds the dead connection; the checkout ping notices and reconnects.
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != pid
