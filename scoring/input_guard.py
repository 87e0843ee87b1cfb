"""Input no database can store is refused with a message, the same on SQLite and PostgreSQL.

Four rules, each in one place, so no form, route or import can forget them:

* a NUL character in any submitted text (PostgreSQL cannot store one; SQLite would) is
  refused before the request reaches its view;
* a number in a URL or query string past the largest id (2^31 - 1, PostgreSQL's integer) is a
  404 (in the path) or a 400 (in the query), never an overflow;
* text longer than its column (SQLite would store it, PostgreSQL would fail) is refused at
  flush with a ``Refused`` naming the field, so forms and the import share the models' limits;
* a ``Refused`` that no view caught is shown as a 400 page with its message, never a 500.
"""

from __future__ import annotations

import re

from flask import Flask, render_template, request
from sqlalchemy import String, Text, event
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from .services.errors import Refused

# The ids are Integer columns: 64 bits on SQLite but 32 on PostgreSQL, so a larger number can be
# no row's id on both (and, as a query parameter, makes PostgreSQL fail rather than find nothing).
LARGEST_ID = 2**31 - 1
#: The most characters any free-text (Text) column takes: a bidder's answer runs to a few
#: thousand words; reasons and conflict details have their own, smaller limit (RATIONALE_MAX_CHARS).
TEXT_MAX_CHARS = 100_000
#: Text columns that hold what the app writes itself, not what anyone types.
_UNCAPPED = {
    ("procurements", "final_result_json"),
    ("audit_events", "before_json"),
    ("audit_events", "after_json"),
    ("audit_events", "reason"),
}
_WHOLE_NUMBER = re.compile(r"\s*[+-]?\d+\s*")

NUL_MESSAGE = (
    "Something you typed contains a hidden “null” character (it usually comes from pasting text "
    "copied from another program), which cannot be saved. Nothing was saved. Go back, "
    "type that text again rather than pasting it, and try again."
)
BIG_NUMBER_MESSAGE = "The address has a number that is far too large. Check the address, or go back and use the links."


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: a number no database id can be is not found (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=LARGEST_ID if max is None else max, signed=signed)


def _submitted_texts():
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            yield key, value
    for key, upload in request.files.items(multi=True):
        yield key, upload.filename or ""
    if request.is_json:
        raw = request.get_data(cache=True, as_text=True)
        yield "json", raw.replace("\\u0000", "\x00")


def _error_page(status: int, title: str, message: str):
    return render_template("errors/error.html", code=status, title=title, message=message), status


def _check_request():
    for key, value in _submitted_texts():
        if "\x00" in value or "\x00" in key:
            return _error_page(400, "Something you typed cannot be saved", NUL_MESSAGE)
    for value in request.args.values():
        if _WHOLE_NUMBER.fullmatch(value) and abs(int(value)) > LARGEST_ID:
            return _error_page(400, "Something was wrong with that request", BIG_NUMBER_MESSAGE)
    return None


def _label(column) -> str:
    return column.name.replace("_", " ").capitalize()


def _refuse_overlong_text(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            value = obj.__dict__.get(column.key)
            if not isinstance(value, str):
                continue
            if isinstance(column.type, String) and not isinstance(column.type, Text) and column.type.length:
                limit = column.type.length
            elif isinstance(column.type, Text) and (table.name, column.name) not in _UNCAPPED:
                limit = TEXT_MAX_CHARS
            else:
                continue
            if len(value) > limit:
                raise Refused(
                    f"{_label(column)} must be {limit:,} characters or fewer. It is {len(value):,}.", field=column.name
                )


def configure_converters(app: Flask) -> None:
    """Before any blueprint is registered, so that every ``<int:...>`` rule uses the bounded converter."""
    app.url_map.converters["int"] = BoundedIntConverter


def configure(app: Flask) -> None:
    app.before_request(_check_request)

    @app.errorhandler(Refused)
    def refused(error: Refused):
        from . import transaction

        transaction.end(error)
        status = error.status if error.status in (400, 403, 409) else 400
        return _error_page(
            status, "That could not be saved", f"{error.message} Nothing was saved. Go back, change it and try again."
        )


event.listen(Session, "before_flush", _refuse_overlong_text)
