"""Import a procurement from an Excel workbook, and download the template to fill in."""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue

from .. import transaction
from ..access import roles_required
from ..models import Role
from ..services import import_template, importer
from ..services.errors import Refused, ValidationFailed
from . import bp
from .forms import ImportForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: At most this many problems are listed on the page; the count says how many there were.
SHOWN_PROBLEMS = 300


@bp.route("/import/template.xlsx")
@roles_required(Role.LEAD, Role.ADMIN)
def import_template_file():
    return send_file(
        BytesIO(import_template.template_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="procurement-import-template.xlsx",
        max_age=0,
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.LEAD, Role.ADMIN)
def import_procurement() -> ResponseReturnValue:
    from flask_login import current_user

    form = ImportForm()
    errors: list[dict] = []
    problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.workbook.data
        if upload is None or not getattr(upload, "filename", ""):
            errors.append({"text": "Choose the workbook to upload.", "href": "#workbook"})
        else:
            try:
                result = importer.import_procurement(
                    upload.read(), actor=current_user, open_scoring=bool(form.open_scoring.data)
                )
            except ValidationFailed as failed:
                transaction.end(failed)
                problems = failed.problems
                count = len(problems)
                errors.append(
                    {
                        "text": f"The workbook has {count} {'problem' if count == 1 else 'problems'}. "
                        "Nothing was imported. Fix them all, then upload it again.",
                        "href": "#problems",
                    }
                )
            except Refused as refused:
                transaction.end(refused)
                errors.append({"text": refused.message, "href": "#workbook"})
            else:
                flash(result.summary, "success")
                if result.created_users and "leads.invite_new_people" in _endpoints():
                    # The offer to invite them all: a confirm page listing who will be emailed.
                    return redirect(url_for("leads.invite_new_people", procurement_id=result.procurement.id))
                if "leads.overview" in _endpoints():
                    return redirect(url_for("leads.overview", procurement_id=result.procurement.id))
                return redirect(url_for("planning.whatif_page", procurement_id=result.procurement.id))
        status = 400
    elif form.is_submitted():
        errors.append({"text": "The form had expired. Choose the workbook again.", "href": "#workbook"})
        status = 400
    return render_template(
        "planning/import.html",
        form=form,
        errors=errors,
        problems=problems,
        shown=problems[:SHOWN_PROBLEMS],
        sheets=import_template.SHEETS,
        limits=importer.limits_text(),
    ), status


def _endpoints():
    from flask import current_app

    return current_app.view_functions
