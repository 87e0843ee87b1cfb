"""Paper score sheets for a rep who prefers paper, and the lead entering them on the rep's behalf."""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import Score, ScoreSource
from scoring.services import evaluation

from ..helpers import gen_procurement, sign_in
from .pages import events, score_everything, text


def entry_url(procurement, rep) -> str:
    return f"/procurements/{procurement.id}/paper/{rep.id}/enter"


def form_for(procurement, rep, values: dict, submit=False) -> dict:
    """values: {(bidder code, section code): (score, reason)}; every cell sent, as the browser does."""
    data = {}
    for cell in evaluation.cells_for(rep, procurement):
        key = f"{cell.bidder.id}-{cell.section.id}"
        score, reason = values.get((cell.bidder.code, cell.section.code), ("", ""))
        data[f"score-{key}"] = str(score)
        data[f"rationale-{key}"] = reason
        data[f"version-{key}"] = str(cell.score.version if cell.score else 0)
    if submit:
        data["submit"] = "yes"
    return data


ALL = {
    ("Bidder A", "Q1"): (3, "Good phone plan."),
    ("Bidder A", "Q2"): (2, "Vague on feedback."),
    ("Bidder B", "Q1"): (4, "Evening clinics."),
    ("Bidder B", "Q2"): (1, "No patient group."),
}


@pytest.fixture
def declared(procurement, rep):
    """The lead has typed in the rep's conflict answers (no conflicts) from the sheet's first page."""
    evaluation.declare_conflicts(rep, procurement, {b.id: (False, "") for b in procurement.bidders})
    return procurement


def test_the_lead_chooses_a_rep_for_paper_sheets(lead_client, procurement):
    page = text(lead_client.get(f"/procurements/{procurement.id}/paper"))
    assert "Pat Patel" in page and "Print sheets" in page and "Enter paper scores" in page


def test_sheets_have_one_page_per_bidder_with_questions_scale_and_boxes(lead_client, procurement, rep):
    page = text(lead_client.get(f"/procurements/{procurement.id}/paper/{rep.id}/sheets"))
    # A first page for conflicts of interest, then one page per bidder.
    assert page.count('class="app-score-sheet"') == 3
    assert "Conflicts of interest" in page and "☐ No" in page
    assert "Question Q1?" in page and "Question Q2?" in page
    assert "4 – Excellent" in page and "The response exceeds the requirement" in page
    assert page.count("Reason for your Q1 score") == 2 and page.count("Reason for your Q2 score") == 2
    assert "Q1 score (0 to 4)" in page
    # The sheet goes to the rep, so it names bidders as the rep may see them.
    assert "Legal Name Ltd" not in page


def test_sheets_leave_out_a_bidder_the_rep_declared_a_conflict_with(lead_client, procurement, rep):
    a, b = procurement.bidders
    evaluation.declare_conflicts(rep, procurement, {a.id: (True, "Neighbour"), b.id: (False, "")})
    page = text(lead_client.get(f"/procurements/{procurement.id}/paper/{rep.id}/sheets"))
    assert page.count('class="app-score-sheet"') == 2 and "Question Q1?" in page
    assert page.count("Reason for your Q1 score") == 1 and page.count("Reason for your Q2 score") == 1


def test_lead_enters_paper_scores_recorded_as_the_reps_and_entered_by_the_lead(
    lead_client, procurement, declared, rep, lead
):
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, ALL))
    assert response.status_code == 302
    scores = db.session.scalars(db.select(Score).where(Score.evaluator_id == rep.id)).all()
    assert len(scores) == 4
    assert {(s.source, s.entered_by_id, s.status) for s in scores} == {(ScoreSource.PAPER.value, lead.id, "draft")}
    saved = events("score.saved")
    assert len(saved) == 4 and {e.actor_id for e in saved} == {lead.id}
    assert '"source": "paper"' in saved[0].after_json and rep.email in saved[0].after_json
    assert "4 paper scores are saved for Pat Patel." in text(lead_client.get(response.headers["Location"]))


def test_entering_again_changes_only_what_changed_and_keeps_versions(lead_client, procurement, declared, rep):
    lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, ALL))
    changed = {**ALL, ("Bidder B", "Q2"): (2, "Has a patient group after all.")}
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, changed))
    assert response.status_code == 302
    assert len(events("score.saved")) == 5
    b2 = evaluation.find_score(rep, procurement.bidders[1], procurement.sections[1])
    assert (b2.value, b2.version) == (2, 2)


