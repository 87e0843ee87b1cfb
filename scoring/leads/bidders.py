"""Bidders, their prices, and their answers (text and documents) to each section."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import anonymity
from ..access import bidder_in, section_in
from ..confirm import Confirmation, confirmation_page, confirmed
from ..database import referenced
from ..extensions import db
from ..models import Bidder, Document, Procurement, Response, Status
from ..services import documents, pricing, setup
from ..services.errors import Refused
from . import bp
from .common import lead_view, refusal


def _render_bidders(procurement: Procurement, errors=None, field_errors=None, prices=None, status=200):
    has_price = pricing.has_price_section(procurement)
    if prices is None:
        prices = {b.id: "" if b.price is None else f"{b.price:.2f}" for b in procurement.bidders}
    return render_template(
        "leads/bidders.html",
        procurement=procurement,
        has_price=has_price,
        prices=prices,
        price_scores=pricing.section_scores(procurement) if has_price else {},
        setup_open=procurement.status is Status.SETUP,
        errors=errors or [],
        field_errors=field_errors or {},
    ), status


@bp.route("/<int:procurement_id>/bidders")
@lead_view
def bidders(procurement: Procurement):
    return _render_bidders(procurement)


@bp.route("/<int:procurement_id>/prices", methods=["POST"])
@lead_view
def prices(procurement: Procurement):
    typed = {b.id: request.form.get(f"price-{b.id}", "") for b in procurement.bidders}
    try:
        changed = pricing.set_prices(procurement, typed, actor=current_user, reason=request.form.get("reason", ""))
    except Refused as refused:
        errors, field_errors = refusal(refused)
        return _render_bidders(procurement, errors, field_errors, typed, 400)
    flash(f"Prices saved ({changed} changed).", "success")
    return redirect(url_for("leads.bidders", procurement_id=procurement.id))


def _bidder_form(procurement: Procurement, bidder: Bidder | None):
    values = {"code": bidder.code if bidder else "", "name": bidder.name if bidder else ""}
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        values = {"code": request.form.get("code", ""), "name": request.form.get("name", "")}
        try:
            if bidder is None:
                bidder = setup.add_bidder(procurement, code=values["code"], name=values["name"], actor=current_user)
            else:
                setup.update_bidder(bidder, code=values["code"], name=values["name"], actor=current_user)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"{bidder.code} is saved.", "success")
            return redirect(url_for("leads.bidders", procurement_id=procurement.id))
    return render_template(
        "leads/bidder_form.html",
        procurement=procurement,
        bidder=bidder,
        values=values,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/bidders/new", methods=["GET", "POST"])
@lead_view
def new_bidder(procurement: Procurement):
    return _bidder_form(procurement, None)


@bp.route("/<int:procurement_id>/bidders/<int:bidder_id>/edit", methods=["GET", "POST"])
@lead_view
def edit_bidder(procurement: Procurement, bidder_id: int):
    return _bidder_form(procurement, bidder_in(procurement, bidder_id))


@bp.route("/<int:procurement_id>/responses")
@lead_view
def responses(procurement: Procurement):
    """A grid of bidders × sections showing which answers and documents are in."""
    rows = db.session.scalars(
        db.select(Response)
        .join(Bidder, Response.bidder_id == Bidder.id)
        .where(Bidder.procurement_id == procurement.id)
        .options(selectinload(Response.documents))
    )
    by_cell = {(r.bidder_id, r.section_id): r for r in rows}
    return render_template("leads/responses.html", procurement=procurement, by_cell=by_cell)


@bp.route("/<int:procurement_id>/bidders/<int:bidder_id>/sections/<int:section_id>", methods=["GET", "POST"])
@lead_view
def response(procurement: Procurement, bidder_id: int, section_id: int):
    bidder = bidder_in(procurement, bidder_id)
    section = section_in(procurement, section_id)
    existing = documents.response_for(bidder, section)
    text = existing.text if existing else ""
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        text = request.form.get("text", "")
        upload = request.files.get("document")
        chosen = (upload.filename, upload.read()) if upload is not None and upload.filename else None
        try:
            documents.save_response(bidder, section, text=text, upload=chosen, actor=current_user)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"{bidder.code}'s answer to {section.code} is saved.", "success")
            anonymity.warn_if_named(procurement, text, what="The answer")
            return redirect(
                url_for("leads.response", procurement_id=procurement.id, bidder_id=bidder.id, section_id=section.id)
            )
    return _render_response(procurement, bidder, section, text, errors, field_errors)


def _render_response(procurement, bidder, section, text, errors, field_errors):
    return render_template(
        "leads/response.html",
        procurement=procurement,
        bidder=bidder,
        section=section,
        response=documents.response_for(bidder, section),
        text=text,
        editable=procurement.status is Status.SETUP,
        max_mb=_upload_mb(),
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


def _upload_mb() -> str:
    return f"{current_app.config['UPLOAD_MAX_BYTES'] / 1024 / 1024:g}"


@bp.route("/<int:procurement_id>/documents/<int:document_id>/delete", methods=["POST"])
@lead_view
def delete_document(procurement: Procurement, document_id: int):
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    response = referenced(Response, document.response_id)
    bidder = referenced(Bidder, response.bidder_id)
    if bidder.procurement_id != procurement.id:
        abort(404)
    section_id = response.section_id
    back_url = url_for("leads.response", procurement_id=procurement.id, bidder_id=bidder.id, section_id=section_id)
    try:
        if not confirmed():
            documents.check_can_delete(document)
            return confirmation_page(
                Confirmation(
                    title=f"Remove {document.filename}?",
                    caption=f"{procurement.reference}: {procurement.title}",
                    happens=[
                        f"{document.filename} is removed from {bidder.code}'s answer to "
                        f"{section_in(procurement, section_id).code}, and its file is deleted.",
                        "The audit log keeps a note of its name, type and size.",
                    ],
                    cannot_undo="A removed document cannot be brought back. To have it again, upload the file again.",
                    button="Yes, remove it",
                    warning=True,
                    back_url=back_url,
                    back_text="Back to the answer",
                )
            )
        documents.delete_document(document, actor=current_user)
    except Refused as refused:
        errors, field_errors = refusal(refused)
        section = section_in(procurement, section_id)
        return _render_response(procurement, bidder, section, response.text, errors, field_errors)
    flash(f"{document.filename} is removed.", "success")
    return redirect(
        url_for("leads.response", procurement_id=procurement.id, bidder_id=bidder.id, section_id=section_id)
    )
