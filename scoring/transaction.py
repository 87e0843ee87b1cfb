"""The one place a transaction ends: a web request or a command-line command is one unit of work.

Services flush and write their audit event in the caller's transaction and never commit, so a
change and its audit event (and any email queued in the outbox for it) are kept or lost together.
This module ends the transaction:

- a request that wrote something commits when its response is a success (below 400) and rolls
  back otherwise, or when the view let an exception out (`configure`);
- a command-line command commits once when it returns and rolls back when it fails (`command`);
- a page that catches a `Refused` turns it into its error summary with `refusal`, which rolls
  back first, so the form is redrawn from what is really saved.

A refusal that must still record something (a failed sign-in counts towards the lock-out, or
anyone could guess passwords for ever) says so with ``keep_changes = True``: `end` commits the
record and the caller still sees the refusal. Nothing else is kept from a refused change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

import click
from flask import Flask, Response, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .problems import Problem
from .services.errors import Refused

F = TypeVar("F", bound=Callable[..., Any])

#: True while a request or a command is the unit of work (services called meanwhile never end it).
_in_unit: ContextVar[bool] = ContextVar("scoring_unit_of_work", default=False)


def active() -> bool:
    """Whether a request or command owns the transaction now."""
    return _in_unit.get()


def keeps_changes(error: BaseException | None) -> bool:
    return isinstance(error, Refused) and error.keep_changes


def end(error: BaseException | None = None) -> None:
    """End the transaction: commit after success (or a refusal that keeps its record), else roll back."""
    if error is None or keeps_changes(error):
        db.session.commit()
    else:
        db.session.rollback()


def discard() -> None:
    """Roll back what the unit of work has done so far (a page about to redraw after a refusal)."""
    db.session.rollback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the transaction is committed (deleting a stored file only when the
    rows that name it are gone for good); forgotten if it is rolled back."""
    db.session.info.setdefault("after_commit", []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` if the transaction is rolled back (removing a file written for rows that
    were never kept); forgotten once it is committed."""
    db.session.info.setdefault("on_rollback", []).append(callback)


@event.listens_for(Session, "after_flush")
def _note_a_write(session: Session, flush_context: Any) -> None:
    session.info["wrote"] = True


def wrote() -> bool:
    """Whether this transaction has changed anything (flushed, or waiting to be flushed)."""
    session = db.session
    return bool(session.info.get("wrote") or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    session.info.pop("wrote", None)
    session.info.pop("on_rollback", None)
    for callback in session.info.pop("after_commit", []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _run_on_rollback(session: Session, previous_transaction: Any) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback leaves the transaction going
        session.info.pop("wrote", None)
        session.info.pop("after_commit", None)
        for callback in session.info.pop("on_rollback", []):
            callback()


def commit_step() -> None:
    """Keep what is done so far before the next step starts.

    Only for work made of steps that cannot be undone from outside the database: `flask deliver-mail`
    claims an email, sends it and records the attempt, and each must be kept before the next email
    is sent, since an email cannot be unsent if a later one fails.
    """
    db.session.commit()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction for the block; inside another unit the outer one decides."""
    if _in_unit.get():
        yield
        return
    token = _in_unit.set(True)
    try:
        yield
    except BaseException as error:
        end(None if _succeeded(error) else error)
        raise
    else:
        end()
    finally:
        _in_unit.reset(token)


def _succeeded(error: BaseException) -> bool:
    # A command that stops early with exit code 0 (click's Exit, SystemExit(0)) has succeeded.
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code == 0
    return isinstance(error, SystemExit) and error.code in (0, None)


def command(function: F) -> F:
    """A command-line command as one unit of work: committed once when it returns."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return function(*args, **kwargs)

    return cast(F, wrapped)


def summary(problems: Iterable[Problem]) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The page's error summary (each linking to its field) and the first message for each field."""
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    for problem in problems:
        errors.append(
            {"text": problem.message, "href": f"#{problem.field}"} if problem.field else {"text": problem.message}
        )
        if problem.field:
            field_errors.setdefault(problem.field, problem.message)
    return errors, field_errors


def refusal(refused: Refused) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Undo whatever the refused change started; return the error summary and per-field messages."""
    end(refused)
    return summary(refused.found)


def _begin_request() -> None:
    _in_unit.set(True)


def _finish_request(response: Response) -> Response:
    if not wrote():
        # A request that only read leaves the session as it is (Flask-SQLAlchemy closes it when
        # the request ends); ending it here would only expire what the page loaded.
        return response
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception as error:  # a write that lost a race at commit: the database error handlers decide
        db.session.rollback()
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


def _end_request(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()
    _in_unit.set(False)


def configure(app: Flask) -> None:
    # First, so that no other before_request hook writes outside the unit.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
