"""The what-if weights page, its JSON endpoint, and saving and applying scenarios.

The page works without JavaScript: its form posts back and the result is
rendered here, with the chart drawn on the server. With JavaScript
(static/js/whatif.js) the same form's values go to the JSON endpoint as they
change; it answers with data only (totals, ranks, influence, sweep lines) and
the script draws the table, the sentences and the chart (as SVG) itself. The
chances of ranking first (a Monte-Carlo run) are asked for separately, once the
lead stops moving.
"""

from __future__ import annotations

import base64
import math

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from .. import transaction
from ..access import lead_procurement_or_abort, roles_required
from ..extensions import db
from ..models import Procurement, Role, Status, WeightScenario
from ..services import review as review_service
from ..services import whatif
from ..services.errors import Refused
from . import bp
from .forms import ApplyForm, ScenarioForm, WhatIfForm

lead_only = roles_required(Role.LEAD, Role.ADMIN)


def _scenario_or_404(procurement: Procurement, scenario_id: int) -> WeightScenario:
    scenario = db.session.get(WeightScenario, scenario_id)
    if scenario is None or scenario.procurement_id != procurement.id:
        abort(404)
    return scenario


def _typed(procurement: Procurement, values) -> dict[str, str]:
    """What the lead typed, by section code, from form fields ``weight-<section id>``."""
    return {s.code: values.get(whatif.field_name(s), "") for s in procurement.sections}


SHARE_NOT_A_NUMBER = "Enter the patient share as a number from 0 to 100, like 40."


def _share_percent(text) -> float | None:
    try:
        value = float(str(text).strip().rstrip("%"))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _trial(procurement: Procurement, raw: dict, share: float | None):
    """Parse and (when a share is given) rescale; returns the weights or raises WeightProblems."""
    weights = whatif.parse_weights(procurement, raw)
    if share is not None:
        weights = whatif.rescale_to_share(procurement, weights, share / 100.0)
    return weights


def _with_image(result: dict | None) -> dict | None:
    """Put the chart's SVG in a data: URL for <img> (the page's CSP governs no styles inside it)."""
    if result and result.get("chart"):
        svg = result["chart"].pop("svg")
        result["chart"]["src"] = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return result


def _errors(problems: whatif.WeightProblems) -> tuple[list[dict], dict[str, str]]:
    errors: list[dict] = []
    fields: dict[str, str] = {}
    for field, message in zip(problems.fields, problems.problems):
        errors.append({"text": message, "href": f"#{field}"})
        fields.setdefault(field, message)
    return errors, fields


def _shown(weights: dict[str, float]) -> dict[str, str]:
    return {code: f"{w:g}" for code, w in weights.items()}


@bp.route("/<int:procurement_id>/what-if", methods=["GET", "POST"])
@lead_only
def whatif_page(procurement_id: int):
    procurement = lead_procurement_or_abort(procurement_id)
    official = whatif.official_weights(procurement)
    typed = _shown(official)
    errors: list[dict] = []
    field_errors: dict[str, str] = {}
    result = None
    status = 200
    weights: dict[str, float] | None = official
    loaded = None
    if request.method == "POST":
        if not WhatIfForm().validate_on_submit():
            abort(400)
        typed = _typed(procurement, request.form)
        try:
            share = None
            if request.form.get("action") == "share":
                share = _share_percent(request.form.get("share"))
                if share is None:
                    raise whatif.WeightProblems([("share", SHARE_NOT_A_NUMBER)])
            weights = _trial(procurement, typed, share)
        except whatif.WeightProblems as problems:
            errors, field_errors = _errors(problems)
            status = 400
            weights = None
        else:
            typed = _shown(weights)
    elif request.args.get("scenario"):
        loaded = _scenario_or_404(procurement, request.args.get("scenario", type=int) or 0)
        weights = whatif.scenario_weights(loaded)
        if set(weights) == set(official):
            typed = _shown(weights)
        else:
            flash(
                f'The sections have changed since "{loaded.name}" was saved, so the official '
                "weights are shown instead.",
                "info",
            )
            weights = official
    if weights is not None:
        try:
            weights = whatif.parse_weights(procurement, weights)
        except whatif.WeightProblems:
            weights = None  # the official weights do not add up to 100 yet (set-up)
        else:
            result = _with_image(whatif.run(procurement, weights, viewer=current_user, chances=True, draw=True))
    return _render(
        procurement,
        typed=typed,
        result=result,
        errors=errors,
        field_errors=field_errors,
        status=status,
        loaded=loaded,
        share_typed=request.form.get("share") if "share" in field_errors else None,
    )


