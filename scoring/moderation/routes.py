"""The moderation meeting: each section's scores side by side, consensus, progress, finalising.

Leads (and administrators) see every section and evaluators' names. Evaluators
see the sections they scored, from moderation onwards only, with the other
evaluators numbered ("Patient rep 2"), never named, and never a bidder they
declared a conflict with.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import anonymity, transaction
from ..access import bidder_in, is_evaluator_of, procurement_or_404, section_in
from ..engine import ENGINE_VERSION
from ..extensions import db
from ..forms import error_summary
from ..models import Procurement, Response, Role, Status
from ..services import evaluation, moderation, outcome
from ..services import finalise as finalising
from ..services.errors import ReasonWarnings, Refused, StaleVersion
from . import board_html
from .forms import ConsensusForm, FinaliseForm

bp = Blueprint("moderation", __name__, url_prefix="/procurements/<int:procurement_id>/moderation")

OPEN_TO_EVALUATORS = (Status.MODERATION, Status.FINAL)


@bp.app_template_global("moderation_board_rows")
def _board_rows(board, viewer, procurement, can_record) -> Markup:
    """A section's table rows (templates/moderation/section.html), written in Python for speed."""
    return board_html.board_rows(board, viewer, procurement, can_record)


def access(procurement_id: int) -> tuple[Procurement, bool]:
    """The procurement and whether the user is staff (lead/admin). 404 unknown, 403 not theirs."""
    procurement = procurement_or_404(procurement_id)
    if moderation.is_staff(current_user, procurement):
        return procurement, True
    if current_user.role in (Role.PATIENT, Role.PANEL) and is_evaluator_of(current_user, procurement):
        return procurement, False
    abort(403)


def _evaluator_gate(procurement: Procurement, staff: bool):
    """Evaluators see nobody else's scores before moderation, and nothing before declaring conflicts."""
    if staff:
        return None
    if procurement.status not in OPEN_TO_EVALUATORS:
        return render_template("moderation/not_open.html", procurement=procurement)
    if not evaluation.has_declared(current_user, procurement):
        flash("Before you see the bids, tell us about any conflicts of interest.", "info")
        return redirect(url_for("evaluate.conflicts", procurement_id=procurement.id))
    return None


def _cannot_analyse(procurement: Procurement, refused: Refused, status: int = 200, errors=None):
    return render_template(
        "results/not_ready.html", procurement=procurement, message=refused.message, errors=errors or []
    ), status


def _section_for_user(procurement: Procurement, section_id: int):
    section = section_in(procurement, section_id)
    if section not in moderation.sections_for(current_user, procurement):
        abort(403)
    return section


@bp.route("")
def overview(procurement_id: int):
    procurement, staff = access(procurement_id)
    gate = _evaluator_gate(procurement, staff)
    if gate is not None:
        return gate
    try:
        run = moderation_run(procurement)
    except Refused as refused:
        return _cannot_analyse(procurement, refused)
    from ..services.moderation_record import live_calibration

    # Worked out only when the page's parts are not kept already for this data version
    # ({% cache %} in moderation/overview.html).
    return render_template(
        "moderation/overview.html",
        procurement=procurement,
        staff=staff,
        run=run,
        summary=lambda: moderation.overview(procurement, current_user, run),
        # never shown to evaluators
        calibration=(lambda: live_calibration(procurement, run)) if staff else None,
    )


def moderation_run(procurement: Procurement):
    return outcome.moderation(procurement)


class _LazyBoard:
    """The section's board, built only when the page reads more than its section: the
    table is kept per data version (``{% cache %}`` in moderation/section.html), and a
    page served from there needs no board at all."""

    def __init__(self, section, build):
        self.section = section
        self._build = build
        self._board = None

    def __getattr__(self, name):
        if self._board is None:
            self._board = self._build()
        return getattr(self._board, name)


@bp.route("/sections/<int:section_id>")
def section(procurement_id: int, section_id: int):
    procurement, staff = access(procurement_id)
    gate = _evaluator_gate(procurement, staff)
    if gate is not None:
        return gate
    section = _section_for_user(procurement, section_id)
    try:
        run = moderation_run(procurement)
    except Refused as refused:
        return _cannot_analyse(procurement, refused)
    board = _LazyBoard(section, lambda: moderation.board(procurement, current_user, section, run))
    sections = moderation.sections_for(current_user, procurement)
    i = sections.index(section)
    return render_template(
        "moderation/section.html",
        procurement=procurement,
        staff=staff,
        board=board,
        run=run,
        previous=sections[i - 1] if i > 0 else None,
        next=sections[i + 1] if i + 1 < len(sections) else None,
        can_record=procurement.status is Status.MODERATION and not section.is_price,
    )


