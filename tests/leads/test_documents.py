"""Bidders' documents: checked by content, limited in size, stored by a random name, served only to
the lead and to evaluators assigned to that section with no conflict with that bidder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scoring.extensions import db
from scoring.models import Document, Role
from scoring.services import documents, evaluation, setup

from ..helpers import gen_procurement, gen_user, sign_in
from .pages import events, text

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Staffing plan"
    workbook.save(buffer)
    return buffer.getvalue()


def zip_with_content_type(content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/word/document.xml" ContentType="{content_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX = zip_with_content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


@pytest.mark.parametrize(
    "data, kind",
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (None, "xlsx"),
        (b"MZ\x90\x00 not a document", None),
        (b"PK\x03\x04 broken zip", None),
        (zip_with_content_type("application/vnd.ms-word.document.macroEnabled.main+xml"), None),
        (b"", None),
    ],
)
def test_kind_is_decided_by_content(data, kind):
    assert documents.detect_kind(xlsx_bytes() if data is None else data) == kind


def upload(client, procurement, filename, data, text_answer="See the attached plan."):
    bidder, section = procurement.bidders[0], procurement.sections[0]
    return client.post(
        f"/procurements/{procurement.id}/bidders/{bidder.id}/sections/{section.id}",
        data={"text": text_answer, "document": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("filename, data", [("plan.pdf", PDF), ("plan.docx", DOCX), ("staff.xlsx", None)])
def test_lead_uploads_a_document_stored_by_a_random_name(lead_client, draft, app, filename, data):
    data = xlsx_bytes() if data is None else data
    response = upload(lead_client, draft, filename, data)
    assert response.status_code == 302
    document = db.session.scalar(db.select(Document))
    assert document.filename == filename and document.size == len(data)
    assert filename not in document.stored_name
    stored = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    assert stored.read_bytes() == data
    assert events("document.uploaded")
    download = lead_client.get(f"/documents/{document.id}")
    assert download.status_code == 200 and download.data == data
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_file_that_is_not_a_pdf_docx_or_xlsx_is_refused(lead_client, draft, app):
    response = upload(lead_client, draft, "plan.pdf", b"MZ\x90\x00 pretending to be a pdf")
    assert response.status_code == 400
    assert "plan.pdf is not a PDF, Word (DOCX) or Excel (XLSX) file. Only those types can be uploaded." in text(
        response
    )
    assert db.session.scalar(db.select(Document)) is None
    assert list(Path(app.config["UPLOAD_FOLDER"]).iterdir()) == []
    # The refused request changed nothing, not even the answer text sent with it.
    assert documents.response_for(draft.bidders[0], draft.sections[0]).text == "Bidder A answers Q1"


def test_a_file_over_the_size_limit_is_refused(lead_client, draft, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    response = upload(lead_client, draft, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "big.pdf is 2 KB. Files must be 1 KB or smaller." in text(response)
    app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    response = upload(lead_client, draft, "huge.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert "huge.pdf is 11.0 MB. Files must be 10.0 MB or smaller." in text(response)
    assert db.session.scalar(db.select(Document)) is None


def test_an_empty_file_is_refused(lead_client, draft):
    response = upload(lead_client, draft, "empty.pdf", b"")
    # Browsers send an empty part for "no file chosen" only without a name; with a name it is a real empty file.
    assert response.status_code == 400
    assert "empty.pdf is empty. Choose the file again." in text(response)


def test_lead_removes_a_document_in_set_up(lead_client, draft, app):
    upload(lead_client, draft, "plan.pdf", PDF)
    document = db.session.scalar(db.select(Document))
    stored = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    url = f"/procurements/{draft.id}/documents/{document.id}/delete"
    asked = lead_client.post(url)
    page = text(asked)
    assert asked.status_code == 200 and "<h1>Remove plan.pdf?</h1>" in page
    assert "A removed document cannot be brought back." in page and "nhsuk-button--warning" in page
    assert db.session.scalar(db.select(Document)) is not None and stored.exists()
    assert not events("document.deleted")
    response = lead_client.post(url, data={"confirm": "yes"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Document)) is None and not stored.exists()
    assert events("document.deleted")


@pytest.fixture
def with_document(draft, lead):
    document = documents.store_document(draft.bidders[0], draft.sections[0], filename="plan.pdf", data=PDF, actor=lead)
    setup.open_scoring(draft, actor=lead)
    db.session.commit()
    return document


def declare(evaluator, procurement, conflicted=()):
    evaluation.declare_conflicts(
        evaluator,
        procurement,
        {
            b.id: (b.code in conflicted, "Family works there" if b.code in conflicted else "")
            for b in procurement.bidders
        },
    )


def test_an_assigned_evaluator_with_no_conflict_may_download(client, with_document, draft, rep):
    declare(rep, draft)
    sign_in(client, rep)
    assert client.get(f"/documents/{with_document.id}").data == PDF
    page = client.get(f"/evaluate/{draft.id}/bidders/{draft.bidders[0].id}/sections/{draft.sections[0].id}")
    assert f"/documents/{with_document.id}" in text(page)


def test_an_evaluator_must_declare_conflicts_first(client, with_document, rep):
    sign_in(client, rep)
    assert client.get(f"/documents/{with_document.id}").status_code == 403


def test_an_evaluator_with_a_conflict_with_that_bidder_may_not_download(client, with_document, draft, rep):
    declare(rep, draft, conflicted=("Bidder A",))
    sign_in(client, rep)
    assert client.get(f"/documents/{with_document.id}").status_code == 403


def test_an_evaluator_not_assigned_to_that_section_may_not_download(client, lead, rep, app):
    procurement = gen_procurement(
        lead=lead,
        reference="GP-DOC",
        evaluators=[rep],
        open_scoring=False,
        sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")],
    )
    panel = gen_user(Role.PANEL, "Jo Finch")
    setup.assign_evaluator(procurement.sections[0], panel, actor=lead)
    document = documents.store_document(
        procurement.bidders[0], procurement.sections[0], filename="x.pdf", data=PDF, actor=lead
    )
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    declare(rep, procurement)
    sign_in(client, rep)
    assert client.get(f"/documents/{document.id}").status_code == 403


def test_evaluators_get_nothing_while_the_procurement_is_being_set_up(client, draft, lead, rep):
    document = documents.store_document(draft.bidders[0], draft.sections[0], filename="x.pdf", data=PDF, actor=lead)
    sign_in(client, rep)
    assert client.get(f"/documents/{document.id}").status_code == 403


def test_another_lead_may_not_download_and_unknown_is_not_found(client, with_document, app):
    other = gen_user(Role.LEAD, "Lou Otherlead")
    sign_in(client, other)
    assert client.get(f"/documents/{with_document.id}").status_code == 403
    assert client.get("/documents/9999").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, with_document):
    response = client.get(f"/documents/{with_document.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
