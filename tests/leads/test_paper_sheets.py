"""Paper that cannot be mixed up: the rep's score sheets as a printable page and as a PDF."""

from __future__ import annotations

import re

import pytest

from scoring.extensions import db
from scoring.models import Response

from ..helpers import gen_procurement, sign_in
from ..pdfs import font_sizes, pages, save_png


def text(response) -> str:
    """The words of a page, tags dropped and spaces collapsed."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def sheets_url(procurement, rep, pdf=False) -> str:
    return f"/procurements/{procurement.id}/paper/{rep.id}/sheets{'.pdf' if pdf else ''}"


@pytest.fixture
def long_answers(procurement):
    """Bidder A's answers run to several paragraphs, as real bids do."""
    paragraph = (
        "We will open the phone lines at 8am and answer within two minutes. Evening and weekend "
        "appointments will be bookable online and by phone, with interpreters on request. "
    )
    for response in db.session.scalars(db.select(Response)):
        if response.bidder_id == procurement.bidders[0].id:
            response.text = "\n\n".join([paragraph * 3] * 3)
    db.session.commit()
    return procurement


def test_every_pdf_page_names_the_procurement_the_bidder_the_rep_and_its_page_number(lead_client, long_answers, rep):
    response = lead_client.get(sheets_url(long_answers, rep, pdf=True))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text_of = pages(response.data)
    total = len(text_of)
    assert total >= 4  # the conflicts page, then at least one page per bidder, Bidder A's over several
    bidders = []
    for number, page in enumerate(text_of, start=1):
        assert "GP-TEST-01: Test GP-TEST-01" in page, (number, page)
        assert "Score sheet for Pat Patel" in page, (number, page)
        assert f"Page {number} of {total}" in page, (number, page)
        header = re.search(r"(All bidders|Bidder A|Bidder B) · Score sheet for Pat Patel", page)
        assert header, (number, page)
        bidders.append(header.group(1))
    # Pages run conflicts, then all of Bidder A, then all of Bidder B: never mixed.
    assert bidders[0] == "All bidders" and bidders == sorted(bidders, key=["All bidders", "Bidder A", "Bidder B"].index)
    assert bidders.count("Bidder A") >= 2 and "Bidder B" in bidders
    # The rep may not see legal names on an anonymised procurement, on paper either.
    assert not any("Legal Name Ltd" in page for page in text_of)
    save_png(response.data, "paper-sheet-pdf-page-2", page=2)


def test_each_bidder_starts_a_new_page_and_no_page_before_it_is_mostly_blank(app, lead_client, long_answers, rep):
    from flask import render_template
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from scoring import pdf
    from scoring.services import paper

    with app.test_request_context():
        html = render_template(
            "leads/paper_sheets_pdf.html",
            procurement=long_answers,
            rep=rep,
            sheets=paper.sheets_for(rep, long_answers),
            reason_lines=paper.REASON_LINES,
        )
    document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.LocalFiles()).render()
    text_of = pages(document.write_pdf())
    starts = [
        i
        for i, page in enumerate(text_of)
        if re.search(r"^\S.*?(Bidder A|Bidder B)'s answers\.", page)
        or "Read Bidder" in page
        and "'s answers. For each question" in page
    ]
    firsts = {}
    for i, page in enumerate(text_of):
        for code in ("Bidder A", "Bidder B"):
            if f"Read {code}'s answers." in page:
                firsts.setdefault(code, i)
    assert firsts["Bidder A"] == 1 and firsts["Bidder B"] > firsts["Bidder A"]
    assert starts  # each bidder's sheet opens with its own heading and instructions
    for i, page in enumerate(document.pages):
        body = page._page_box.children[0]  # the page area; margin boxes follow it
        # What is drawn: lines of text, and boxes and rules with a bottom border (the writing space).
        drawn = [
            box
            for box in body.descendants()
            if isinstance(box, boxes.LineBox) or getattr(box, "border_bottom_width", 0) > 0
        ]
        bottom = max((box.position_y + box.margin_height() for box in drawn), default=0)
        filled = (bottom - body.content_box_y()) / body.height
        last_of_its_sheet = i + 1 == len(document.pages) or i + 1 in firsts.values()
        print(i + 1, f"{filled:.0%}", "last of its sheet" if last_of_its_sheet else "")
        if not last_of_its_sheet:
            assert filled > 0.5, f"page {i + 1} is only {filled:.0%} filled"


