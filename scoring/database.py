"""Database engine settings that depend on the backend."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

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


def configure(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            event.listen(engine.pool, "checkout", _ping_on_checkout(engine))
