"""The "Your account" pages: each person sees and changes how they need information, and their password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user

from .. import transaction
from ..models import COMMUNICATION_NEEDS
from ..services import accounts
from ..services.errors import Refused
from .routes import bp


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    errors: list[dict[str, str]] | None = None
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            changed = accounts.set_communication_needs(
                current_user, request.form.get("need", ""), request.form.get("note", ""), actor=current_user
            )
        except Refused as refused:
            errors, field_errors = transaction.refusal(refused)
            status = 400
        else:
            flash("Your communication needs are saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        needs=COMMUNICATION_NEEDS,
        errors=errors,
        field_errors=field_errors,
        person=current_user,
        need=request.form.get("need", current_user.communication_need),
        note=request.form.get("note", current_user.communication_note),
    ), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    errors: list[dict[str, str]] | None = None
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            accounts.change_own_password(
                user,
                request.form.get("current_password", ""),
                request.form.get("password", ""),
                request.form.get("confirm", ""),
            )
        except Refused as refused:
            errors, field_errors = transaction.refusal(refused)
            status = 400
        else:
            login_user(user)  # this browser carries on with the new session token; others are signed out
            flash("Your password is changed. Any other device signed in as you has been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", errors=errors, field_errors=field_errors), status
