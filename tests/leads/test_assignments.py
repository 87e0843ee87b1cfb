"""Who scores what: the assignment grid, conflicts the lead can withdraw, and progress."""

from __future__ import annotations

from scoring.extensions import db
from scoring.models import Assignment, Role
from scoring.services import evaluation

from ..helpers import gen_user
from .pages import events, score_everything, text


def ticks(procurement, *pairs) -> dict:
    return {"assign": [f"{section.id}-{user.id}" for section, user in pairs]}


def assigned(procurement) -> set[tuple[str, str]]:
    return {(a.section.code, a.user.name) for s in procurement.sections for a in s.assignments}


def test_assignment_page_lists_evaluators_by_group_with_untrained_reps_shown(lead_client, draft, app):
    gen_user(Role.PATIENT, "Nia Newton", trained=False)
    page = text(lead_client.get(f"/procurements/{draft.id}/assignments"))
    assert page.index("Patient representatives") < page.index("Panel evaluators")
    assert "Nia Newton" in page and "Not trained" in page
    assert "Morgan Panel" in page


def test_lead_assigns_and_unassigns_with_checkboxes(lead_client, draft, rep, panel, app):
    rep2 = gen_user(Role.PATIENT, "Rowan Reid")
    q1, q2 = draft.sections
    response = lead_client.post(
        f"/procurements/{draft.id}/assignments", data=ticks(draft, (q1, rep), (q2, rep), (q2, rep2), (q1, panel))
    )
    assert response.status_code == 302
    assert assigned(draft) == {("Q1", "Pat Patel"), ("Q2", "Pat Patel"), ("Q2", "Rowan Reid"), ("Q1", "Morgan Panel")}
    response = lead_client.post(
        f"/procurements/{draft.id}/assignments", data=ticks(draft, (q1, rep), (q2, rep2), (q1, panel))
    )
    assert response.status_code == 302
    assert ("Q2", "Pat Patel") not in assigned(draft)
    removed = events("assignment.removed")[0]
    assert "Q2" in removed.before_json and rep.email in removed.before_json


def test_untrained_rep_is_refused_with_the_reason_and_nothing_changes(lead_client, draft, rep, panel, app):
    newrep = gen_user(Role.PATIENT, "Nia Newton", trained=False)
    q1, q2 = draft.sections
    before = assigned(draft)
    response = lead_client.post(
        f"/procurements/{draft.id}/assignments",
        data=ticks(draft, (q1, rep), (q2, rep), (q1, panel), (q1, newrep), (q2, newrep)),
    )
    assert response.status_code == 400
    page = text(response)
    message = (
        "Nia Newton has not completed patient representative training yet, so cannot be asked to score. "
        "Record their training date on the Users page."
    )
    summary, _, table = page.partition("<table")
    assert summary.count(message) == 1  # once, though she was ticked for two sections
    # ...and in words beside her first ticked cell, not only as a red border, with where to record it.
    cell = f"assign-{q1.id}-{newrep.id}"
    assert (
        f'<span class="nhsuk-error-message" id="{cell}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {message}</span>'
        in table
    )
    assert table.count(message) == 1
    assert f'href="/admin/users/{newrep.id}/training">Record Nia Newton\'s training date</a>' in table
    assert f'aria-describedby="{cell}-error"' in table
    assert assigned(draft) == before
    assert db.session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.user_id == newrep.id)) == 0


def test_removing_an_evaluator_who_already_scored_is_refused(lead_client, procurement, rep, panel):
    score_everything(panel, procurement, submit=False)
    q1, q2 = procurement.sections
    response = lead_client.post(
        f"/procurements/{procurement.id}/assignments", data=ticks(procurement, (q1, rep), (q2, rep))
    )
    assert response.status_code == 400
    assert "Morgan Panel already has scores for section Q1, so they cannot be removed from it." in text(response)
    assert ("Q1", "Morgan Panel") in assigned(procurement)
    assert not events("assignment.removed")


def test_a_panel_evaluator_cannot_be_ticked_for_a_patient_only_section(lead_client, draft, rep, panel):
    q1, q2 = draft.sections
    response = lead_client.post(
        f"/procurements/{draft.id}/assignments", data=ticks(draft, (q1, rep), (q2, rep), (q1, panel), (q2, panel))
    )
    assert response.status_code == 400
    assert "Section Q2 is scored by patient evaluators only, and Morgan Panel is a panel evaluator." in text(response)


