"""Who was sent what about a procurement, and the letters for people who need paper by post."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import pdf
from ..extensions import db
from ..forms import parse_date
from ..models import OutboxMessage, Procurement
from ..services import deadlines, mail
from ..services.errors import Refused
from . import bp
from .common import lead_view, refusal


def _message_or_404(procurement: Procurement, message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.procurement_id != procurement.id:
        abort(404)
    return message


def enclosure(message: OutboxMessage) -> tuple[str, str] | None:
    """What goes in the envelope with a letter: (link text, url) of the score sheets or the report."""
    key = message.dedupe_key or ""
    if message.user is None:
        return None
    if key.startswith("scoring-open:"):
        return (
            "their score sheets (PDF)",
            url_for("leads.paper_sheets_pdf", procurement_id=message.procurement_id, user_id=message.user_id),
        )
    if key.startswith("report-ready:"):
        return (
            "their easy read report (PDF)",
            url_for("results.report_easy_read_pdf", procurement_id=message.procurement_id, user_id=message.user_id),
        )
    return None


@bp.app_template_global("letter_enclosure")
def letter_enclosure(message: OutboxMessage):
    return enclosure(message)


@bp.route("/<int:procurement_id>/messages")
@lead_view
def messages(procurement: Procurement):
    return render_template(
        "leads/messages.html",
        procurement=procurement,
        messages=mail.sent_to(procurement.id),
        to_london=deadlines.to_london,
    )


@bp.route("/<int:procurement_id>/letters/<int:message_id>.pdf")
@lead_view
def letter_pdf(procurement: Procurement, message_id: int):
    message = _message_or_404(procurement, message_id)
    if message.status != mail.POST:
        abort(404)
    html = render_template(
        "leads/letter_pdf.html",
        procurement=procurement,
        message=message,
        written_on=deadlines.to_london(message.created_at),
        large=message.user is not None and message.user.large_print,
    )
    return pdf.download(html, f"letter-{procurement.reference}-{message.id}.pdf")


@bp.route("/<int:procurement_id>/letters/<int:message_id>/posted", methods=["POST"])
@lead_view
def letter_posted(procurement: Procurement, message_id: int):
    message = _message_or_404(procurement, message_id)
    typed = request.form.get("posted_on", "").strip()
    try:
        posted_on = parse_date(typed) if typed else None
        if typed and posted_on is None:
            raise Refused(
                "Enter the date you posted the letter as day/month/year, for example 27/03/2027.",
                field=f"posted_on-{message.id}",
            )
        mail.mark_posted(message, posted_on=posted_on, actor=current_user)
    except Refused as refused:
        from .procurements import _render_overview

        if refused.field == "posted_on":  # the box of this letter's form, one per letter on the page
            refused = Refused(refused.message, field=f"posted_on-{message.id}")
        errors, field_errors = refusal(refused)
        return _render_overview(procurement, errors, field_errors, 400)
    flash(
        f"Letter to {message.user.name if message.user else message.to_address} marked as posted on "
        f"{posted_on:%d/%m/%Y}.",
        "success",
    )
    return redirect(url_for("leads.overview", procurement_id=procurement.id) + "#letters")


@bp.route("/<int:procurement_id>/invite", methods=["GET", "POST"])
@lead_view
def invite_evaluator(procurement: Procurement):
    """A lead invites a patient representative or panel evaluator to take part in their procurement."""
    from ..services import invitations

    values = {k: request.form.get(k, "") for k in ("name", "email", "role", "training_completed_on")}
    errors: list[dict[str, str]] | None = None
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            trained = None
            if values["role"] == "patient" and values["training_completed_on"].strip():
                trained = parse_date(values["training_completed_on"])
                if trained is None:
                    raise Refused(
                        "Enter the training date as day/month/year, for example 27/03/2026.",
                        field="training_completed_on",
                    )
            user = invitations.invite_evaluator(
                procurement,
                email=values["email"],
                name=values["name"],
                role=values["role"],
                training_completed_on=trained,
                actor=current_user,
            )
        except Refused as refused:
            errors, field_errors = refusal(refused)
            status = 400
        else:
            flash(
                f"Invitation sent to {user.name} at {user.email}. The link works for 7 days. Now choose "
                "which sections they score.",
                "success",
            )
            return redirect(url_for("leads.assignments", procurement_id=procurement.id))
    return render_template(
        "leads/invite.html", procurement=procurement, values=values, errors=errors, field_errors=field_errors
    ), status


@bp.route("/<int:procurement_id>/invite-new-people", methods=["GET", "POST"])
@lead_view
def invite_new_people(procurement: Procurement):
    """After an import: the confirm step listing who will be invited, then one invitation each."""
    from .. import rules
    from ..confirm import Confirmation, confirmation_page, confirmed
    from ..services import invitations

    if final := rules.final(procurement):  # nobody new scores a final procurement
        raise Refused.of(final)
    people = invitations.not_yet_invited(procurement)
    back = url_for("leads.overview", procurement_id=procurement.id)
    if request.method == "POST" and confirmed():
        try:
            invited = invitations.invite_imported(procurement, actor=current_user)
        except Refused as refused:
            refusal(refused)
            flash(refused.message, "error")
        else:
            flash(
                f"Invitations sent to {len(invited)} {'person' if len(invited) == 1 else 'people'}. "
                "Each link works for 7 days.",
                "success",
            )
        return redirect(back)
    if not people:
        return render_template("leads/invite_none.html", procurement=procurement)
    return confirmation_page(
        Confirmation(
            title=f"Invite {len(people)} new {'person' if len(people) == 1 else 'people'} by email?",
            caption=procurement.reference,
            happens=[
                f"{u.name} ({u.email}), {u.role.label.lower()}, gets an email with a link to choose their own password."
                for u in people
            ]
            + ["Each link works once and for 7 days."],
            cannot_undo="The emails cannot be called back once they are sent. You can send someone a new link later; "
            "the old one then stops working.",
            button="Send the invitations",
            back_url=back,
            back_text="Back to the procurement",
        )
    )