@bp.route("/sections/<int:section_id>/bidders/<int:bidder_id>", methods=["GET", "POST"])
def cell(procurement_id: int, section_id: int, bidder_id: int):
    procurement, staff = access(procurement_id)
    gate = _evaluator_gate(procurement, staff)
    if gate is not None:
        return gate
    section = _section_for_user(procurement, section_id)
    bidder = bidder_in(procurement, bidder_id)
    if bidder not in moderation.bidders_for(current_user, procurement):
        abort(403)
    existing = moderation.find_consensus(bidder, section)
    form = ConsensusForm()
    form.score.choices = [(v, str(v)) for v in range(0, section.max_score + 1)]
    if request.method == "GET":
        if existing is not None:
            form.score.data = existing.value
            form.rationale.data = existing.rationale
        form.version.data = existing.version if existing else 0
    can_record = procurement.status is Status.MODERATION and not section.is_price
    status = 200
    extra: list[tuple[str, str]] = []
    stale = None
    warnings: list[str] = []
    accept: dict[str, Any] = {"reason": "", "warnings": [], "error": None}
    if request.method == "POST" and request.form.get("action") == "accept":
        if not staff:
            abort(403)
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400)
        accept["reason"] = request.form.get("reason", "")
        try:
            moderation.record_acceptance(
                actor=current_user,
                procurement=procurement,
                bidder=bidder,
                section=section,
                rationale=accept["reason"],
                keep_warnings=request.form.get("keep") == "y",
            )
        except ReasonWarnings as warned:
            accept["warnings"] = [message for _, message in warned.warnings]
        except Refused as refused:
            transaction.end(refused)
            status = refused.status
            accept["error"] = refused.message
            extra.append(("reason", refused.message))
        else:
            flash(f"Proposed score accepted for {bidder.label_for(current_user)}, {section.code}.", "success")
            return redirect(
                url_for("moderation.section", procurement_id=procurement.id, section_id=section.id)
                + f"#bidder-{bidder.id}"
            )
        form = ConsensusForm(formdata=None)
        form.score.choices = [(v, str(v)) for v in range(0, section.max_score + 1)]
        form.version.data = existing.version if existing else 0
    elif request.method == "POST":
        if form.validate_on_submit():
            try:
                moderation.record_consensus(
                    actor=current_user,
                    procurement=procurement,
                    bidder=bidder,
                    section=section,
                    value=form.score.data,
                    rationale=form.rationale.data or "",
                    expected_version=form.version.data or 0,
                    keep_warnings=bool(form.keep.data),
                )
            except ReasonWarnings as warned:
                warnings = [message for _, message in warned.warnings]
            except StaleVersion as refused:
                status = refused.status
                stale = refused.current
                form.version.data = stale.version if stale is not None else 0
                extra.append(("score", refused.message))
            except Refused as refused:
                transaction.end(refused)
                status = refused.status
                for field, message in refused.found:
                    extra.append((field or "score", message))
                    if field in ("score", "rationale"):
                        getattr(form, field).errors = [message]
            else:
                # Back to the table with focus on the cell just agreed, so the meeting carries
                # on from there; the banner still announces the save.
                flash(f"Consensus saved for {bidder.label_for(current_user)}, {section.code}.", "success-here")
                anonymity.warn_if_named(procurement, form.rationale.data, what="The consensus reason")
                return redirect(
                    url_for("moderation.section", procurement_id=procurement.id, section_id=section.id)
                    + f"#consensus-{bidder.id}"
                )
        else:
            status = 400
            if form.version.errors:
                abort(400)
            if form.score.errors:
                form.score.errors = [f"Choose the agreed score from 0 to {section.max_score}"]
    try:
        board = moderation.board(procurement, current_user, section)
    except Refused as refused:
        return _cannot_analyse(procurement, refused)
    row = next(r for r in board.rows if r.bidder.id == bidder.id)
    response = db.session.scalar(
        db.select(Response).where(Response.bidder_id == bidder.id, Response.section_id == section.id)
    )
    errors = error_summary(None, extra) if extra else error_summary(form)
    return render_template(
        "moderation/cell.html",
        procurement=procurement,
        staff=staff,
        board=board,
        row=row,
        bidder=bidder,
        section=section,
        form=form,
        existing=existing,
        stale=stale,
        response=response,
        can_record=can_record,
        errors=errors,
        warnings=warnings,
        accept=accept,
        acceptance=moderation.find_acceptance(bidder, section) if staff else None,
        history=moderation.consensus_history(existing) if staff else [],
    ), status


