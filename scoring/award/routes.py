from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import bidder_in
from ..law import PSR, REGIMES, regime_name
from ..law import key_criteria as kc
from ..leads.common import lead_view, refusal
from ..models import Procurement, Status
from ..services import assessment_docs, award_record, psr_notice, regime
from ..services.assignments import evaluators_of
from ..services.errors import Refused
from ..services.setup_checks import raise_all

bp = Blueprint("award", __name__, url_prefix="/procurements")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(procurement: Procurement, errors=None, field_errors=None, status: int = 200):
    return render_template(
        "award/law.html",
        procurement=procurement,
        regimes=REGIMES,
        regime_name=regime_name(procurement.regime),
        key_criteria=regime.key_criteria_rows(procurement),
        warnings=regime.key_criteria_warnings(procurement),
        notice=regime.notice_of(procurement),
        standstill=regime.standstill_of(procurement),
        retention=regime.retention_of(procurement),
        evaluators=evaluators_of(procurement),
        experience=regime.experience_of(procurement),
        errors=errors or [],
        field_errors=field_errors or {},
        form=request.form,
        Status=Status,
        PSR=PSR,
    ), status


@bp.route("/<int:procurement_id>/law")
@lead_view
def law(procurement: Procurement):
    return _page(procurement)


def _save(procurement: Procurement, change, message: str, anchor: str):
    try:
        change()
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _page(procurement, errors, field_errors, 400)
    flash(message, "success")
    return redirect(url_for("award.law", procurement_id=procurement.id) + anchor)


@bp.route("/<int:procurement_id>/law/regime", methods=["POST"])
@lead_view
def law_regime(procurement: Procurement):
    if "regime" not in request.form:
        return _page(
            procurement, [{"text": "Choose the regime.", "href": "#regime"}], {"regime": "Choose the regime."}, 400
        )
    return _save(
        procurement,
        lambda: regime.set_regime(
            procurement,
            regime=request.form.get("regime", ""),
            service_type=request.form.get("service_type", ""),
            actor=current_user,
        ),
        "The regime and service type are saved.",
        "#regime-section",
    )


@bp.route("/<int:procurement_id>/law/key-criteria", methods=["POST"])
@lead_view
def law_key_criteria(procurement: Procurement):
    notes = {code: request.form[f"note-{code}"] for code in kc.KEY_CRITERIA if f"note-{code}" in request.form}
    if not notes:
        return _page(procurement, [{"text": "There was nothing to save."}], {}, 400)
    return _save(
        procurement,
        lambda: regime.save_key_criterion_notes(procurement, notes, actor=current_user),
        "The key criteria explanations are saved.",
        "#key-criteria",
    )


@bp.route("/<int:procurement_id>/law/decision", methods=["POST"])
@lead_view
def law_decision(procurement: Procurement):
    if "decision_makers" not in request.form:
        return _page(procurement, [{"text": "There was nothing to save."}], {}, 400)

    def change():
        regime.save_decision_details(
            procurement,
            decision_makers=request.form.get("decision_makers", ""),
            weighting_rationale=request.form.get("weighting_rationale", ""),
            actor=current_user,
        )
        experience = {
            u.id: request.form[f"experience-{u.id}"]
            for u in evaluators_of(procurement)
            if f"experience-{u.id}" in request.form
        }
        regime.save_experience(procurement, experience, actor=current_user)

    return _save(
        procurement,
        change,
        "Who decided, why the weights are so and the evaluators' experience are saved.",
        "#decision",
    )


