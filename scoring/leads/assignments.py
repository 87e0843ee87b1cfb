"""Who scores what, the conflicts evaluators declared, and each evaluator's progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..models import Procurement, Role
from ..services import assignments as assignment_service
from ..services import evaluation, lifecycle
from ..services.errors import Refused
from . import bp
from .common import evaluator_of_or_404, lead_view, refusal


def _render_assignments(
    procurement: Procurement, wanted: set[tuple[int, int]], errors=None, field_errors=None, status: int = 200
):
    people = assignment_service.candidates()
    groups = [
        ("Patient representatives", [u for u in people if u.role is Role.PATIENT]),
        ("Panel evaluators", [u for u in people if u.role is Role.PANEL]),
    ]
    return render_template(
        "leads/assignments.html",
        procurement=procurement,
        groups=groups,
        wanted=wanted,
        sections=[s for s in procurement.sections if not s.is_price],
        errors=errors or [],
        field_errors=field_errors or {},
    ), status


@bp.route("/<int:procurement_id>/assignments", methods=["GET", "POST"])
@lead_view
def assignments(procurement: Procurement):
    current = {(a.section_id, a.user_id) for s in procurement.sections for a in s.assignments}
    if request.method == "GET":
        return _render_assignments(procurement, current)
    wanted = set()
    for value in request.form.getlist("assign"):
        try:
            section_id, user_id = (int(part) for part in value.split("-"))
        except ValueError:
            abort(400)
        wanted.add((section_id, user_id))
    try:
        changes = assignment_service.set_assignments(procurement, wanted, actor=current_user)
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_assignments(procurement, wanted, errors, field_errors, 400)
    flash(f"Assignments saved ({changes} changed).", "success")
    return redirect(url_for("leads.assignments", procurement_id=procurement.id))


@bp.route("/<int:procurement_id>/conflicts")
@lead_view
def conflicts(procurement: Procurement):
    return render_template(
        "leads/conflicts.html", procurement=procurement, conflicts=assignment_service.declared_conflicts(procurement)
    )


@bp.route("/<int:procurement_id>/conflicts/<int:declaration_id>/withdraw", methods=["GET", "POST"])
@lead_view
def withdraw_conflict(procurement: Procurement, declaration_id: int):
    declaration = assignment_service.declaration_in(procurement, declaration_id)
    if declaration is None:
        abort(404)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    reason = request.form.get("reason", "")
    if request.method == "POST":
        try:
            assignment_service.withdraw_conflict(declaration, reason=reason, actor=current_user)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"{declaration.user.name}'s conflict with {declaration.bidder.code} is withdrawn.", "success")
            return redirect(url_for("leads.conflicts", procurement_id=procurement.id))
    return render_template(
        "leads/withdraw_conflict.html",
        procurement=procurement,
        declaration=declaration,
        reason=reason,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/progress")
@lead_view
def progress(procurement: Procurement):
    rows = [(row.evaluator, row.progress, row.declared) for row in assignment_service.progress_of_everyone(procurement)]
    return render_template(
        "leads/progress.html", procurement=procurement, rows=rows, scoring_open=lifecycle.scoring_open(procurement)
    )


@bp.route("/<int:procurement_id>/progress/<int:user_id>/reopen", methods=["GET", "POST"])
@lead_view
def reopen(procurement: Procurement, user_id: int):
    evaluator = evaluator_of_or_404(procurement, user_id)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    reason = request.form.get("reason", "")
    if request.method == "POST":
        try:
            count = evaluation.reopen_scores(
                lead=current_user, procurement=procurement, evaluator=evaluator, reason=reason
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(
                f"{count} of {evaluator.name}'s scores are reopened. They can change them and submit again.", "success"
            )
            return redirect(url_for("leads.progress", procurement_id=procurement.id))
    return render_template(
        "leads/reopen.html",
        procurement=procurement,
        evaluator=evaluator,
        reason=reason,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200
