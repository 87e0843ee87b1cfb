""" "Patient voice in our procurements": the page (and print), Word and easy read, for a date range."""

from __future__ import annotations

import html
import io
import re

from docx import Document

from scoring.extensions import db
from scoring.models import Role, Score

from ..helpers import gen_user, sign_in


def reviewer_client(app):
    client = app.test_client()
    sign_in(client, gen_user(Role.REVIEWER, "Ines Involvement"))
    return client


# The finalised fixture (tests/moderation/conftest.py): GP-TEST-01, patient sections weigh 100%,
# two reps submitted, Bidder A (Bidder A Legal Name Ltd) wins, Bidder B would without the patients,
# so the patient scores are decisive at every share: D = 1 on [0, 1], one half reached at 0%.
SAID_DID = (
    "You said: 2 patient representatives scored questions worth 100% of the marks. We did: your "
    "scores changed who won. Without them Bidder B would have come first; the contract went to "
    "Bidder A Legal Name Ltd."
)


def test_board_report_page_says_what_the_patient_voice_did(app, finalised, rep, rep2, panel, panel2):
    client = reviewer_client(app)
    response = client.get("/review/report")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "<h1>Patient voice in our procurements</h1>" in page and "Every finalised procurement." in page
    assert (
        "1 procurement finalised. 2 different patient representatives scored bids (2 places on evaluation "
        "panels; 0 scored on paper)."
    ) in page
    assert "Patient-scored questions carried 100% of the marks." in page
    assert "In 1 of the 1 the patient scores changed who won" in page
    assert (
        "Even with almost no weight on patient-scored sections, the patient scores would have decided the "
        "winner in 1 of the 1 procurement."
    ) in page
    assert "not advice" in page and SAID_DID in page
    assert 'id="decisive-rate"' in page  # the curve, with its table
    assert 'href="/static/css/documents.css"' in page and "app-no-print" in page  # print styles
    for person in (rep, rep2, panel, panel2):
        assert person.name not in page
    # a date range with nothing in it, and a bad date
    empty = html.unescape(client.get("/review/report?since=2999-01-01").get_data(as_text=True))
    assert "Procurements finalised from 1 January 2999." in empty
    assert "No procurement was finalised in this period." in empty and "You said" not in empty
    bad = client.get("/review/report?until=yesterday")
    assert bad.status_code == 400 and "Enter the date 'yesterday' as year-month-day" in html.unescape(
        bad.get_data(as_text=True)
    )


def test_board_report_as_word(app, finalised, rep, rep2, panel, panel2):
    client = reviewer_client(app)
    response = client.get("/review/report.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "Patient voice in our procurements"
    assert "Patient-scored questions carried 100% of the marks." in text and "not advice" in text
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["Procurement", "You said, we did"]
    assert [c.text for c in table.rows[1].cells] == ["GP-TEST-01: Test GP-TEST-01", SAID_DID]
    everything = text + "".join(c.text for row in table.rows for c in row.cells)
    for person in (rep, rep2, panel, panel2):
        assert person.name not in everything
    for score in db.session.query(Score).all():
        assert score.rationale not in everything


def test_board_report_easy_read(app, finalised):
    client = reviewer_client(app)
    page = html.unescape(client.get("/review/report/easy-read").get_data(as_text=True))
    assert "We finished choosing who runs 1 service." in page
    assert "2 patient representatives gave scores." in page
    assert "The least was all of the marks." in page and "The most was all of the marks." in page
    assert "For 1 of the 1 service, patient scores changed who won." in page
    assert "When they count for none of the marks, they decide about half of the time." in page
    # easy read: words and whole numbers, no percentages or decimals; a picture beside each point
    words = page[page.index('<div class="app-easy-read">') : page.index("</main>")]
    assert "%" not in words and not re.search(r"\d\.\d", words)
    assert words.count('alt="" width="64" height="64"') == 7  # 2 about, 1 who, 1 weight, 2 result, 1 thanks