def test_lead_submits_the_signed_sheets_for_the_rep(lead_client, procurement, declared, rep, lead):
    data = form_for(procurement, rep, ALL, submit=True)
    asked = lead_client.post(entry_url(procurement, rep), data=data)
    page = text(asked)
    assert asked.status_code == 200 and "<h1>Submit Pat Patel's scores for them?</h1>" in page
    assert "Submitted scores cannot be changed, by you or by Pat Patel, unless you reopen" in page
    for name, value in data.items():  # everything typed goes through the confirmation unchanged
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    assert db.session.scalar(db.select(Score)) is None and not events("scores.submitted")
    response = lead_client.post(entry_url(procurement, rep), data={**data, "confirm": "yes"})
    assert response.status_code == 302
    assert evaluation.progress_for(rep, procurement).submitted
    assert events("scores.submitted")[0].actor_id == lead.id


def test_submitting_an_incomplete_sheet_is_refused_and_nothing_is_saved(lead_client, procurement, declared, rep):
    partial = {("Bidder A", "Q1"): (3, "Good."), ("Bidder A", "Q2"): (2, "")}
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, partial, submit=True))
    assert response.status_code == 400
    assert (
        "To submit for Pat Patel, every bid needs a score and a reason. "
        "Still to do: Bidder A, Q2; Bidder B, Q1; Bidder B, Q2."
    ) in text(response)
    assert db.session.scalar(db.select(Score)) is None


def test_a_reps_submitted_scores_cannot_be_overwritten_from_paper(lead_client, procurement, rep):
    score_everything(rep, procurement)
    changed = {("Bidder A", "Q1"): (0, "Overwritten from paper")}
    data = form_for(procurement, rep, {})
    data.update(form_for(procurement, rep, changed))
    for cell in evaluation.cells_for(rep, procurement):  # keep the other cells as they are
        key = f"{cell.bidder.id}-{cell.section.id}"
        if (cell.bidder.code, cell.section.code) not in changed:
            data[f"score-{key}"], data[f"rationale-{key}"] = str(cell.score.value), cell.score.rationale
    response = lead_client.post(entry_url(procurement, rep), data=data)
    assert response.status_code == 400
    assert (
        "Bidder A, Q1: Pat Patel has already submitted this score, so it cannot be overwritten from paper. "
        "Reopen their scores first."
    ) in text(response)
    assert evaluation.find_score(rep, procurement.bidders[0], procurement.sections[0]).value == 3


