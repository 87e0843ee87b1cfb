"""Downloads for the procurement team: the audit workbook and the scores as CSV.

Only the procurement's lead and administrators may download them (404 for an
unknown procurement, 403 for anyone else). ``?codes_only=1`` leaves bidders'
legal names out, for sharing an anonymised procurement's workbook.
"""

from __future__ import annotations

import tempfile

from flask import Blueprint, Response, render_template, request, send_file, stream_with_context
from flask_login import current_user
from werkzeug.utils import secure_filename

from .access import lead_procurement_or_abort, roles_required
from .extensions import db
from .models import Procurement, Role, Status
from .services.errors import Refused
from .services.export.csv import iter_scores_csv
from .services.export.data import export_data, name_redactor, score_rows
from .services.export.workbook import write_workbook

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _codes_only() -> bool:
    return request.args.get("codes_only", "") in ("1", "true", "yes")


def _filename(procurement: Procurement, suffix: str) -> str:
    return secure_filename(f"{procurement.reference}-{suffix}") or f"procurement-{suffix}"


def _not_ready(message: str):
    return render_template("errors/error.html", code=409, title="The workbook cannot be made yet", message=message), 409


@bp.route("/procurements/<int:procurement_id>/export.xlsx")
@roles_required(Role.LEAD, Role.ADMIN)
def workbook(procurement_id: int):
    procurement = lead_procurement_or_abort(procurement_id)
    if procurement.status is Status.SETUP:
        return _not_ready("There are no results while the procurement is being set up. Open scoring first.")
    codes_only = _codes_only()
    try:
        data = export_data(procurement, codes_only=codes_only, exported_by=current_user)
    except Refused as refused:  # the engine refuses, e.g. weights that do not sum to 100
        return _not_ready(refused.message)
    # Written to a temporary file, not memory: a large workbook is hundreds of megabytes.
    out = tempfile.TemporaryFile(suffix=".xlsx")
    write_workbook(data, out)
    out.seek(0)
    name = _filename(procurement, "codes-only.xlsx" if codes_only else "export.xlsx")
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)


@bp.route("/procurements/<int:procurement_id>/scores.csv")
@roles_required(Role.LEAD, Role.ADMIN)
def scores_csv(procurement_id: int):
    procurement = lead_procurement_or_abort(procurement_id)
    redact = name_redactor(procurement) if _codes_only() else None
    rows = score_rows(db.session, procurement, redact=redact)
    name = _filename(procurement, "scores.csv")
    return Response(
        stream_with_context(iter_scores_csv(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
