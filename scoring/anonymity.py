"""Patient reps never read a bidder's legal name or price in an anonymised procurement.

One place does it for every page: `finalize` is Jinja's ``finalize`` hook, so
every ``{{ … }}`` a template prints (our templates and the NHS.UK macros alike)
goes through `scoring.redaction` when the page is for patient representatives.
New pages and rewritten templates are covered without remembering a filter.

A page is for patient representatives when

* the signed-in user is a patient rep, or
* its view says it is read by a rep (`read_by`: pages a lead prints or reads on
  a rep's behalf: paper score sheets, a rep's "you said, we did" report),

and the procurement in its URL (``procurement_id``) is anonymised. A rep's
page without a procurement in its URL (their start page, their reports list)
hides the bidders of every anonymised procurement they are assigned to.

Pages for staff show text as typed; when staff save text that names a bidder
or its price, `warn_if_named` tells them what reps will see instead.
"""

from __future__ import annotations

import html
import re
from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask import flash, request
from flask_login import current_user
from markupsafe import Markup, escape

from .redaction import PRICE_PLACEHOLDER, Redactor, find_mentions, redactor_for

if TYPE_CHECKING:
    from flask.ctx import RequestContext

_cv_request: ContextVar[RequestContext] | None
try:
    from flask.globals import _cv_request  # Flask 2.3+: the request context variable
except ImportError:  # pragma: no cover - a Flask without it: the proxy, slower but the same
    _cv_request = None

_AUDIENCE = "scoring.for_patient_reps"
_CACHE = "scoring.redactor"
_TAG = re.compile(r"(<[^>]*>)")
#: Values that are page structure, not text anyone typed: links, anchors, CSS classes.
_STRUCTURE = re.compile(r"(?:/|#|https?://)\S*|(?:(?:nhsuk|app)-[\w-]*\s*)+")


def read_by(user) -> None:
    """Say that the page being made is read by ``user`` (a lead printing a rep's paper
    sheets or opening a rep's report): if they are a patient rep, the page is for reps."""
    from .models import Role

    if getattr(user, "role", None) == Role.PATIENT:
        request.environ[_AUDIENCE] = True
        request.environ.pop(_CACHE, None)


def _procurement_redactor(procurement) -> Redactor | None:
    if procurement is None or not procurement.anonymised:
        return None
    return redactor_for(procurement.bidders) or None


def _reps_redactor(user) -> Redactor | None:
    from sqlalchemy import select

    from .extensions import db
    from .models import Assignment, Bidder, Procurement, Section

    on = (
        select(Section.procurement_id)
        .join(Assignment, Assignment.section_id == Section.id)
        .where(Assignment.user_id == user.id)
    )
    bidders = db.session.scalars(
        select(Bidder)
        .join(Procurement, Procurement.id == Bidder.procurement_id)
        .where(Procurement.anonymised.is_(True), Procurement.id.in_(on))
        .order_by(Bidder.id)
    ).all()
    return redactor_for(bidders) or None


def _compute() -> Redactor | None:
    from .extensions import db
    from .models import Procurement, Role

    user = current_user
    if not getattr(user, "is_authenticated", False):
        return None
    is_rep = user.role is Role.PATIENT
    if not (is_rep or request.environ.get(_AUDIENCE)):
        return None
    procurement_id = (request.view_args or {}).get("procurement_id")
    if procurement_id is not None:
        try:
            return _procurement_redactor(db.session.get(Procurement, procurement_id))
        except OverflowError:
            return None
    return _reps_redactor(user) if is_rep else None


def request_redactor() -> Redactor | None:
    """The redactor for the page being made, or None when the page shows text as typed."""
    # Called for every value every page prints, so it reads Flask's request context
    # variable directly rather than through the `request` proxy (20 times faster).
    if _cv_request is not None:
        ctx = _cv_request.get(None)
        if ctx is None:
            return None
        environ = ctx.request.environ
    else:  # pragma: no cover
        from flask import has_request_context

        if not has_request_context():
            return None
        environ = request.environ
    try:
        return environ[_CACHE]
    except KeyError:
        redactor = environ[_CACHE] = _compute()
        return redactor


def as_the_reader_sees(procurement, text: str) -> str:
    """``text`` as the signed-in user may read it outside a template (a download's file name)."""
    from .models import Role

    if getattr(current_user, "role", None) != Role.PATIENT:
        return text
    redactor = _procurement_redactor(procurement)
    return redactor.redact(text) if redactor is not None else text


def _redact_markup(markup: Markup, redactor: Redactor) -> Markup:
    """Redact the text between tags of already-escaped HTML, leaving the tags alone."""
    parts = _TAG.split(str(markup))
    changed = False
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags
        text = parts[i]
        if not text:
            continue
        plain = html.unescape(text)
        hidden = redactor.redact(plain)
        if hidden != plain:
            parts[i] = str(escape(hidden))
            changed = True
    return Markup("".join(parts)) if changed else markup


def finalize(value):
    """Jinja's ``finalize``: on pages for patient reps, hide names and prices in what is printed."""
    if not isinstance(value, str):
        return value
    redactor = request_redactor()
    if redactor is None or _STRUCTURE.fullmatch(value):
        return value
    if isinstance(value, Markup):
        return _redact_markup(value, redactor)
    return redactor.redact(value)


def warn_if_named(procurement, *texts: str | None, what: str = "This text") -> bool:
    """After staff or an evaluator save text in an anonymised procurement: if it names a
    bidder or its price, say (with a flashed message on the next page) what patient reps
    will read instead. Returns whether it warned."""
    if not procurement.anonymised:
        return False
    mentions = [m for text in texts for m in find_mentions(text, procurement.bidders)]
    if not mentions:
        return False
    names = sorted({(m.text.strip(), m.code) for m in mentions if m.kind == "name"})
    has_price = any(m.kind == "price" for m in mentions)
    from .models import Role

    if current_user.role is Role.PATIENT:
        flash(
            f"{what} names a bidder or a price. Other patient representatives will see the "
            "bidder's code in its place, and no price.",
            "warning",
        )
        return True
    said = []
    if names:
        said.append("; ".join(f"“{code}” in place of “{' '.join(text.split())}”" for text, code in names))
    if has_price:
        said.append(f"“{PRICE_PLACEHOLDER}” in place of the price")
    flash(
        f"{what} names a bidder{' or its price' if has_price else ''}. Patient representatives "
        f"will see it with {' and '.join(said)}.",
        "warning",
    )
    return True
