"""Serving bidders' documents, only to the people allowed to read them."""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user

from .anonymity import as_the_reader_sees
from .extensions import db
from .models import Document
from .services import documents

bp = Blueprint("documents", __name__)


@bp.route("/documents/<int:document_id>")
def download(document_id: int):
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    if not documents.can_download(current_user, document):
        abort(403)
    path = documents.path_of(document)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=documents.MIMETYPES[document.kind],
        as_attachment=True,
        download_name=documents.clean_filename(
            as_the_reader_sees(documents.procurement_of(document), document.filename)
        ),
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
