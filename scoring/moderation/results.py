"""Results, charts, patient reps' reports and bidders' assessment summaries.

Who sees what:
* the results page and its charts: the lead (and administrators), at any stage
  after scoring opens, marked provisional until final;
* a "you said, we did" report: the patient rep it is about, and the lead, once final;
* assessment summaries: the lead, once final (they are sent to bidders at award);
* evaluators have a page listing their moderation meetings and reports.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import anonymity, charts, pdf
from ..access import bidder_in, procurement_or_404, roles_required
from ..extensions import db
from ..models import Assignment, Procurement, Role, Section, Status, User
from ..services import moderation, outcome
from ..services.errors import Refused
from ..services.results import CHART_NAMES, ResultView, price_changes, weight_changes
from . import rep_report, reports

bp = Blueprint("results", __name__)


def _lead_procurement(procurement_id: int) -> Procurement:
    procurement = procurement_or_404(procurement_id)
    if not moderation.is_staff(current_user, procurement):
        abort(403)
    return procurement


@bp.route("/procurements/<int:procurement_id>/results")
def show(procurement_id: int):
    procurement = _lead_procurement(procurement_id)
    if procurement.status is Status.SETUP:
        return render_template(
            "results/not_ready.html",
            procurement=procurement,
            message="There are no results while the procurement is being set up.",
        )
    try:
        result = ResultView(procurement, outcome.outcome(procurement), current_user)
    except Refused as refused:
        return render_template("results/not_ready.html", procurement=procurement, message=refused.message)
    return render_template(
        "results/show.html",
        procurement=procurement,
        result=result,
        charts=result.charts(),
        weight_changes=weight_changes(procurement),
        price_changes=price_changes(procurement),
    )


@bp.route("/procurements/<int:procurement_id>/results/charts/<name>.svg")
def chart(procurement_id: int, name: str):
    procurement = _lead_procurement(procurement_id)
    if name not in CHART_NAMES or procurement.status is Status.SETUP:
        abort(404)
    try:
        found = outcome.outcome(procurement)
        result = ResultView(procurement, found, current_user)
    except Refused:
        abort(404)
    if name == "win-probabilities" and not result.doc.get("sensitivity"):
        abort(404)
    # Charts name bidders by code, so one drawing per data version serves every viewer.
    svg = outcome.chart_svg(found, name, lambda: result.chart(name).svg)
    headers = dict(charts.SVG_HEADERS)
    if procurement.is_final:  # the stored result never changes, so the browser may keep it
        headers["Cache-Control"] = "private, max-age=86400"
    return Response(svg, headers=headers)


def _final_or_not_ready(procurement: Procurement, what: str):
    if procurement.is_final:
        return None
    return render_template(
        "results/not_ready.html",
        procurement=procurement,
        message=f"{what} will be ready when the lead has finalised the result.",
    )


@bp.route("/procurements/<int:procurement_id>/reports")
def reports_index(procurement_id: int):
    procurement = _lead_procurement(procurement_id)
    return render_template("results/reports.html", procurement=procurement, reps=reports.patient_reps(procurement))


def _report_access(procurement_id: int, user_id: int) -> tuple[Procurement, User]:
    procurement = procurement_or_404(procurement_id)
    rep = db.session.get(User, user_id)
    staff = moderation.is_staff(current_user, procurement)
    if not staff and current_user.id != user_id:
        abort(403)
    if rep is None or rep not in reports.patient_reps(procurement):
        abort(404 if staff else 403)
    return procurement, rep


@bp.app_template_global("report_url")
def report_url(procurement: Procurement, rep: User) -> str:
    """The link to a rep's report in the form they need: easy read for an easy-read person."""
    from ..services.deadlines import report_endpoint

    return url_for(report_endpoint(rep), procurement_id=procurement.id, user_id=rep.id)


@bp.route("/procurements/<int:procurement_id>/reports/<int:user_id>")
def report(procurement_id: int, user_id: int):
    return _render_report(procurement_id, user_id, "results/report.html")


@bp.route("/procurements/<int:procurement_id>/reports/<int:user_id>/easy-read")
def report_easy_read(procurement_id: int, user_id: int):
    return _render_report(procurement_id, user_id, "results/report_easy_read.html")


@bp.route("/procurements/<int:procurement_id>/reports/<int:user_id>/easy-read.pdf")
def report_easy_read_pdf(procurement_id: int, user_id: int):
    procurement, rep = _report_access(procurement_id, user_id)
    if not procurement.is_final:
        abort(404)
    large = request.args.get("size") == "large" or rep.large_print  # their recorded need
    html = _render_report(procurement_id, user_id, "results/report_easy_read_pdf.html", pdf=True, large=large)
    return pdf.download(html, f"easy-read-report-{procurement.reference}{'-large' if large else ''}.pdf")


def _render_report(procurement_id: int, user_id: int, template: str, **context):
    """One rep's "you said, we did" report; the versions differ only in layout."""
    procurement, rep = _report_access(procurement_id, user_id)
    waiting = _final_or_not_ready(procurement, "Your report")
    if waiting is not None:
        return waiting
    anonymity.read_by(rep)  # the lead may print it for the rep: names hidden as for the rep
    result = ResultView(procurement, outcome.outcome(procurement), rep)
    return render_template(
        template, procurement=procurement, report=rep_report.rep_report(procurement, rep, result), **context
    )


@bp.route("/procurements/<int:procurement_id>/assessment-summaries")
def summaries(procurement_id: int):
    procurement = _lead_procurement(procurement_id)
    waiting = _final_or_not_ready(procurement, "Assessment summaries")
    if waiting is not None:
        return waiting
    result = ResultView(procurement, outcome.outcome(procurement), current_user)
    return render_template("results/summaries.html", procurement=procurement, result=result)


def _summary(procurement_id: int, bidder_id: int):
    procurement = _lead_procurement(procurement_id)
    bidder = bidder_in(procurement, bidder_id)
    if not procurement.is_final:
        return procurement, None
    result = ResultView(procurement, outcome.outcome(procurement), current_user)
    return procurement, reports.bidder_summary(procurement, bidder, result)


@bp.route("/procurements/<int:procurement_id>/assessment-summaries/<int:bidder_id>")
def summary(procurement_id: int, bidder_id: int):
    procurement, summary = _summary(procurement_id, bidder_id)
    if summary is None:
        return _final_or_not_ready(procurement, "Assessment summaries")
    return render_template("results/summary.html", procurement=procurement, summary=summary)


@bp.route("/procurements/<int:procurement_id>/assessment-summaries/<int:bidder_id>.txt")
def summary_text(procurement_id: int, bidder_id: int):
    procurement, summary = _summary(procurement_id, bidder_id)
    if summary is None:
        abort(404)
    filename = f"assessment-summary-{procurement.reference}-{summary.bidder.code}.txt".replace(" ", "-")
    return Response(
        summary.as_text(), mimetype="text/plain", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/my-moderation")
@roles_required(Role.PATIENT, Role.PANEL)
def mine():
    procurements = list(
        db.session.scalars(
            select(Procurement)
            .join(Section, Section.procurement_id == Procurement.id)
            .join(Assignment, Assignment.section_id == Section.id)
            .where(Assignment.user_id == current_user.id, Procurement.status.in_([Status.MODERATION, Status.FINAL]))
            .distinct()
            .order_by(Procurement.created_at.desc())
        )
    )
    return render_template("results/mine.html", procurements=procurements, is_rep=current_user.role is Role.PATIENT)
