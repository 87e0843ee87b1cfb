"""Helpers shared by the lead's route modules: access, and turning refusals into error summaries."""

from __future__ import annotations

from functools import wraps

from flask import abort

from .. import transaction
from ..access import lead_procurement_or_abort, roles_required
from ..extensions import db
from ..models import Procurement, Role, User
from ..services.errors import Refused

lead_only = roles_required(Role.LEAD, Role.ADMIN)


def lead_view(view):
    """Leads and admins only, and ``procurement_id`` must be a procurement they lead (404/403)."""

    @lead_only
    @wraps(view)
    def wrapped(procurement_id: int, **kwargs):
        return view(lead_procurement_or_abort(procurement_id), **kwargs)

    return wrapped


def refusal(refused: Refused) -> tuple[list[dict], dict[str, str]]:
    """Roll back whatever the refused change started; return the error summary and per-field messages."""
    return transaction.refusal(refused)


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def evaluator_of_or_404(procurement: Procurement, user_id: int) -> User:
    from ..services.assignments import evaluators_of

    user = user_or_404(user_id)
    if user not in evaluators_of(procurement):
        abort(404)
    return user
