"""A reviewer never receives an evaluator's name or an individual score: every review page and export.

Every route of the review blueprint is fetched as an involvement lead, and the command line's
JSON too; each answer is turned into text (workbook cells, Word paragraphs and tables) and
searched for every evaluator's name and email, every individual score's reason, and the words
that only an individual score's record carries.
"""

from __future__ import annotations

import html
import io
import json
import re

from docx import Document
from openpyxl import load_workbook

from scoring.extensions import db
from scoring.models import Role, Score

from ..helpers import gen_user, sign_in


def as_text(response) -> str:
    kind = response.mimetype
    if kind.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data))
        return "\n".join(str(v) for ws in book for row in ws.values for v in row if v is not None)
    if kind.endswith("wordprocessingml.document"):
        doc = Document(io.BytesIO(response.data))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return html.unescape(response.get_data(as_text=True))


def test_no_review_page_or_export_names_an_evaluator_or_shows_their_score(app, finalised, rep, rep2, panel, panel2):
    reviewer = gen_user(Role.REVIEWER, "Ines Involvement")
    client = app.test_client()
    sign_in(client, reviewer)
    rules = sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("review."))
    assert len(rules) >= 6  # the page, its two downloads, the report, its Word and easy read
    texts = {}
    for rule in rules:
        response = client.get(rule)
        assert response.status_code == 200, rule
        texts[rule] = as_text(response)
    texts["flask review --json"] = app.test_cli_runner().invoke(args=["review", "--json"]).output
    json.loads(texts["flask review --json"])
    reasons = [s.rationale for s in db.session.query(Score).all()]
    assert reasons  # the fixture's evaluators did write reasons
    for where, text in texts.items():
        if not where.endswith("easy-read"):  # (the easy read tells of services, not references)
            assert "GP-TEST-01" in text, where  # the procurement is there ...
        for person in (rep, rep2, panel, panel2):  # ... its evaluators are not
            assert person.name not in text and person.email not in text, (where, person.name)
        for reason in reasons:
            assert reason not in text, (where, reason)
        assert not re.search(r"\b(rationale|evaluator_id|proposed)\b", text), where