@bp.route("/sections/<int:section_id>/accept", methods=["GET", "POST"])
def accept_section(procurement_id: int, section_id: int):
    """The lead accepts the proposed scores of a section's undisputed answers, one reason each."""
    procurement, staff = access(procurement_id)
    if not staff:
        abort(403)
    section = section_in(procurement, section_id)
    errors: list[dict] = []
    warnings: dict[str, list[str]] = {}
    status = 200
    given = {}
    if request.method == "POST":
        if not FinaliseForm().validate_on_submit():
            abort(400)
        given = {
            int(key.split("-", 1)[1]): value
            for key, value in request.form.items()
            if key.startswith("reason-") and key.split("-", 1)[1].isdigit()
        }
        try:
            count = moderation.accept_section(
                actor=current_user,
                procurement=procurement,
                section=section,
                reasons_by_bidder=given,
                keep_warnings=request.form.get("keep") == "y",
            )
        except ReasonWarnings as warned:
            for field, message in warned.warnings:
                warnings.setdefault(field, []).append(message)
        except Refused as refused:
            transaction.end(refused)
            status = refused.status
            errors = [
                {"text": message, "href": f"#{field}" if field else "#reasons"} for field, message in refused.found
            ]
        else:
            flash(f"{count} proposed {'score' if count == 1 else 'scores'} accepted in {section.code}.", "success")
            return redirect(url_for("moderation.section", procurement_id=procurement.id, section_id=section.id))
    try:
        rows = moderation.undisputed_open(procurement, current_user, section)
    except Refused as refused:
        return _cannot_analyse(procurement, refused)
    return render_template(
        "moderation/accept_section.html",
        procurement=procurement,
        section=section,
        rows=rows,
        given=given,
        warnings=warnings,
        errors=errors,
        form=FinaliseForm(),
        can_record=procurement.status is Status.MODERATION and not section.is_price,
    ), status


@bp.route("/sections/<int:section_id>/bidders/<int:bidder_id>/history")
def history(procurement_id: int, section_id: int, bidder_id: int):
    """Every saved version of every score, consensus and acceptance of one answer (lead only)."""
    from ..services.history import cell_history

    procurement, staff = access(procurement_id)
    if not staff:
        abort(403)
    section = section_in(procurement, section_id)
    bidder = bidder_in(procurement, bidder_id)
    return render_template(
        "moderation/history.html",
        procurement=procurement,
        section=section,
        bidder=bidder,
        history=cell_history(procurement, bidder, section),
    )


def _agenda(procurement_id: int):
    from ..services.agenda import agenda

    procurement, staff = access(procurement_id)
    if not staff:
        abort(403)
    return procurement, agenda(procurement, current_user)


@bp.route("/agenda")
def agenda(procurement_id: int):
    """The moderation meeting's agenda, to print: answers ordered by disagreement."""
    try:
        procurement, items = _agenda(procurement_id)
    except Refused as refused:
        return _cannot_analyse(procurement_or_404(procurement_id), refused)
    return render_template("moderation/agenda.html", procurement=procurement, items=items)


@bp.route("/agenda.txt")
def agenda_text(procurement_id: int):
    from flask import Response as HttpResponse

    from ..services.agenda import as_text

    try:
        procurement, items = _agenda(procurement_id)
    except Refused:
        abort(404)
    filename = f"moderation-agenda-{procurement.reference}.txt".replace(" ", "-")
    return HttpResponse(
        as_text(procurement, items),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/finalise", methods=["GET", "POST"])
def finalise(procurement_id: int):
    procurement, staff = access(procurement_id)
    if not staff:
        abort(403)
    form = FinaliseForm()
    errors: list[dict] = []
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            finalising.finalise(procurement, actor=current_user)
        except Refused as refused:
            transaction.end(refused)
            status = refused.status
            problems = refused.found
            errors = [
                {"text": message, "href": "#finalise"}
                for _, message in problems
                if not any(message == b.message for b in getattr(refused, "blockers", []))
            ]
            errors += [{"text": b.message, "href": _cell_url(procurement, b)} for b in getattr(refused, "blockers", [])]
        else:
            flash("The result is final. It is stored exactly as shown and can no longer change.", "success")
            return redirect(url_for("results.show", procurement_id=procurement.id))
    db.session.refresh(procurement)
    try:
        run = moderation_run(procurement) if procurement.status is Status.MODERATION else None
    except Refused as refused:
        return _cannot_analyse(procurement, refused, status, errors)
    return render_template(
        "moderation/finalise.html",
        procurement=procurement,
        form=form,
        errors=errors,
        engine_version=ENGINE_VERSION,
        progress=moderation.progress(procurement, current_user, run) if run else None,
        blockers=moderation.blockers(procurement, run) if run else [],
        kept_warnings=moderation.kept_warnings(procurement) if run else 0,
        cell_url=_cell_url,
    ), status


def _cell_url(procurement: Procurement, blocker) -> str:
    return url_for(
        "moderation.cell", procurement_id=procurement.id, section_id=blocker.section.id, bidder_id=blocker.bidder.id
    )
