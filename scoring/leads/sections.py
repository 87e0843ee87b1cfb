"""Sections (questions) and their weights: add, edit and delete in set-up; weights later with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import anonymity, rules
from ..access import section_in
from ..models import Procurement, ScoredBy, Section, Status
from ..services import setup
from ..services.errors import Refused
from . import bp
from .common import lead_view, refusal

SCORED_BY_CHOICES = [
    (choice.value, choice.label) for choice in (ScoredBy.BOTH, ScoredBy.PATIENT, ScoredBy.PANEL, ScoredBy.PRICE)
]


def weight_message(procurement: Procurement) -> tuple[float, str | None]:
    total = sum(s.weight for s in procurement.sections)
    if not procurement.sections:
        return total, "There are no sections yet."
    if not rules.weights_add_up(total):
        gap = 100 - total
        how = f"add {gap:g}% more" if gap > 0 else f"take away {-gap:g}%"
        return total, f"The weights add up to {total:g}%, not 100%: {how} before scoring can open."
    return total, None


@bp.route("/<int:procurement_id>/sections")
@lead_view
def sections(procurement: Procurement):
    total, message = weight_message(procurement)
    return render_template(
        "leads/sections.html",
        procurement=procurement,
        total=total,
        weight_message=message,
        setup_open=procurement.status is Status.SETUP,
    )


def _form_values(section: Section | None) -> dict:
    if request.method == "POST":
        return {k: request.form.get(k, "") for k in setup.SECTION_FIELDS}
    if section is None:
        return {
            "code": "",
            "title": "",
            "question": "",
            "guidance": "",
            "weight": "",
            "max_score": "4",
            "scored_by": "both",
            "threshold": "",
            "key_criterion": "",
        }
    values = {k: getattr(section, k) for k in setup.SECTION_FIELDS}
    values["weight"] = f"{section.weight:g}"
    values["threshold"] = "" if section.threshold is None else f"{section.threshold:g}"
    values["key_criterion"] = section.key_criterion or ""
    return values


@bp.route("/<int:procurement_id>/sections/new", methods=["GET", "POST"])
@lead_view
def new_section(procurement: Procurement):
    values = _form_values(None)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            section = setup.add_section(procurement, actor=current_user, **values)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"Section {section.code} is added.", "success")
            anonymity.warn_if_named(
                procurement, values.get("title"), values.get("question"), values.get("guidance"), what="The section"
            )
            return redirect(url_for("leads.sections", procurement_id=procurement.id))
    return render_template(
        "leads/section_form.html",
        procurement=procurement,
        section=None,
        values=values,
        choices=SCORED_BY_CHOICES,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@lead_view
def edit_section(procurement: Procurement, section_id: int):
    section = section_in(procurement, section_id)
    values = _form_values(section)
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            setup.update_section(section, actor=current_user, **values)
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash(f"Section {section.code} is saved.", "success")
            anonymity.warn_if_named(
                procurement, values.get("title"), values.get("question"), values.get("guidance"), what="The section"
            )
            return redirect(url_for("leads.sections", procurement_id=procurement.id))
    return render_template(
        "leads/section_form.html",
        procurement=procurement,
        section=section,
        values=values,
        choices=SCORED_BY_CHOICES,
        errors=errors,
        field_errors=field_errors,
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/sections/<int:section_id>/delete", methods=["GET", "POST"])
@lead_view
def delete_section(procurement: Procurement, section_id: int):
    section = section_in(procurement, section_id)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        code = section.code
        try:
            setup.delete_section(section, actor=current_user)
        except Refused as refused:
            errors, _ = refusal(refused)
        else:
            flash(f"Section {code} is deleted.", "success")
            return redirect(url_for("leads.sections", procurement_id=procurement.id))
    return render_template(
        "leads/section_delete.html", procurement=procurement, section=section, errors=errors
    ), 400 if errors else 200


@bp.route("/<int:procurement_id>/weights", methods=["GET", "POST"])
@lead_view
def weights(procurement: Procurement):
    """All the weights on one page, so that a change after opening can keep them adding up to 100."""
    values = {f"weight-{s.id}": f"{s.weight:g}" for s in procurement.sections}
    reason = ""
    errors: list[dict[str, str]] = []
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        values = {f"weight-{s.id}": request.form.get(f"weight-{s.id}", "") for s in procurement.sections}
        reason = request.form.get("reason", "")
        try:
            setup.set_weights(
                procurement,
                {s.id: values[f"weight-{s.id}"] for s in procurement.sections},
                reason=reason,
                actor=current_user,
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
        else:
            flash("The weights are saved.", "success")
            return redirect(url_for("leads.sections", procurement_id=procurement.id))
    total, message = weight_message(procurement)
    return render_template(
        "leads/weights.html",
        procurement=procurement,
        values=values,
        reason=reason,
        total=total,
        weight_message=message,
        errors=errors,
        field_errors=field_errors,
        opened=procurement.status is not Status.SETUP,
    ), 400 if errors else 200
