"""Paper score sheets for a rep who prefers paper, and the lead typing those scores in."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import anonymity, pdf
from ..confirm import Confirmation, confirmation_page, confirmed, posted_fields
from ..models import Procurement, Status
from ..services import evaluation, lifecycle
from ..services import paper as paper_service
from ..services.assignments import evaluators_of
from ..services.errors import Refused
from . import bp
from .common import evaluator_of_or_404, lead_view, refusal


@bp.route("/<int:procurement_id>/paper")
@lead_view
def paper(procurement: Procurement):
    return render_template(
        "leads/paper.html",
        procurement=procurement,
        evaluators=evaluators_of(procurement),
        scoring_open=lifecycle.scoring_open(procurement),
    )


@bp.route("/<int:procurement_id>/paper/<int:user_id>/sheets")
@lead_view
def paper_sheets(procurement: Procurement, user_id: int):
    rep = evaluator_of_or_404(procurement, user_id)
    anonymity.read_by(rep)  # printed for the rep: names and prices hidden as on the rep's own pages
    return render_template(
        "leads/paper_sheets.html",
        procurement=procurement,
        rep=rep,
        sheets=paper_service.sheets_for(rep, procurement),
        reason_lines=paper_service.REASON_LINES,
    )


@bp.route("/<int:procurement_id>/paper/<int:user_id>/sheets.pdf")
@lead_view
def paper_sheets_pdf(procurement: Procurement, user_id: int):
    rep = evaluator_of_or_404(procurement, user_id)
    anonymity.read_by(rep)  # printed for the rep: names and prices hidden as on the rep's own pages
    # A rep who needs large print gets it without anyone remembering to ask (Accessible Information Standard).
    large = request.args.get("size") == "large" or rep.large_print
    html = render_template(
        "leads/paper_sheets_pdf.html",
        procurement=procurement,
        rep=rep,
        sheets=paper_service.sheets_for(rep, procurement),
        reason_lines=paper_service.REASON_LINES,
        large=large,
    )
    return pdf.download(html, f"score-sheets-{procurement.reference}-{rep.id}{'-large' if large else ''}.pdf")


@bp.route("/<int:procurement_id>/paper/<int:user_id>/enter", methods=["GET", "POST"])
@lead_view
def paper_entry(procurement: Procurement, user_id: int):
    rep = evaluator_of_or_404(procurement, user_id)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    typed: dict[str, tuple[str, str]] = {}
    status = 200
    if request.method == "POST":
        entries = {}
        for cell in evaluation.cells_for(rep, procurement):
            key = paper_service.cell_key(cell.bidder, cell.section)
            raw_score = request.form.get(f"score-{key}", "").strip()
            rationale = request.form.get(f"rationale-{key}", "")
            typed[key] = (raw_score, rationale)
            try:
                version = int(request.form.get(f"version-{key}", "0"))
            except ValueError:
                version = -1
            entries[key] = paper_service.PaperEntry(raw_score, rationale, version)
        try:
            submit = request.form.get("submit") == "yes"
            if submit and not confirmed():
                paper_service.enter_paper_scores(
                    lead=current_user,
                    procurement=procurement,
                    evaluator=rep,
                    entries=entries,
                    submit=True,
                    check_only=True,
                )
                return _confirm_submit(procurement, rep)
            count = paper_service.enter_paper_scores(
                lead=current_user, procurement=procurement, evaluator=rep, entries=entries, submit=submit
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
            status = refused.status if refused.status != 403 else 400
        else:
            done = (
                [f"{count} paper {'score is' if count == 1 else 'scores are'} saved for {rep.name}."] if count else []
            )
            if request.form.get("submit") == "yes":
                done.append(f"{rep.name}'s scores are submitted.")
            if done:
                flash(" ".join(done), "success")
            else:
                flash(f"Nothing was saved for {rep.name}: no score or reason on the form was new or changed.", "info")
            anonymity.warn_if_named(procurement, *(e.rationale for e in entries.values()), what="A reason you typed")
            return redirect(url_for("leads.paper_entry", procurement_id=procurement.id, user_id=rep.id))
    return _render_entry(procurement, rep, typed, errors, field_errors, status)


def _confirm_submit(procurement: Procurement, rep):
    return confirmation_page(
        Confirmation(
            title=f"Submit {rep.name}'s scores for them?",
            caption=f"{procurement.reference}: {procurement.title}",
            happens=[
                f"The paper scores you typed are saved as {rep.name}'s, marked as from paper and entered by you.",
                f"Then all of {rep.name}'s scores are submitted, as if they had pressed submit themselves. "
                "Do this only if they signed the sheets.",
            ],
            cannot_undo=f"Submitted scores cannot be changed, by you or by {rep.name}, unless you reopen "
            "their scores with a reason.",
            button=f"Yes, submit {rep.name}'s scores",
            hidden=posted_fields(),
            back_url=url_for("leads.paper_entry", procurement_id=procurement.id, user_id=rep.id),
            back_text="Back to entering paper scores",
        )
    )


def _render_entry(procurement, rep, typed, errors, field_errors, status, declaring=None):
    cells = evaluation.cells_for(rep, procurement)
    existing = evaluation.declarations_for(rep, procurement)
    if declaring is None:
        declaring = {
            b.id: (
                ("yes" if existing[b.id].has_conflict else "no") if b.id in existing else "",
                existing[b.id].details if b.id in existing else "",
            )
            for b in procurement.bidders
        }
    return render_template(
        "leads/paper_entry.html",
        procurement=procurement,
        rep=rep,
        cells=cells,
        typed=typed,
        progress=evaluation.progress_for(rep, procurement),
        cell_key=paper_service.cell_key,
        declared=evaluation.has_declared(rep, procurement),
        open=procurement.status is Status.SCORING,
        declaring=declaring,
        conflicted=[b for b in procurement.bidders if b.id in existing and existing[b.id].has_conflict],
        errors=errors,
        field_errors=field_errors,
    ), status


@bp.route("/<int:procurement_id>/paper/<int:user_id>/declarations", methods=["POST"])
@lead_view
def paper_declarations(procurement: Procurement, user_id: int):
    rep = evaluator_of_or_404(procurement, user_id)
    declaring, answers = {}, {}
    for bidder in procurement.bidders:
        choice = request.form.get(f"bidder-{bidder.id}", "")
        details = request.form.get(f"details-{bidder.id}", "")
        declaring[bidder.id] = (choice, details)
        if choice in ("yes", "no"):
            answers[bidder.id] = (choice == "yes", details)
    try:
        paper_service.record_paper_declarations(
            lead=current_user, procurement=procurement, evaluator=rep, answers=answers
        )
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_entry(procurement, rep, {}, errors, field_errors, 400, declaring)
    flash(f"{rep.name}'s conflict of interest answers from paper are saved.", "success")
    return redirect(url_for("leads.paper_entry", procurement_id=procurement.id, user_id=rep.id))
