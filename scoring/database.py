"""Database engine settings that depend on the backend, and what a request does when
it loses a race with another worker."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from . import transaction
from .extensions import db


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets readers carry on while one evaluator saves; the busy timeout makes
    # a second writer wait its turn instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _ping_on_checkout(engine: Engine):
    # The effect of create_engine(pool_pre_ping=True), added here because
    # Flask-SQLAlchemy has already built the engine: a connection the server
    # dropped (restart, failover, idle timeout) is replaced before a request
    # uses it, instead of failing that request with a 500.
    def ping(dbapi_connection, connection_record, connection_proxy) -> None:
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any driver error means this connection is unusable
            raise exc.DisconnectionError() from error

    return ping


_Row = TypeVar("_Row")


def referenced(model: type[_Row], ident: Any) -> _Row:
    """The row a foreign key (or a just-claimed id) names, which therefore exists."""
    found = db.session.get(model, ident)
    if found is None:
        raise LookupError(f"{model.__name__} {ident} is named but does not exist")
    return found


def lost_a_race(error: Exception) -> bool:
    """True if ``error`` means another request changed the same row first.

    StaleDataError: an UPDATE "WHERE version = <what I read>" matched nothing
    (see Score's version_id_col). A unique violation: two requests created the
    same row (say the first score of a cell) at the same moment.
    """
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, exc.IntegrityError):
        original = error.orig
        if getattr(original, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
            return True
        return "UNIQUE constraint failed" in str(original)  # SQLite
    return False


def _handle_database_errors(app: Flask) -> None:
    # A version check in Python can pass in two workers at once; the database
    # then refuses the second write. That request changed nothing (its whole
    # transaction, audit event included, is rolled back), so it gets the same
    # 409 "changed by someone else" as a stale form, never a 500.
    def rolled_back(error):
        transaction.discard()
        if lost_a_race(error):
            app.logger.info("Refused a write that lost a race with another request: %s", error)
            return app.handle_http_exception(Conflict())
        raise error

    app.register_error_handler(StaleDataError, rolled_back)
    app.register_error_handler(exc.IntegrityError, rolled_back)

    @app.errorhandler(exc.SQLAlchemyError)
    def other_database_error(error):
        # Roll back first so that the 500 page, which loads the signed-in user, can render.
        transaction.discard()
        raise error


def configure(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            event.listen(engine.pool, "checkout", _ping_on_checkout(engine))
    _handle_database_errors(app)
