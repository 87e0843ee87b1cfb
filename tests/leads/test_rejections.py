"""The rarer refusals of the set-up services, each with its message; a refusal changes nothing."""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import AuditEvent, Role, Score
from scoring.services import assignments, documents, paper, pricing, setup
from scoring.services.errors import Refused

from ..helpers import gen_user
from .pages import text

PDF = b"%PDF-1.4 a tiny pdf"


def audit_count() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


def refused(call, message: str) -> None:
    before = audit_count()
    with pytest.raises(Refused) as caught:
        call()
    db.session.rollback()
    messages = [m for _, m in getattr(caught.value, "problems", None) or [("", caught.value.message)]]
    assert any(message in m for m in messages), messages
    assert audit_count() == before


def test_scale_needs_two_points_and_short_labels(draft, lead):
    refused(
        lambda: setup.set_scale(draft, [("Only", "")], actor=lead),
        "The scale needs at least two points, for example 0 and 1.",
    )
    refused(
        lambda: setup.set_scale(draft, [("A", ""), ("B" * 51, ""), ("C", ""), ("D", ""), ("E", "")], actor=lead),
        "The label for score 1 must be 50 characters or fewer.",
    )


def test_scale_route_drops_a_blank_spare_row_but_keeps_two(lead_client, draft):
    data = {"label-0": "No", "descriptor-0": "", "label-1": "", "descriptor-1": ""}
    response = lead_client.post(f"/procurements/{draft.id}/scale", data=data)
    assert response.status_code == 400 and "Enter a label for score 1." in text(response)


def test_codes_must_be_short(draft, lead):
    refused(
        lambda: setup.add_section(draft, code="Q" * 31, title="T", weight=0, actor=lead),
        "The section code must be 30 characters or fewer.",
    )
    refused(
        lambda: setup.add_bidder(draft, code="B" * 31, name="N", actor=lead),
        "The bidder code must be 30 characters or fewer.",
    )
    refused(
        lambda: setup.add_bidder(draft, code="Bidder C", name="C Ltd", price=0, actor=lead),
        "Enter a price above £0 for Bidder C.",
    )


def test_a_section_with_scores_cannot_be_deleted(draft, lead, rep):
    q1 = draft.sections[0]
    db.session.add(Score(bidder_id=draft.bidders[0].id, section_id=q1.id, evaluator_id=rep.id, value=2))
    db.session.commit()
    refused(lambda: setup.delete_section(q1, actor=lead), "Section Q1 already has scores, so it cannot be deleted.")


def test_weights_must_be_0_to_100_and_belong_to_the_procurement(draft, lead):
    q1 = draft.sections[0]
    refused(
        lambda: setup.set_weights(draft, {q1.id: 101}, actor=lead),
        "The weight of section Q1 must be between 0 and 100 percent.",
    )
    refused(lambda: setup.set_weights(draft, {9999: 10}, actor=lead), "That section is not part of this procurement.")


def test_assignments_and_prices_must_belong_to_the_procurement(draft, lead):
    refused(
        lambda: assignments.set_assignments(draft, {(9999, 9999)}, actor=lead),
        "That section or person is not part of this procurement.",
    )
    refused(
        lambda: setup.assign_evaluator(draft.sections[0], lead, actor=lead),
        "Lee Lead is a procurement lead, not an evaluator, so cannot score.",
    )


def test_prices_must_name_bidders_of_this_procurement(lead, rep, panel):
    from ..helpers import gen_procurement

    priced = gen_procurement(
        lead=lead,
        reference="GP-P",
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 80, "both"), ("P1", 20, "price")],
    )
    refused(
        lambda: pricing.set_prices(priced, {9999: "100"}, actor=lead), "That bidder is not part of this procurement."
    )


def test_documents_cannot_be_removed_once_scoring_is_open(lead_client, draft, lead):
    document = documents.store_document(draft.bidders[0], draft.sections[0], filename="a.pdf", data=PDF, actor=lead)
    setup.open_scoring(draft, actor=lead)
    db.session.commit()
    response = lead_client.post(f"/procurements/{draft.id}/documents/{document.id}/delete")
    assert response.status_code == 400
    assert "Documents can only be removed while the procurement is being set up." in text(response)
    assert lead_client.post(f"/procurements/{draft.id}/documents/9999/delete").status_code == 404


def test_paper_entry_refuses_someone_with_nothing_to_score_and_overlong_reasons(procurement, lead, rep, app):
    stranger = gen_user(Role.PANEL, "Stranger Panel")
    refused(
        lambda: paper.enter_paper_scores(lead=lead, procurement=procurement, evaluator=stranger, entries={}),
        "Stranger Panel is not asked to score anything in this procurement.",
    )
    refused(
        lambda: paper.record_paper_declarations(lead=lead, procurement=procurement, evaluator=stranger, answers={}),
        "Stranger Panel is not asked to score anything in this procurement.",
    )
    app.config["RATIONALE_MAX_CHARS"] = 10
    cell = paper.sheets_for(rep, procurement)[0][1][0]
    key = paper.cell_key(cell.bidder, cell.section)
    refused(
        lambda: paper.enter_paper_scores(
            lead=lead,
            procurement=procurement,
            evaluator=rep,
            entries={key: paper.PaperEntry(2, "far too long a reason", 0)},
        ),
        "Bidder A, Q1: the reason must be 10 characters or fewer. It is 21.",
    )