def _render(
    procurement: Procurement,
    *,
    typed,
    result,
    errors=(),
    field_errors=None,
    status=200,
    loaded=None,
    scenario_form=None,
    share_typed=None,
):
    official = whatif.official_weights(procurement)
    try:
        share_now = whatif.patient_share(procurement, {c: float(typed[c]) for c in typed})
    except (TypeError, ValueError):
        share_now = whatif.patient_share(procurement, official)
    evidence = _evidence(procurement, share_now)
    return render_template(
        "planning/whatif.html",
        procurement=procurement,
        typed=typed,
        result=result,
        errors=list(errors),
        field_errors=field_errors or {},
        form=WhatIfForm(),
        scenario_form=scenario_form or ScenarioForm(),
        official=official,
        official_total=sum(official.values()),
        share=share_now,
        share_typed=share_typed,
        patient_codes=whatif.patient_codes(procurement),
        scenarios=whatif.scenarios(procurement),
        reason_needed=whatif.reason_needed(procurement),
        loaded=loaded,
        field_name=whatif.field_name,
        evidence=evidence,
        evidence_chart=review_service.evidence_chart(evidence) if evidence else None,
        not_advice=review_service.NOT_ADVICE,
    ), status


def _evidence(procurement: Procurement, share: float | None) -> dict | None:
    """The review's evidence for weights being designed: only in set-up, before they are published."""
    if procurement.status is not Status.SETUP or share is None:
        return None
    return review_service.evidence(share)


@bp.route("/<int:procurement_id>/what-if.json", methods=["POST"])
@lead_only
def whatif_json(procurement_id: int):
    """Body: ``{"weights": {code: number or text}, "share": percent or null, "chances": bool}``.

    200 with the result as data (see `scoring.services.whatif.run`: no HTML,
    no picture) plus ``fields`` (form field -> weight shown); the chances of
    ranking first only when ``chances`` is true. 400 with ``errors``
    ([{field, message}]) otherwise.
    """
    procurement = lead_procurement_or_abort(procurement_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("weights"), dict):
        return jsonify(
            errors=[{"field": "weights", "message": 'Send the weights as {"weights": {"section code": number}}.'}]
        ), 400
    share = body.get("share")
    if share is not None:
        share = _share_percent(share)
        if share is None:
            return jsonify(errors=[{"field": "share", "message": "The patient share must be a number."}]), 400
    try:
        weights = _trial(procurement, {str(k): v for k, v in body["weights"].items()}, share)
    except whatif.WeightProblems as problems:
        return jsonify(errors=[{"field": f, "message": m} for f, m in zip(problems.fields, problems.problems)]), 400
    result = whatif.run(procurement, weights, viewer=current_user, chances=body.get("chances") is True)
    result["fields"] = {whatif.field_name(s): f"{weights[s.code]:g}" for s in procurement.sections}
    evidence = _evidence(procurement, result.get("share"))
    # data only, as the rest of the answer: the page moves the share marked on its own curve
    result["evidence"] = (
        None if evidence is None else {key: evidence[key] for key in ("decisive", "total", "share", "sentence")}
    )
    return jsonify(result)


@bp.route("/<int:procurement_id>/what-if/scenarios", methods=["POST"])
@lead_only
def save_scenario(procurement_id: int):
    procurement = lead_procurement_or_abort(procurement_id)
    form = ScenarioForm()
    if not form.validate_on_submit():
        abort(400)
    typed = _typed(procurement, request.form)
    try:
        scenario = whatif.save_scenario(
            procurement, name=form.name.data or "", note=form.note.data or "", weights=typed, actor=current_user
        )
    except whatif.WeightProblems as problems:
        transaction.end(problems)
        errors, field_errors = _errors(problems)
        return _render(
            procurement,
            typed=typed,
            result=None,
            errors=errors,
            field_errors=field_errors,
            status=400,
            scenario_form=form,
        )
    except Refused as refused:
        transaction.end(refused)
        field = refused.field or "name"
        return _render(
            procurement,
            typed=typed,
            result=None,
            errors=[{"text": refused.message, "href": f"#scenario-{field}"}],
            field_errors={f"scenario-{field}": refused.message},
            status=refused.status,
            scenario_form=form,
        )
    flash(f'Scenario "{scenario.name}" is saved. The official weights have not changed.', "success")
    return redirect(url_for("planning.whatif_page", procurement_id=procurement.id, scenario=scenario.id))


@bp.route("/<int:procurement_id>/what-if/scenarios/<int:scenario_id>/apply", methods=["GET", "POST"])
@lead_only
def apply_scenario(procurement_id: int, scenario_id: int):
    procurement = lead_procurement_or_abort(procurement_id)
    scenario = _scenario_or_404(procurement, scenario_id)
    form = ApplyForm()
    errors: list[dict] = []
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            whatif.apply_scenario(procurement, scenario, actor=current_user, reason=form.reason.data or "")
        except Refused as refused:
            transaction.end(refused)
            errors.append({"text": refused.message, "href": "#reason"})
            status = refused.status
        else:
            flash(
                f'The weights of "{scenario.name}" are now the official weights. '
                "The change is recorded in the audit log.",
                "success",
            )
            return redirect(url_for("planning.whatif_page", procurement_id=procurement.id))
    official = whatif.official_weights(procurement)
    proposed = whatif.scenario_weights(scenario)
    return render_template(
        "planning/apply.html",
        procurement=procurement,
        scenario=scenario,
        form=form,
        errors=errors,
        official=official,
        proposed=proposed,
        reason_needed=whatif.reason_needed(procurement),
        official_share=whatif.patient_share(procurement, official),
        proposed_share=whatif.patient_share(procurement, proposed) if set(proposed) == set(official) else None,
    ), status