@pytest.mark.parametrize(
    "score, message",
    [
        ("7", "Bidder A, Q1: score 7 is outside the scale. Choose from 0 to 4."),
        ("three", "Bidder A, Q1: enter the score as a whole number from 0 to 4."),
    ],
)
def test_a_score_off_the_scale_is_refused(lead_client, procurement, declared, rep, score, message):
    data = form_for(procurement, rep, {("Bidder A", "Q1"): (score, "Reason")})
    response = lead_client.post(entry_url(procurement, rep), data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(db.select(Score)) is None


def test_a_score_the_rep_changed_online_meanwhile_is_not_overwritten(lead_client, procurement, rep):
    stale = form_for(procurement, rep, ALL)
    evaluation.declare_conflicts(rep, procurement, {b.id: (False, "") for b in procurement.bidders})
    evaluation.save_score(
        evaluator=rep,
        procurement=procurement,
        bidder=procurement.bidders[0],
        section=procurement.sections[0],
        value=1,
        rationale="Online",
        expected_version=0,
    )
    response = lead_client.post(entry_url(procurement, rep), data=stale)
    assert response.status_code == 409
    assert "Bidder A, Q1: this score was changed after you opened the page." in text(response)
    assert evaluation.find_score(rep, procurement.bidders[0], procurement.sections[0]).rationale == "Online"


def test_paper_scores_need_scoring_to_be_open(lead_client, draft, rep):
    response = lead_client.post(entry_url(draft, rep), data=form_for(draft, rep, ALL))
    assert response.status_code == 400
    assert "Paper scores can only be entered while scoring is open. This procurement is being set up." in text(response)


def test_paper_pages_are_only_for_evaluators_of_that_procurement(lead_client, procurement, lead):
    other = gen_procurement(lead=lead, reference="GP-OTHER", evaluators=[], open_scoring=False)
    assert (
        lead_client.get(
            f"/procurements/{other.id}/paper/{procurement.sections[0].assignments[0].user_id}/sheets"
        ).status_code
        == 404
    )


def test_a_rep_cannot_open_the_paper_pages(client, procurement, rep):
    sign_in(client, rep)
    assert client.get(entry_url(procurement, rep)).status_code == 403


def declarations_url(procurement, rep) -> str:
    return f"/procurements/{procurement.id}/paper/{rep.id}/declarations"


def test_lead_records_the_conflict_answers_from_the_paper_sheet(lead_client, procurement, rep, lead):
    a, b = procurement.bidders
    page = text(lead_client.get(entry_url(procurement, rep)))
    assert "Conflicts of interest from the paper sheet" in page
    response = lead_client.post(
        declarations_url(procurement, rep),
        data={f"bidder-{a.id}": "yes", f"details-{a.id}": "My son works there", f"bidder-{b.id}": "no"},
    )
    assert response.status_code == 302
    assert evaluation.has_declared(rep, procurement)
    assert {c.bidder.code for c in evaluation.cells_for(rep, procurement)} == {"Bidder B"}
    made = events("declaration.made")
    assert len(made) == 2 and {e.actor_id for e in made} == {lead.id}
    assert '"source": "paper"' in made[0].after_json
    page = text(lead_client.get(entry_url(procurement, rep)))
    assert "Pat Patel declared a conflict with Bidder A, so it is left out below." in page


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"a": "no"}, "Say whether Pat Patel has a conflict with Bidder B."),
        ({"a": "yes", "b": "no"}, "Write what Pat Patel said about the conflict with Bidder A."),
    ],
)
def test_paper_conflict_answers_are_refused_when_incomplete(lead_client, procurement, rep, answers, message):
    a, b = procurement.bidders
    data = {f"bidder-{(a if k == 'a' else b).id}": v for k, v in answers.items()}
    response = lead_client.post(declarations_url(procurement, rep), data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert evaluation.declarations_for(rep, procurement) == {}


def test_a_declared_conflict_cannot_be_undone_from_paper(lead_client, procurement, rep):
    a, b = procurement.bidders
    evaluation.declare_conflicts(rep, procurement, {a.id: (True, "Neighbour"), b.id: (False, "")})
    response = lead_client.post(
        declarations_url(procurement, rep), data={f"bidder-{a.id}": "no", f"bidder-{b.id}": "no"}
    )
    assert response.status_code == 400
    assert (
        "Pat Patel has declared a conflict with Bidder A. Withdraw it from the conflicts page, with a reason."
    ) in text(response)
    assert evaluation.declarations_for(rep, procurement)[a.id].has_conflict


def test_paper_entry_reports_every_problem_on_the_sheet_at_once(app, lead_client, procurement, declared, rep):
    app.config["RATIONALE_MAX_CHARS"] = 20
    sheet = {
        ("Bidder A", "Q1"): ("three", "Good."),
        ("Bidder A", "Q2"): (9, "Vague."),
        ("Bidder B", "Q1"): (2, "A reason far longer than twenty characters."),
        ("Bidder B", "Q2"): (1, ""),
    }
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, sheet, submit=True))
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Bidder A, Q1: enter the score as a whole number from 0 to 4.",
        "Bidder A, Q2: score 9 is outside the scale. Choose from 0 to 4.",
        "Bidder B, Q1: the reason must be 20 characters or fewer. It is 43.",
        "To submit for Pat Patel, every bid needs a score and a reason. Still to do: Bidder B, Q2.",
    ):
        assert message in page, message
        assert page.count(message) == 2  # in the error summary, and beside its field
    assert db.session.scalar(db.select(Score)) is None


def test_saving_before_the_conflict_answers_are_entered_is_refused(lead_client, procurement, rep):
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, ALL))
    assert response.status_code == 400
    page = text(response)
    assert (
        "Enter Pat Patel's conflict of interest answers from the first page of their sheets before their scores."
    ) in page
    assert 'href="#declarations"' in page and 'id="declarations"' in page
    assert "paper scores are saved" not in page
    assert db.session.scalar(db.select(Score)) is None


def test_saving_an_unchanged_sheet_says_nothing_was_saved(lead_client, procurement, declared, rep):
    response = lead_client.post(entry_url(procurement, rep), data=form_for(procurement, rep, {}))
    page = text(lead_client.get(response.headers["Location"]))
    assert "Nothing was saved for Pat Patel: no score or reason on the form was new or changed." in page
    assert "0 paper scores" not in page
