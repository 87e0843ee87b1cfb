"""The evaluator's journey (patient representatives and panel evaluators alike)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import anonymity, transaction
from ..access import (
    assigned_sections,
    bidder_in,
    conflicted_bidder_ids,
    evaluator_procurement_or_abort,
    roles_required,
    section_in,
)
from ..confirm import Confirmation, confirmation_page, confirmed
from ..extensions import db
from ..forms import error_summary
from ..models import Procurement, Response, Role, Status
from ..services import evaluation
from ..services.errors import Refused, StaleVersion
from .forms import ScoreForm, SubmitScoresForm

bp = Blueprint("evaluate", __name__, url_prefix="/evaluate")

EVALUATORS = (Role.PATIENT, Role.PANEL)


def _procurements_for_user() -> list[Procurement]:
    from sqlalchemy import select

    from ..models import Assignment, Section

    return list(
        db.session.scalars(
            select(Procurement)
            .join(Section, Section.procurement_id == Procurement.id)
            .join(Assignment, Assignment.section_id == Section.id)
            .where(Assignment.user_id == current_user.id)
            .distinct()
            .order_by(Procurement.created_at.desc())
        )
    )


def _require_declared(procurement: Procurement):
    if not evaluation.has_declared(current_user, procurement):
        flash("Before you see the bids, tell us about any conflicts of interest.", "info")
        return redirect(url_for("evaluate.conflicts", procurement_id=procurement.id))
    return None


@bp.route("/")
@roles_required(*EVALUATORS)
def dashboard():
    rows = []
    for procurement in _procurements_for_user():
        progress = (
            evaluation.progress_for(current_user, procurement) if procurement.status is not Status.SETUP else None
        )
        rows.append((procurement, progress))
    return render_template("evaluate/dashboard.html", rows=rows)


@bp.route("/<int:procurement_id>")
@roles_required(*EVALUATORS)
def overview(procurement_id: int):
    procurement = evaluator_procurement_or_abort(procurement_id)
    if procurement.status is Status.SETUP:
        return render_template("evaluate/not_open.html", procurement=procurement)
    redirect_response = _require_declared(procurement)
    if redirect_response:
        return redirect_response
    return _render_overview(procurement)


def _render_overview(procurement: Procurement, errors: list[dict] | None = None, status: int = 200):
    cells = evaluation.cells_for(current_user, procurement)
    progress = evaluation.progress_for(current_user, procurement)
    by_bidder: dict[int, list] = {}
    for cell in cells:
        by_bidder.setdefault(cell.bidder.id, []).append(cell)
    return (
        render_template(
            "evaluate/overview.html",
            procurement=procurement,
            by_bidder=by_bidder,
            progress=progress,
            conflicted=conflicted_bidder_ids(current_user, procurement),
            submit_form=SubmitScoresForm(),
            errors=errors or [],
        ),
        status,
    )


@bp.route("/<int:procurement_id>/conflicts", methods=["GET", "POST"])
@roles_required(*EVALUATORS)
def conflicts(procurement_id: int):
    procurement = evaluator_procurement_or_abort(procurement_id)
    existing = evaluation.declarations_for(current_user, procurement)
    errors: list[dict] = []
    field_errors: dict[str, str] = {}
    status = 200
    answers_in: dict[int, tuple[str | None, str]] = {
        b.id: (
            ("yes" if existing[b.id].has_conflict else "no") if b.id in existing else None,
            existing[b.id].details if b.id in existing else "",
        )
        for b in procurement.bidders
    }
    if request.method == "POST":
        answers: dict[int, tuple[bool, str]] = {}
        for bidder in procurement.bidders:
            choice = request.form.get(f"bidder-{bidder.id}")
            details = request.form.get(f"details-{bidder.id}", "")
            answers_in[bidder.id] = (choice, details)
            if choice in ("yes", "no"):
                answers[bidder.id] = (choice == "yes", details)
        try:
            evaluation.declare_conflicts(current_user, procurement, answers)
        except Refused as refused:
            errors, field_errors = transaction.refusal(refused)
            status = 400
        else:
            flash("Thank you. Your declarations are saved.", "success")
            return redirect(url_for("evaluate.overview", procurement_id=procurement.id))
    return (
        render_template(
            "evaluate/conflicts.html",
            procurement=procurement,
            answers=answers_in,
            existing=existing,
            errors=errors,
            field_errors=field_errors,
        ),
        status,
    )


@bp.route("/<int:procurement_id>/bidders/<int:bidder_id>/sections/<int:section_id>", methods=["GET", "POST"])
@roles_required(*EVALUATORS)
def score(procurement_id: int, bidder_id: int, section_id: int):
    procurement = evaluator_procurement_or_abort(procurement_id)
    bidder = bidder_in(procurement, bidder_id)
    section = section_in(procurement, section_id)
    # One query for the assignment; building every cell just to check it was the slow part.
    assigned = assigned_sections(current_user, procurement)
    if section.is_price or section not in assigned:
        abort(403)
    conflicted = conflicted_bidder_ids(current_user, procurement)
    if bidder.id in conflicted:
        abort(403)
    redirect_response = _require_declared(procurement)
    if redirect_response:
        return redirect_response

    existing = evaluation.find_score(current_user, bidder, section)
    form = ScoreForm()
    form.score.choices = [(v, str(v)) for v in range(0, section.max_score + 1)]
    if request.method == "GET":
        if existing is not None:
            form.score.data = existing.value
            form.rationale.data = existing.rationale
        form.version.data = existing.version if existing else 0

    status = 200
    extra: list[tuple[str, str]] = []
    conflict_version = None
    read_only = (existing is not None and existing.is_submitted) or procurement.status is not Status.SCORING
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                evaluation.save_score(
                    evaluator=current_user,
                    procurement=procurement,
                    bidder=bidder,
                    section=section,
                    value=form.score.data,
                    rationale=form.rationale.data or "",
                    expected_version=form.version.data or 0,
                )
            except StaleVersion as stale:
                status = stale.status
                conflict_version = stale.current
                form.version.data = stale.current.version if stale.current else 0
                extra.append(("score", stale.message))
            except Refused as refused:
                status = refused.status
                extra.append((refused.field or "score", refused.message))
            else:
                where = f"{bidder.label_for(current_user)}, {section.code}"
                lacking = _lacking(form.score.data, form.rationale.data)
                if lacking:
                    flash(
                        f"Saved as a draft without {lacking} for {where}. "
                        "You need a score and a reason for every answer before you submit.",
                        "info",
                    )
                else:
                    flash(f"Your score for {where} is saved as a draft.", "success")
                anonymity.warn_if_named(procurement, form.rationale.data, what="Your reason")
                if form.save_next.data:
                    nxt = _next_cell(procurement, bidder.id, section.id)
                    if nxt:
                        if nxt.came_back:
                            flash(
                                f"You are back at {nxt.cell.bidder.label_for(current_user)}, {nxt.cell.section.code} "
                                f"because it still has {_lacking_noun(nxt.cell)}. "
                                "Everything after it in your list is scored.",
                                "info",
                            )
                        return redirect(
                            url_for(
                                "evaluate.score",
                                procurement_id=procurement.id,
                                bidder_id=nxt.cell.bidder.id,
                                section_id=nxt.cell.section.id,
                            )
                        )
                return redirect(url_for("evaluate.overview", procurement_id=procurement.id))
        else:
            status = 400
            if form.score.errors:
                form.score.errors = [f"Choose a score from 0 to {section.max_score}"]
            if form.version.errors:
                abort(400)
    response = db.session.scalar(
        db.select(Response).where(Response.bidder_id == bidder.id, Response.section_id == section.id)
    )
    return (
        render_template(
            "evaluate/score.html",
            procurement=procurement,
            bidder=bidder,
            section=section,
            where=_where(procurement, bidder, section, assigned, conflicted),
            form=form,
            response=response,
            existing=existing,
            read_only=read_only,
            conflict_version=conflict_version,
            errors=error_summary(form, extra),
        ),
        status,
    )


def _where(procurement: Procurement, bidder, section, assigned, conflicted) -> str:
    """Where the evaluator is: "Bidder B, question 3 of 6 — 7 of 18 scored".

    ``assigned`` and ``conflicted`` are the evaluator's sections and conflicted bidder ids; the
    cells are those of `evaluation.cells_for`, counted without loading a score object each.
    """
    sections = [s for s in assigned if not s.is_price]
    bidders = [b for b in procurement.bidders if b.id not in conflicted]
    questions = [s.id for s in sections] if bidder in bidders else []
    done = evaluation.completed_count(current_user, bidders, sections)
    number = questions.index(section.id) + 1 if section.id in questions else 0
    return (
        f"{bidder.label_for(current_user)}, question {number} of {len(questions)} \u2014 "
        f"{done} of {len(bidders) * len(sections)} scored"
    )


def _lacking(value, rationale) -> str:
    """What a draft is missing, as words: "a score", "a reason", "a score or a reason", or ""."""
    missing = [
        word for word, absent in (("a score", value is None), ("a reason", not (rationale or "").strip())) if absent
    ]
    return " or ".join(missing)


def _lacking_noun(cell) -> str:
    """ "no score", "no reason" or "no score and no reason"."""
    score = cell.score
    missing = _lacking(score.value if score else None, score.rationale if score else "")
    return " and ".join(word.replace("a ", "no ", 1) for word in missing.split(" or "))


@dataclass(frozen=True)
class NextCell:
    cell: evaluation.Cell
    came_back: bool  # the list was at its end, so this is an earlier cell the evaluator skipped


def _next_cell(procurement: Procurement, bidder_id: int, section_id: int) -> NextCell | None:
    cells = evaluation.cells_for(current_user, procurement)
    keys = [(c.bidder.id, c.section.id) for c in cells]
    try:
        i = keys.index((bidder_id, section_id))
    except ValueError:
        return None
    for position, cell in enumerate(cells[i + 1 :] + cells[:i]):
        if cell.score is None or not cell.score.is_complete:
            return NextCell(cell, came_back=position >= len(cells) - i - 1)
    return None


@bp.route("/<int:procurement_id>/submit", methods=["POST"])
@roles_required(*EVALUATORS)
def submit(procurement_id: int):
    procurement = evaluator_procurement_or_abort(procurement_id)
    form = SubmitScoresForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if not confirmed():
            cells = evaluation.check_can_submit(current_user, procurement)
            return confirmation_page(
                Confirmation(
                    title="Submit your scores?",
                    caption=f"{procurement.reference}: {procurement.title}",
                    happens=[
                        f"Your {len(cells)} scores and reasons are sent to your procurement lead, "
                        "ready for the panel to talk about them in moderation."
                    ],
                    cannot_undo="You cannot change your scores after you submit them. Only your procurement "
                    "lead can reopen them for you.",
                    button="Yes, submit my scores",
                    back_url=url_for("evaluate.overview", procurement_id=procurement.id),
                    back_text="Back to your list",
                )
            )
        count = evaluation.submit_scores(current_user, procurement)
    except Refused as refused:
        first = getattr(refused, "first", None)
        href = (
            url_for(
                "evaluate.score", procurement_id=procurement.id, bidder_id=first.bidder.id, section_id=first.section.id
            )
            if first is not None
            else "#submit"
        )
        return _render_overview(procurement, [{"text": refused.message, "href": href}], refused.status)
    return render_template("evaluate/submitted.html", procurement=procurement, count=count)
