"""Sign in, sign out, and the home page that sends each user to their own start page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from .. import transaction
from ..forms import error_summary
from ..models import Role
from ..services import invitations
from ..services.accounts import authenticate, end_sessions
from ..services.errors import Refused
from .forms import ChoosePasswordForm, ForgottenPasswordForm, SignInForm

bp = Blueprint("auth", __name__)

START_PAGES = {
    Role.PATIENT: "evaluate.dashboard",
    Role.PANEL: "evaluate.dashboard",
    Role.LEAD: "leads.index",
    Role.ADMIN: "leads.index",
    Role.REVIEWER: "review.index",
}


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect would let a phishing link borrow our sign-in page.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
@login_required
def home():
    from flask import current_app

    endpoint = START_PAGES.get(current_user.role, "evaluate.dashboard")
    if endpoint not in current_app.view_functions:
        endpoint = "admin.users" if current_user.role in (Role.ADMIN, Role.LEAD) else "evaluate.dashboard"
    return redirect(url_for(endpoint))


@bp.route("/sign-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except Refused as refused:
            transaction.end(refused)  # a wrong password is still counted (WrongPassword.keep_changes)
            extra.append((form.email.id, refused.message))
            # 429 tells a client it is being rate limited; 401 is a wrong or locked account.
            status = 429 if refused.status == 429 else 401
        else:
            login_user(user)
            flash(f"You are signed in as {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    elif request.method == "POST":
        status = 400
    return (
        render_template("auth/sign_in.html", form=form, errors=error_summary(form, extra)),
        status,
    )


@bp.route("/sign-out", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # A copy of the cookie (another tab, a shared computer, a stolen cookie) stops working too.
        end_sessions(current_user)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


def _choose_password(token: str, purpose: str, template: str):
    """The page a link from an invitation or reset email opens: choose a password, then signed in."""
    try:
        invitations.check(token, purpose)
    except invitations.LinkProblem as problem:
        transaction.end(problem)
        return render_template("auth/link_problem.html", problem=problem, purpose=purpose, token=token), 410
    form = ChoosePasswordForm()
    extra: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            extra.append((form.confirm.id, "The two passwords are different. Type the same password twice."))
            status = 400
        else:
            try:
                user = invitations.use(token, purpose, form.password.data)
            except Refused as refused:
                transaction.end(refused)
                extra.append((form.password.id, refused.message))
                status = 400
            else:
                logout_user()
                login_user(user)
                flash(f"Your password is set. You are signed in as {user.name}.", "success")
                return redirect(url_for("auth.home"))
    elif request.method == "POST":
        status = 400
    return render_template(template, form=form, errors=error_summary(form, extra)), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, invitations.INVITE, "auth/accept_invitation.html")


@bp.route("/invitation/<token>/new", methods=["POST"])
def new_invitation(token: str):
    invitations.request_new_invitation(token)
    return render_template("auth/new_link_sent.html", purpose=invitations.INVITE)


@bp.route("/forgotten-password", methods=["GET", "POST"])
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        invitations.request_reset(form.email.data)
        # The same page whether or not the address has an account: it must not reveal who does.
        return render_template("auth/new_link_sent.html", purpose=invitations.RESET, email=form.email.data)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/forgotten_password.html", form=form, errors=error_summary(form)), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, invitations.RESET, "auth/reset_password.html")


from . import account  # noqa: E402,F401  (registers the "Your account" routes on bp)
