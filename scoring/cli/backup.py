"""`flask --app wsgi backup PATH`: a consistent copy of the database while the app runs.

SQLite is copied with its online backup API, which reads one consistent snapshot
even while evaluators are saving (WAL mode lets writers carry on meanwhile). The
copy is checked with ``PRAGMA integrity_check`` and switched out of WAL mode so
it is one self-contained file; it only replaces PATH once it is complete.
PostgreSQL is backed up with its own tool, pg_dump; the command says how.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .. import transaction
from ..extensions import db


def backup_sqlite(source: Path, target: Path) -> dict:
    """Copy the SQLite database at ``source`` to ``target`` and check the copy.

    Returns {"tables": {name: rows}, "bytes": size}. Raises RuntimeError if the
    copy fails its integrity check; ``target`` is then left untouched.
    """
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source_connection = sqlite3.connect(source, timeout=30)  # only read, but WAL needs -shm access
    try:
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, so it is one snapshot.
            source_connection.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise RuntimeError(f"The copy failed SQLite's integrity check: {verdict}")
            names = [
                row[0]
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            tables = {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source_connection.close()
    os.replace(partial, target)
    return {"tables": tables, "bytes": target.stat().st_size}


def pg_dump_instructions(url: URL) -> str:
    safe = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return "\n".join(
        [
            "This app uses PostgreSQL, so back it up with PostgreSQL's own tool, pg_dump, which",
            "takes a consistent snapshot while the app keeps running:",
            "",
            f'  pg_dump --format=custom --file=scoring-$(date +%Y%m%d-%H%M).dump "{safe}"',
            "",
            "(put the password in ~/.pgpass or PGPASSWORD rather than on the command line).",
            "Restore into an empty database with:",
            "",
            '  pg_restore --no-owner --dbname="postgresql://USER@HOST/NEW_DATABASE" scoring-YYYYMMDD-HHMM.dump',
        ]
    )


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
@transaction.command
def backup_command(path: Path, overwrite: bool):
    """Copy the database to PATH (a file, or a folder to put a dated copy in) while the app runs."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("No backup was made.\n" + pg_dump_instructions(url))
    if not url.database or url.database == ":memory:":
        raise click.ClickException("The database is in memory, so there is no file to back up.")
    source = Path(url.database)
    if not source.exists():
        raise click.ClickException(f"There is no database at {source}. Run `flask --app wsgi db upgrade` first.")
    if path.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = path / f"scoring-{stamp}.sqlite"
    if path.exists() and not overwrite:
        raise click.ClickException(f"{path} already exists. Choose another name, or add --overwrite.")
    if path.resolve() == source.resolve():
        raise click.ClickException("The backup must go to a different file from the database itself.")
    if not path.parent.is_dir():
        raise click.ClickException(f"The folder {path.parent} does not exist.")
    try:
        result = backup_sqlite(source, path)
    except (sqlite3.Error, RuntimeError) as error:
        raise click.ClickException(f"No backup was made: {error}") from error
    rows = sum(result["tables"].values())
    click.echo(
        f"Backed up {source} to {path}: {len(result['tables'])} tables, {rows} rows, "
        f"{result['bytes'] / 1_000_000:.1f} MB. Integrity check: ok."
    )
