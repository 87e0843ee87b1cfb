"""`flask backup` copies the SQLite database while the app runs; on PostgreSQL it explains pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from scoring import create_app
from scoring.extensions import db
from scoring.models import Role, User

from ..conftest import TEST_SECRET_KEY
from ..helpers import gen_procurement, gen_user


@pytest.fixture
def sqlite_app(tmp_path):
    """Always SQLite, even when the suite runs on a server: this is SQLite's backup."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite'}",
            "SECRET_KEY": TEST_SECRET_KEY,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_backup_while_a_write_is_in_progress_copies_the_committed_rows(sqlite_app, tmp_path):
    lead = gen_user(Role.LEAD, "Lee Lead")
    gen_procurement(lead=lead, evaluators=[gen_user(Role.PATIENT, "Pat Patel"), gen_user(Role.PANEL, "Mo Panel")])
    committed_users = db.session.query(User).count()
    db.session.remove()

    # Another connection is half-way through a write when the backup starts.
    writer = sqlite3.connect(tmp_path / "live.sqlite", timeout=10, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO users (email, name, role, active, failed_logins, created_at, session_token) "
        "VALUES ('half@example.org', 'Half Written', 'panel', 1, 0, '2026-01-01', 'half-token')"
    )
    try:
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Integrity check: ok" in result.output

    copy = sqlite3.connect(tmp_path / "copy.sqlite")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    assert copy.execute("SELECT count(*) FROM users").fetchone() == (committed_users,)
    assert copy.execute("SELECT count(*) FROM users WHERE email = 'half@example.org'").fetchone() == (0,)
    assert copy.execute("SELECT reference FROM procurements").fetchall() == [("GP-TEST-01",)]
    assert copy.execute("SELECT count(*) FROM audit_events").fetchone()[0] > 0
    copy.close()
    assert not list(tmp_path.glob(".copy.sqlite.partial"))


def test_backup_into_a_folder_makes_a_dated_copy_and_never_overwrites_by_accident(sqlite_app, tmp_path):
    gen_user(Role.LEAD, "Lee Lead")
    folder = tmp_path / "backups"
    folder.mkdir()
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["backup", str(folder)]).exit_code == 0
    (made,) = folder.glob("scoring-*.sqlite")
    again = runner.invoke(args=["backup", str(made)])
    assert again.exit_code != 0 and "already exists" in again.output
    assert runner.invoke(args=["backup", "--overwrite", str(made)]).exit_code == 0
    refused = runner.invoke(args=["backup", str(tmp_path / "live.sqlite"), "--overwrite"])
    assert refused.exit_code != 0 and "different file" in refused.output


@pytest.mark.postgresql
def test_on_postgresql_backup_explains_pg_dump_and_the_command_works(app, lead, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy")])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None, "pg_dump is not installed: scripts/test installs postgresql"
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "scoring.dump"
    subprocess.run([pg_dump, "--format=custom", f"--file={dump}", url], check=True, timeout=60)
    listing = subprocess.run(["pg_restore", "--list", str(dump)], check=True, capture_output=True, text=True)
    assert "TABLE DATA public users" in listing.stdout