def test_a_badly_formed_tick_is_a_bad_request(lead_client, draft):
    assert lead_client.post(f"/procurements/{draft.id}/assignments", data={"assign": "x"}).status_code == 400


def _declare(evaluator, procurement, conflicted_bidder):
    evaluation.declare_conflicts(
        evaluator,
        procurement,
        {
            b.id: (b is conflicted_bidder, "My sister is a partner there" if b is conflicted_bidder else "")
            for b in procurement.bidders
        },
    )


def test_lead_sees_declared_conflicts_and_withdraws_one_with_a_reason(lead_client, procurement, rep):
    bidder_a = procurement.bidders[0]
    _declare(rep, procurement, bidder_a)
    page = text(lead_client.get(f"/procurements/{procurement.id}/conflicts"))
    assert "Pat Patel" in page and "My sister is a partner there" in page
    declaration = evaluation.declarations_for(rep, procurement)[bidder_a.id]
    url = f"/procurements/{procurement.id}/conflicts/{declaration.id}/withdraw"
    response = lead_client.post(url, data={"reason": ""})
    assert response.status_code == 400
    assert "Give a reason for withdrawing Pat Patel's conflict with Bidder A." in text(response)
    assert declaration.has_conflict
    response = lead_client.post(url, data={"reason": "She left the partnership in 2019."})
    assert response.status_code == 302
    assert not declaration.has_conflict
    event = events("declaration.withdrawn")[0]
    assert event.reason == "She left the partnership in 2019." and "My sister" in event.before_json
    assert len(evaluation.cells_for(rep, procurement)) == 4


def test_withdrawing_a_conflict_twice_is_refused(lead_client, procurement, rep):
    bidder_a = procurement.bidders[0]
    _declare(rep, procurement, bidder_a)
    declaration = evaluation.declarations_for(rep, procurement)[bidder_a.id]
    url = f"/procurements/{procurement.id}/conflicts/{declaration.id}/withdraw"
    lead_client.post(url, data={"reason": "Fine"})
    response = lead_client.post(url, data={"reason": "Again"})
    assert response.status_code == 400
    assert "Pat Patel has no conflict with Bidder A to withdraw." in text(response)


def test_a_declaration_from_another_procurement_is_not_found(lead_client, procurement):
    assert lead_client.get(f"/procurements/{procurement.id}/conflicts/999/withdraw").status_code == 404


def test_progress_shows_each_evaluator(lead_client, procurement, rep, panel):
    score_everything(panel, procurement)
    page = text(lead_client.get(f"/procurements/{procurement.id}/progress"))
    assert "Morgan Panel" in page and "2 of 2 scored" in page and "Submitted" in page
    assert "Pat Patel" in page and "0 of 4 scored" in page and "Not yet" in page


def test_progress_of_everyone_agrees_with_each_evaluators_own_progress(procurement, rep, panel, lead, app):
    from scoring.services import assignments

    a, b = procurement.bidders
    evaluation.declare_conflicts(rep, procurement, {a.id: (True, "Neighbour"), b.id: (False, "")})
    score_everything(panel, procurement)
    evaluation.save_score(
        evaluator=rep,
        procurement=procurement,
        bidder=b,
        section=procurement.sections[0],
        value=2,
        rationale="",
        expected_version=0,
    )
    evaluation.save_score(
        evaluator=rep,
        procurement=procurement,
        bidder=b,
        section=procurement.sections[1],
        value=2,
        rationale="Fine",
        expected_version=0,
    )
    late = gen_user(Role.PATIENT, "Late Rep")
    from scoring.services import setup

    setup.assign_evaluator(procurement.sections[1], late, actor=lead)
    db.session.commit()
    rows = assignments.progress_of_everyone(procurement)
    assert {r.evaluator.name for r in rows} == {"Pat Patel", "Morgan Panel", "Late Rep"}
    for row in rows:
        assert row.progress == evaluation.progress_for(row.evaluator, procurement), row.evaluator.name
        assert row.declared == evaluation.has_declared(row.evaluator, procurement)