def _date_from_form(prefix: str) -> date | None:
    parts = [request.form.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        raise_all([(f"{prefix}-day", "Enter a real date, for example 3 3 2027.")])


@bp.route("/<int:procurement_id>/law/notice", methods=["POST"])
@lead_view
def law_notice(procurement: Procurement):
    return _save(
        procurement,
        lambda: regime.record_publication(procurement, _date_from_form("published_on"), actor=current_user),
        "The publication date is saved and the standstill worked out.",
        "#standstill",
    )


@bp.route("/<int:procurement_id>/law/representations", methods=["POST"])
@lead_view
def law_representations(procurement: Procurement):
    def change():
        received = request.form.get("received", "")
        if received not in ("yes", "no"):
            raise Refused("Say whether representations were received.", field="received")
        regime.record_representations(
            procurement,
            received=received == "yes",
            decision=request.form.get("decision") or None,
            decided_on=_date_from_form("decided_on"),
            actor=current_user,
        )

    return _save(procurement, change, "What happened in the standstill is saved.", "#standstill")


@bp.route("/<int:procurement_id>/notice-of-intention", methods=["GET", "POST"])
@lead_view
def notice_text(procurement: Procurement):
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if not procurement.is_final or procurement.regime != PSR:
        why = (
            "The notice of intention to award is drafted once the result is final."
            if not procurement.is_final
            else "This procurement runs under the Procurement Act 2023, which has no notice of intention to "
            "award: send each bidder its assessment summary, then publish the contract award notice."
        )
        return render_template("award/not_ready.html", procurement=procurement, message=why)
    if request.method == "POST":
        try:
            regime.save_notice_text(procurement, request.form.get("notice_text", ""), actor=current_user)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash("The notice text is saved. Copy it into the publication service.", "success")
            return redirect(url_for("award.notice_text", procurement_id=procurement.id))
    text, kept = psr_notice.current_text(procurement)
    if request.args.get("draft"):
        text, kept = psr_notice.draft(procurement), False
    if request.method == "POST":
        text = request.form.get("notice_text", "")
    return render_template(
        "award/notice.html",
        procurement=procurement,
        text=text,
        kept=kept,
        notice=regime.notice_of(procurement),
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _final_only(procurement: Procurement, what: str):
    if procurement.is_final:
        return None
    return render_template(
        "award/not_ready.html",
        procurement=procurement,
        message=f"{what} is made from the final result. Finalise the result first.",
    )


@bp.route("/<int:procurement_id>/award-record.docx")
@lead_view
def award_record_docx(procurement: Procurement):
    waiting = _final_only(procurement, "The award record")
    if waiting is not None:
        return waiting
    return _download(award_record.write(procurement), award_record.filename(procurement), DOCX)


@bp.route("/<int:procurement_id>/assessment-summaries.zip")
@lead_view
def assessment_summaries_zip(procurement: Procurement):
    waiting = _final_only(procurement, "The assessment summaries")
    if waiting is not None:
        return waiting
    return _download(
        assessment_docs.zip_bytes(procurement),
        f"assessment-summaries-{procurement.reference}.zip".replace(" ", "-"),
        "application/zip",
    )


@bp.route("/<int:procurement_id>/assessment-summaries/<int:bidder_id>.docx")
@lead_view
def assessment_summary_docx(procurement: Procurement, bidder_id: int):
    bidder = bidder_in(procurement, bidder_id)
    waiting = _final_only(procurement, "The assessment summary")
    if waiting is not None:
        return waiting
    return _download(
        assessment_docs.docx_bytes(procurement, bidder), assessment_docs.filename(procurement, bidder), DOCX
    )


@bp.app_context_processor
def _law_summary():
    """``law_summary(procurement)`` for the procurement and results pages (award/_summary.html)."""

    def law_summary(procurement: Procurement) -> dict:
        return {
            "regime": regime_name(procurement.regime),
            "standstill": regime.standstill_of(procurement),
            "retention": regime.retention_of(procurement),
            "warnings": regime.key_criteria_warnings(procurement),
        }

    def key_criterion_figures(procurement: Procurement, document: dict):
        return regime.key_criterion_figures(procurement, document)

    return {
        "law_summary": law_summary,
        "key_criterion_figures": key_criterion_figures,
        "key_criteria_choices": list(kc.KEY_CRITERIA.items()),
        "key_criterion_label": kc.label,
        "key_criteria_rows": regime.key_criteria_rows,
    }
