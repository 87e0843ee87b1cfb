"""Pages whose work does not grow with the procurement: the same number of queries at any size.

Each page is requested for procurements of 5, 10 and 20 sections (with more bidders
and evaluators as they grow), counting the SQL statements with SQLAlchemy's
``before_cursor_execute`` event, once with an empty outcome cache (the engine inputs
are loaded) and once warm. The counts must be equal across the sizes.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from scoring.extensions import db
from scoring.models import User
from scoring.services import evaluation, importer, outcome

from ..helpers import sign_in
from ..planning.workbooks import workbook_bytes

SIZES = ((5, 2, 2), (10, 3, 3), (20, 4, 4))  # sections, bidders, evaluators of each group


def workbook(n_sections: int, n_bidders: int, n_each: int) -> bytes:
    sections = [
        ["code", "title", "weight", "max_score", "scored_by", "threshold", "question", "guidance", "key_criterion"]
    ]
    for s in range(n_sections):
        sections.append([f"Q{s + 1}", f"Section {s + 1}", 100 / n_sections, 4, "both", None, "Why?", "", "quality"])
    bidders = [["code", "name"]] + [[f"Bidder {chr(65 + b)}", f"Company {b} Ltd"] for b in range(n_bidders)]
    people = [["email", "name", "group", "training_completed"]]
    for k in range(n_each):
        people.append([f"rep{k}@example.org", f"Rep {k}", "patient", date(2026, 1, 1)])
        people.append([f"panel{k}@example.org", f"Panel {k}", "panel", None])
    scores = [["evaluator", "bidder", "section", "score", "rationale"]]
    for person in people[1:]:
        for b in range(n_bidders):
            for s in range(n_sections):
                scores.append(
                    [person[0], f"Bidder {chr(65 + b)}", f"Q{s + 1}", (b + s + len(person[0])) % 5, "Reason."]
                )
    consensus = [["bidder", "section", "score", "rationale"], ["Bidder A", "Q1", 3, "Agreed."]]
    return workbook_bytes(
        {
            "Procurement": [
                ["field", "value"],
                ["reference", f"SIZE-{n_sections}"],
                ["title", "Sized"],
                ["anonymised", "yes"],
            ],
            "Sections": sections,
            "Bidders": bidders,
            "Evaluators": people,
            "Scores": scores,
            "Consensus": consensus,
        }
    )


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def pages(procurement, rep_id):
    section = procurement.sections[1]
    return {
        "moderation overview": (None, f"/procurements/{procurement.id}/moderation"),
        "moderation section": (None, f"/procurements/{procurement.id}/moderation/sections/{section.id}"),
        "results": (None, f"/procurements/{procurement.id}/results"),
        "progress": (None, f"/procurements/{procurement.id}/progress"),
        "evaluator's overview": (rep_id, f"/evaluate/{procurement.id}"),
        "evaluator's moderation overview": (rep_id, f"/procurements/{procurement.id}/moderation"),
        "evaluator's moderation section": (rep_id, f"/procurements/{procurement.id}/moderation/sections/{section.id}"),
    }


def measure(app, client, lead, size):
    procurement = importer.import_procurement(workbook(*size), actor=lead).procurement
    rep = db.session.scalar(db.select(User).where(User.email == "rep0@example.org"))
    rep.password_hash = lead.password_hash
    evaluation.declare_conflicts(rep, procurement, {b.id: (False, "") for b in procurement.bidders})
    db.session.commit()
    counts = {}
    for name, (who, url) in pages(procurement, rep.id).items():
        client.post("/sign-out")
        sign_in(client, rep.email if who else lead)
        for state in ("cold", "warm"):
            if state == "cold":
                outcome.cache().clear()
            db.session.expire_all()
            with counting() as statements:
                response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            counts[(name, state)] = len(statements)
    return counts


def test_pages_make_the_same_number_of_queries_at_5_10_and_20_sections(app, client, lead):
    by_size = [measure(app, client, lead, size) for size in SIZES]
    for key in by_size[0]:
        figures = [counts[key] for counts in by_size]
        assert figures[0] == figures[1] == figures[2], f"{key[0]} ({key[1]}): {figures} queries at {SIZES}"