def test_the_sheet_prints_the_bidders_answer_or_says_where_the_bid_pack_is(lead_client, lead, rep, panel):
    from scoring.services import documents, setup

    procurement = gen_procurement(lead=lead, evaluators=[rep, panel], open_scoring=False)
    a, b = procurement.bidders
    q1, q2 = procurement.sections
    db.session.scalar(db.select(Response).where(Response.bidder_id == b.id, Response.section_id == q2.id)).text = ""
    documents.store_document(
        a, q1, filename="access-plan.pdf", data=b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", actor=lead
    )
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    page = text(lead_client.get(sheets_url(procurement, rep)))
    assert "Bidder A's answer Bidder A answers Q1" in page
    assert "Also read access-plan.pdf: it is in your printed bid pack, under Bidder A, Q1." in page
    assert (
        "Bidder B's answer Bidder B gave no written answer to this question here. If you have a printed bid "
        "pack, look under Bidder B, Q2."
    ) in page
    pdf_text = " ".join(pages(lead_client.get(sheets_url(procurement, rep, pdf=True)).data))
    assert "Bidder A answers Q1" in pdf_text and "access-plan.pdf" in pdf_text


def test_each_reason_box_has_ten_lines_to_write_on_and_the_text_is_large(lead_client, procurement, rep):
    html = lead_client.get(sheets_url(procurement, rep)).get_data(as_text=True)
    boxes = re.findall(r'<div class="app-score-sheet__reason-box">(.*?)</div>', html, re.S)
    assert len(boxes) == 4
    assert all(box.count('class="app-score-sheet__line"') == 10 for box in boxes)
    data = lead_client.get(sheets_url(procurement, rep, pdf=True)).data
    # Everything but the page headers and footers (11-12 pt); "·" separates the header's parts.
    body = [
        (size, words)
        for _, size, words in font_sizes(data)
        if words != "·"
        and "Score sheet for" not in words
        and not words.startswith("Page ")
        and "GP-TEST-01" not in words
    ]
    assert body and min(size for size, _ in body) >= 16, min(body)


def test_the_printable_page_offers_the_pdf(lead_client, procurement, rep):
    response = lead_client.get(sheets_url(procurement, rep))
    assert "Download the score sheets as a PDF" in text(response)
    assert f'href="{sheets_url(procurement, rep, pdf=True)}"' in response.get_data(as_text=True)


def test_only_the_lead_downloads_the_sheets(client, procurement, rep):
    sign_in(client, rep)
    assert client.get(sheets_url(procurement, rep, pdf=True)).status_code == 403


def test_documents_load_only_the_apps_own_files():
    from scoring import pdf

    fetcher = pdf.LocalFiles()
    assert b"app-score-sheet" in fetcher.fetch(pdf.BASE_URL + "static/css/documents.css").read()
    assert b"<svg" in fetcher.fetch(pdf.BASE_URL + "assets/icons/trophy.svg").read()
    for url in (
        "https://example.org/x.css",
        "file:///etc/passwd",
        pdf.BASE_URL + "static/../../etc/passwd",
        pdf.BASE_URL + "elsewhere/x.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_large_print_pdf_of_the_sheets_keeps_every_page_labelled(lead_client, procurement, rep):
    data = lead_client.get(sheets_url(procurement, rep, pdf=True) + "?size=large").data
    text_of = pages(data)
    for number, page in enumerate(text_of, start=1):
        assert "Score sheet for Pat Patel" in page and f"Page {number} of {len(text_of)}" in page, page
    body = [
        size
        for _, size, words in font_sizes(data)
        if words != "·"
        and "Score sheet for" not in words
        and not words.startswith("Page ")
        and "GP-TEST-01" not in words
    ]
    assert min(body) >= 22
    assert len(text_of) > len(pages(lead_client.get(sheets_url(procurement, rep, pdf=True)).data))
