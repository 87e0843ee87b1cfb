"""Accounts: admins create users and set passwords; leads record patient reps' training."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from .. import transaction
from ..access import may_record_training, reps_whose_training_user_records, roles_required
from ..extensions import db
from ..forms import DATE_HINT, error_summary
from ..models import Role, User
from ..services import accounts
from ..services.errors import Refused
from .forms import (
    MANAGE_ACTIONS,
    ROLE_DESCRIPTIONS,
    InviteForm,
    ManageAccountForm,
    NewUserForm,
    PasswordForm,
    TrainingForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN, Role.LEAD)
def users():
    people = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    allowed = reps_whose_training_user_records(current_user)
    trainable = {p.id for p in people if allowed is None or p.id in allowed}
    return render_template("admin/users.html", people=people, trainable=trainable)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data or None,
                training_completed_on=form.training_completed_on.data,
                actor=current_user,
            )
        except Refused as refused:
            transaction.end(refused)
            extra.append((refused.field or "name", refused.message))
            status = 400
        else:
            flash(f"Account created for {user.name}.", "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/new_user.html",
        form=form,
        errors=error_summary(form, extra),
        role_descriptions={r.value: d for r, d in ROLE_DESCRIPTIONS.items()},
        date_hint=DATE_HINT,
    ), status


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def set_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data, actor=current_user)
        except Refused as refused:
            transaction.end(refused)
            extra.append((form.password.id, refused.message))
            status = 400
        else:
            flash(f"Password set for {user.name}.", "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/password.html", form=form, person=user, errors=error_summary(form, extra)), status


@bp.route("/users/<int:user_id>/training", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.LEAD)
def record_training(user_id: int):
    user = _user_or_404(user_id)
    if user.role is not Role.PATIENT:
        abort(404)
    if not may_record_training(current_user, user):
        abort(403)
    form = TrainingForm(obj=user)  # shows the date already recorded, if any
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            accounts.record_training(user, form.training_completed_on.data, actor=current_user)
        except Refused as refused:
            transaction.end(refused)
            extra.append((form.training_completed_on.id, refused.message))
            status = 400
        else:
            flash(f"Training recorded for {user.name}.", "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/training.html", form=form, person=user, date_hint=DATE_HINT, errors=error_summary(form, extra)
    ), status


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def invite_user() -> ResponseReturnValue:
    from ..services import invitations

    form = InviteForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            user = invitations.invite(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                training_completed_on=form.training_completed_on.data,
                actor=current_user,
            )
        except Refused as refused:
            transaction.end(refused)
            extra.append((refused.field or "name", refused.message))
            status = 400
        else:
            flash(f"Invitation sent to {user.name} at {user.email}. The link works for 7 days.", "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/invite.html", form=form, errors=error_summary(form, extra)), status


@bp.route("/users/<int:user_id>/account", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_user(user_id: int):
    """Deactivate, reactivate, change role, unlock or resend an invitation: each audited, each ends sessions."""
    from ..services import account_admin, invitations

    user = _user_or_404(user_id)
    form = ManageAccountForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit() and form.action.data in MANAGE_ACTIONS:
        action = form.action.data
        try:
            if action == "deactivate":
                account_admin.deactivate(user, actor=current_user, reason=form.reason.data or "")
                done = f"{user.name}'s account is deactivated and they have been signed out. Their scores stay."
            elif action == "reactivate":
                account_admin.reactivate(user, actor=current_user)
                done = f"{user.name}'s account is active again."
            elif action == "role":
                account_admin.change_role(user, form.role.data, actor=current_user)
                done = f"{user.name} is now a {user.role.label.lower()} and has been signed out."
            elif action == "unlock":
                account_admin.unlock(user, actor=current_user)
                done = f"{user.name}'s account is unlocked."
            elif action == "needs":
                from flask import request

                changed = accounts.set_communication_needs(
                    user, request.form.get("need", ""), request.form.get("note", ""), actor=current_user
                )
                done = f"{user.name}'s communication needs are saved." if changed else "Nothing changed."
            else:
                invitations.resend_invitation(user, actor=current_user)
                done = f"A new invitation has been sent to {user.email}. Earlier links no longer work."
        except Refused as refused:
            transaction.end(refused)
            extra.append((refused.field if refused.field in ("role", "need", "note") else "", refused.message))
            status = 400
        else:
            flash(done, "success")
            return redirect(url_for("admin.manage_user", user_id=user.id))
    elif form.is_submitted():
        extra.append(("", "Choose one of the actions on this page."))
        status = 400
    from flask import request

    from ..models import COMMUNICATION_NEEDS

    return render_template(
        "admin/manage.html",
        form=form,
        person=user,
        roles=list(Role),
        errors=error_summary(None, extra),
        needs=COMMUNICATION_NEEDS,
        field_errors={f: m for f, m in extra if f in ("need", "note")},
        need=request.form.get("need", user.communication_need),
        note=request.form.get("note", user.communication_note),
    ), status
