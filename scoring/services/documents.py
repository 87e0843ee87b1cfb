"""Bidders' responses and the documents attached to them.

Uploads are checked by their content, never by their name or the browser's
claimed type: a PDF starts with ``%PDF-``; DOCX and XLSX are zip files whose
``[Content_Types].xml`` names the Word or Excel main part. Files are stored
under the upload folder (instance/uploads) by a random name, so a bidder's file
name never reaches the file system.
"""

from __future__ import annotations

import io
import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from .. import transaction
from ..access import conflicted_bidder_ids, is_lead_of
from ..database import referenced
from ..extensions import db
from ..models import Assignment, Bidder, Document, Procurement, Response, Section, Status, User
from . import audit, lifecycle
from .errors import Refused

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def detect_kind(data: bytes) -> str | None:
    """'pdf', 'docx' or 'xlsx' from the bytes themselves, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:  # a real one is a few kB; refuse a zip bomb
                return None
            content_types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    for kind, part in _MAIN_PARTS.items():
        if f'ContentType="{part}"' in content_types:
            return kind
    return None


def response_for(bidder: Bidder, section: Section) -> Response | None:
    return db.session.scalar(select(Response).where(Response.bidder_id == bidder.id, Response.section_id == section.id))


def save_response(
    bidder: Bidder, section: Section, *, text: str, actor: User | None, upload: tuple[str, bytes] | None = None
) -> Response:
    """Save the bidder's written answer, and attach ``upload`` (file name, bytes) if given.

    The upload is checked before anything is written, so a refused file leaves the answer as it was.
    """
    procurement = bidder.procurement
    lifecycle.require_setup(procurement, "Bidders' answers can only change")
    checked = check_upload(*upload) if upload is not None else None
    text = (text or "").replace("\r\n", "\n").strip()
    response = response_for(bidder, section)
    before = None if response is None else {"text": response.text}
    if response is None:
        response = Response(bidder_id=bidder.id, section_id=section.id, text="")
        db.session.add(response)
    if before is None or before["text"] != text:
        response.text = text
        db.session.flush()
        audit.record(
            "response.saved",
            actor=actor,
            procurement_id=procurement.id,
            entity="response",
            entity_id=response.id,
            before=before,
            after={"bidder": bidder.code, "section": section.code, "text": text},
        )
    if checked is not None:
        _attach(response, bidder, section, *checked, actor=actor)
    return response


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def clean_filename(filename: str) -> str:
    """The name to show and send: no folders, and no control characters (a CR or LF in a name
    would break the download's Content-Disposition header), at most 255 characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = " ".join("".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in name).split())
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot and len(extension) < 10 else name[:255]
    return name or "document"


def check_upload(filename: str, data: bytes) -> tuple[str, bytes, str]:
    """Refuse an empty, too large or wrong-type file; return (clean file name, bytes, kind)."""
    filename = clean_filename(filename)
    if not data:
        raise Refused(f"{filename} is empty. Choose the file again.", field="document")
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise Refused(f"{filename} is {_size(len(data))}. Files must be {_size(limit)} or smaller.", field="document")
    kind = detect_kind(data)
    if kind is None:
        raise Refused(
            f"{filename} is not a PDF, Word (DOCX) or Excel (XLSX) file. Only those types can be uploaded.",
            field="document",
        )
    return filename, data, kind


def _upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_of(document: Document) -> Path:
    return _upload_folder() / document.stored_name


def store_document(bidder: Bidder, section: Section, *, filename: str, data: bytes, actor: User | None) -> Document:
    """Check and keep one uploaded file as part of the bidder's answer to the section."""
    lifecycle.require_setup(bidder.procurement, "Documents can only be added")
    checked = check_upload(filename, data)
    response = response_for(bidder, section)
    if response is None:
        response = Response(bidder_id=bidder.id, section_id=section.id, text="")
        db.session.add(response)
        db.session.flush()
    return _attach(response, bidder, section, *checked, actor=actor)


def _attach(
    response: Response, bidder: Bidder, section: Section, filename: str, data: bytes, kind: str, *, actor: User | None
) -> Document:
    """Write the file under a random name and record it; the file goes again if the change is not kept."""
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    path = _upload_folder() / stored_name
    path.write_bytes(data)
    document = Document(
        response_id=response.id,
        filename=filename[:255],
        stored_name=stored_name,
        kind=kind,
        size=len(data),
        uploaded_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    transaction.on_rollback(lambda: path.unlink(missing_ok=True))
    db.session.flush()
    audit.record(
        "document.uploaded",
        actor=actor,
        procurement_id=bidder.procurement_id,
        entity="document",
        entity_id=document.id,
        after={
            "bidder": bidder.code,
            "section": section.code,
            "filename": document.filename,
            "kind": kind,
            "size": len(data),
        },
    )
    return document


def check_can_delete(document: Document) -> None:
    """Refuse unless the document may be removed now (asked before the confirmation too)."""
    response = referenced(Response, document.response_id)
    bidder = referenced(Bidder, response.bidder_id)
    lifecycle.require_setup(bidder.procurement, "Documents can only be removed")


def delete_document(document: Document, *, actor: User | None) -> None:
    check_can_delete(document)
    response = referenced(Response, document.response_id)
    bidder = referenced(Bidder, response.bidder_id)
    section = referenced(Section, response.section_id)
    snapshot = {
        "bidder": bidder.code,
        "section": section.code,
        "filename": document.filename,
        "kind": document.kind,
        "size": document.size,
    }
    response.documents.remove(document)
    audit.record(
        "document.deleted",
        actor=actor,
        procurement_id=bidder.procurement_id,
        entity="document",
        entity_id=document.id,
        before=snapshot,
    )
    path = path_of(document)
    transaction.after_commit(lambda: path.unlink(missing_ok=True))  # a rolled-back delete keeps its file


def procurement_of(document: Document) -> Procurement:
    response = referenced(Response, document.response_id)
    return referenced(Bidder, response.bidder_id).procurement


def can_download(user: User, document: Document) -> bool:
    """The lead (or an admin), or an evaluator assigned to the section with no conflict with the bidder.

    Evaluators get bid material only once scoring has opened and they have
    answered the conflict question, exactly as on the scoring pages.
    """
    from .evaluation import has_declared

    response = referenced(Response, document.response_id)
    bidder = referenced(Bidder, response.bidder_id)
    section = referenced(Section, response.section_id)
    procurement = bidder.procurement
    if is_lead_of(user, procurement):
        return True
    if section.is_price or procurement.status is Status.SETUP:
        return False
    assigned = db.session.scalar(
        select(Assignment.id).where(Assignment.section_id == section.id, Assignment.user_id == user.id)
    )
    return (
        assigned is not None
        and has_declared(user, procurement)
        and bidder.id not in conflicted_bidder_ids(user, procurement)
    )
