"""Patient voice review (`/review`): involvement leads and administrators see every
finalised procurement, procurement leads their own. Reads stored results only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import roles_required
from ..models import Role
from ..services import review as review_service
from ..services import review_export, review_report

bp = Blueprint("review", __name__, url_prefix="/review")

REGIMES = {"psr": "Provider Selection Regime", "pa23": "Procurement Act 2023"}


def _date(name: str, errors: list[dict]) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(
            {"text": f"Enter the date '{text}' as year-month-day, for example 2026-04-01", "href": f"#{name}"}
        )
        return None


def _filters(errors: list[dict]) -> review_service.Filters:
    since, until = _date("since", errors), _date("until", errors)
    if since and until and since > until:
        errors.append({"text": "The 'finalised from' date must be on or before the 'to' date", "href": "#since"})
    regime = request.args.get("regime") or None
    if regime and regime not in REGIMES:
        errors.append({"text": "Choose a regime from the list", "href": "#regime"})
        regime = None
    return review_service.Filters(
        since=since, until=until, regime=regime, service_type=(request.args.get("service_type") or "").strip() or None
    )


@bp.route("")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def index() -> ResponseReturnValue:
    errors: list[dict] = []
    filters = _filters(errors)
    data = review_service.review(current_user, filters)
    service_types = review_service.service_types(current_user)
    return render_template(
        "review/index.html",
        data=data,
        errors=errors,
        filters=filters,
        regimes=REGIMES,
        service_types=service_types,
        review_charts=review_service.charts,
    ), (400 if errors else 200)


def _download(kind: str):
    errors: list[dict] = []
    filters = _filters(errors)
    if errors:
        return Response(errors[0]["text"], status=400, mimetype="text/plain")
    data = review_service.review(current_user, filters)
    body: str | bytes
    if kind == "csv":
        body, mimetype = review_export.csv_text(data), "text/csv"
    else:
        body = review_export.workbook_bytes(data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="patient-voice-review.{kind}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/review.xlsx")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def workbook():
    return _download("xlsx")


@bp.route("/review.csv")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def csv_file():
    return _download("csv")


def _report_or_errors() -> tuple[review_service.Filters, list[dict], review_report.BoardReport]:
    errors: list[dict] = []
    filters = _filters(errors)
    return filters, errors, review_report.board_report(current_user, filters)


@bp.route("/report")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def report():
    """ "Patient voice in our procurements": for the board (screen and print)."""
    filters, errors, board = _report_or_errors()
    data = review_service.review(current_user, filters)
    return render_template(
        "review/report.html",
        report=board,
        errors=errors,
        title=review_report.TITLE,
        chart=review_service.charts(data)["rate"] if data["procurements"] else None,
        not_advice=review_service.NOT_ADVICE,
    ), (400 if errors else 200)


@bp.route("/report.docx")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def report_docx():
    filters, errors, board = _report_or_errors()
    if errors:
        return Response(errors[0]["text"], status=400, mimetype="text/plain")
    return Response(
        review_report.docx_bytes(board),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={
            "Content-Disposition": 'attachment; filename="patient-voice-report.docx"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/report/easy-read")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.LEAD)
def report_easy_read():
    filters, errors, board = _report_or_errors()
    return render_template("review/report_easy_read.html", report=board, errors=errors, title=review_report.TITLE), (
        400 if errors else 200
    )
