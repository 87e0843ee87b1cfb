"""'You said, we did' for each patient rep, and the assessment summary for each bidder."""

from __future__ import annotations

from scoring.models import Role

from ..helpers import ACCEPT_REASON, accept_the_rest, gen_user
from .conftest import client_for, post_consensus, text_of

OTHER_EVALUATORS = ("Rowan Reid", "Morgan Panel", "Jo Finch", "rowan.reid@", "morgan.panel@", "jo.finch@")
LEGAL_NAMES = ("Bidder A Legal Name Ltd", "Bidder B Legal Name Ltd")


def main_of(html: str) -> str:
    """The page's main content, without the header that names the signed-in user."""
    return html[html.index("<main") : html.index("</main>")]


def report_urls(p, user):
    return (f"/procurements/{p.id}/reports/{user.id}", f"/procurements/{p.id}/reports/{user.id}/easy-read")


def finalise_with_consensus(app, p, lead):
    post_consensus(
        client_for(app, lead),
        p,
        p.sections[0],
        p.bidders[0],
        2,
        "Strong on phones, but the evening clinics were not costed.",
    )
    accept_the_rest(p, lead)
    accept_the_rest(p, lead)
    assert client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise").status_code == 302


def test_rep_reads_what_they_said_and_what_the_panel_did_with_it(app, in_moderation, lead, rep):
    p = in_moderation
    finalise_with_consensus(app, p, lead)
    client = client_for(app, rep)
    full = text_of(main_of(client.get(report_urls(p, rep)[0]).get_data(as_text=True)))
    # Pat: Q1 A 4, B 2; Q2 A 4, B 1. Agreed: Q1 A 2 (consensus), Q1 B 2.5, Q2 A 3.5, Q2 B 1.5 (averages).
    assert ("For 3 of your 4 scores, the final score was the same as yours, or within half a point of it.") in full
    assert "Bidder B, Q1 Section Q1: you gave 2, the final score was 2.5." in full
    assert "Bidder A, Q2 Section Q2: you gave 4, the final score was 3.5." in full
    # Where it differed: what Pat said, what the panel agreed, and the panel's reason.
    assert (
        "Where the final score was different from yours Bidder A, Q1 Section Q1 You gave 4 out of 4. The panel "
        "agreed 2 out of 4. Information: You said: Scored 4 because of the evidence The panel's reason: "
        "Strong on phones, but the evening clinics were not costed."
    ) in full
    assert "The panel did not change this score in moderation" not in full
    assert "The panel did not discuss this answer" not in full  # only said where a score differed
    # With consensus Q1 A = 2: A = 30 + 35 = 65, B = 52.5. Without patients B wins (75 v 37.5).
    assert "The result Bidder A won." in full
    assert "Without patient scores, Bidder B would have won. With them, Bidder A won." in full
    assert "What happens next The procurement lead now tells each bidder the result" in full
    assert "at least 8 working days" in full
    assert "contact Lee Lead, who leads the procurement, at lee.lead@example.org." in full
    for secret in OTHER_EVALUATORS + LEGAL_NAMES:
        assert secret not in full, secret


def test_an_undiscussed_score_that_differed_is_explained_once(app, finalised, rep):
    full = text_of(main_of(client_for(app, rep).get(report_urls(finalised, rep)[0]).get_data(as_text=True)))
    # No consensus at all: Q1 A is the average 2.5 of 4, 3, 1, 2; Pat gave 4, so it differed.
    assert "Bidder A, Q1 Section Q1 You gave 4 out of 4. The final score was 2.5 out of 4." in full
    assert (
        full.count(
            "The panel did not discuss this answer, so its score is the average of all the "
            "evaluators' scores, yours included."
        )
        == 1
    )
    easy = text_of(main_of(client_for(app, rep).get(report_urls(finalised, rep)[1]).get_data(as_text=True)))
    assert (
        "Bidder A, question Q1: Section Q1. You gave 4 out of 4. The final score was between 2 and 3 out of 4. "
        "The panel did not talk about this answer. So its score is the average of everyone's scores."
    ) in easy


def test_report_when_the_patient_scores_did_not_change_who_won(app, lead, rep, panel):
    from scoring.services.finalise import finalise

    from ..helpers import gen_procurement, gen_scores, to_moderation

    p = gen_procurement(lead=lead, reference="GP-SAME-01", evaluators=[rep, panel])
    gen_scores(
        p,
        {
            rep: {("Bidder A", "Q1"): 4, ("Bidder B", "Q1"): 1, ("Bidder A", "Q2"): 4, ("Bidder B", "Q2"): 1},
            panel: {("Bidder A", "Q1"): 4, ("Bidder B", "Q1"): 2},
        },
    )
    to_moderation(p, lead)
    accept_the_rest(p, lead)
    finalise(p, actor=lead)
    client = client_for(app, rep)
    full, easy = (text_of(main_of(client.get(url).get_data(as_text=True))) for url in report_urls(p, rep))
    assert "Without patient scores, the result would have been the same: Bidder A won." in full
    assert "The patient scores changed how many marks each bidder got, but not the order." in full
    assert "None: every final score was the same as yours, or close to it." in full
    assert "Without patient scores, Bidder A would still have won. So patient scores did not change who won." in easy
    assert "For all your scores, the final score was about the same as yours." in easy


def test_outcome_sentences_name_one_bidder_each_and_cover_ties_and_changed_order():
    from scoring.moderation.rep_report import Outcome

    def outcome(**changes):
        base = dict(
            winners=["Bidder C"],
            without=["Bidder C"],
            patient_questions=2,
            questions=5,
            share=0.4,
            changed_winner=False,
            moved=[],
            failing=[],
        )
        return Outcome(**{**base, **changes}).sentences()

    assert outcome() == [
        "Bidder C won.",
        "Patient representatives helped score 2 of the 5 questions, worth 40% of the marks.",
        "Without patient scores, the result would have been the same: Bidder C won.",
        "The patient scores changed how many marks each bidder got, but not the order.",
    ]
    moved = outcome(moved=[("Bidder B", 2, 3), ("Bidder A", 3, 2)])
    assert moved[-3:] == [
        "But the patient scores changed the order of the other bidders.",
        "Without them, Bidder B would have come 2nd instead of 3rd.",
        "Without them, Bidder A would have come 3rd instead of 2nd.",
    ]
    changed = outcome(without=["Bidder A"], changed_winner=True)
    assert changed[-1] == "Without patient scores, Bidder A would have won. With them, Bidder C won."
    level = outcome(without=["Bidder A", "Bidder B"], changed_winner=True)
    assert level[-1] == (
        "Without patient scores, Bidder A and Bidder B would have been level in first place. With them, Bidder C won."
    )
    tied = outcome(winners=["Bidder A", "Bidder C"], without=["Bidder A"], changed_winner=True)
    assert tied[0] == "Bidder A and Bidder C came joint first. The rule set out in the tender decides between them."
    assert outcome(without=[], patient_questions=5)[-1] == (
        "Patient representatives scored every question, so the result rests on their scores."
    )
    failing = outcome(failing=[("Bidder D", ["Q2"])])
    assert failing[1] == "Bidder D did not reach the minimum score for Q2, so it could not win."


def test_lead_reads_each_reps_report_as_the_rep_sees_it(app, finalised, lead, rep, rep2):
    client = client_for(app, lead)
    index = client.get(f"/procurements/{finalised.id}/reports").get_data(as_text=True)
    assert "Pat Patel" in index and "Rowan Reid" in index and "Morgan Panel" not in index
    assert "easy read PDF to print" in index
    page = text_of(client.get(report_urls(finalised, rep2)[0]).get_data(as_text=True))
    assert "This is the report Rowan Reid sees." in page
    assert "Pat Patel" not in page and "Bidder A Legal Name Ltd" not in page


def test_reps_read_only_their_own_report_and_only_once_final(app, in_moderation, lead, rep, rep2, panel):
    p = in_moderation
    waiting = client_for(app, rep).get(report_urls(p, rep)[0])
    assert waiting.status_code == 200 and "ready when the lead has finalised" in waiting.get_data(as_text=True)
    accept_the_rest(p, lead)
    accept_the_rest(p, lead)
    client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise")
    assert client_for(app, rep).get(report_urls(p, rep2)[0]).status_code == 403
    assert client_for(app, rep).get(report_urls(p, rep2)[1]).status_code == 403
    assert client_for(app, panel).get(report_urls(p, rep)[0]).status_code == 403
    assert client_for(app, lead).get(report_urls(p, panel)[0]).status_code == 404  # not a patient rep
    outsider = gen_user(Role.PATIENT, "Outsider Rep")
    assert client_for(app, outsider).get(report_urls(p, outsider)[0]).status_code == 403
    mine = client_for(app, rep).get("/my-moderation").get_data(as_text=True)
    assert "Your report: what difference your scores made" in mine


def test_assessment_summary_gives_scores_reasons_total_and_rank_but_no_evaluator(app, in_moderation, lead):
    p = in_moderation
    finalise_with_consensus(app, p, lead)
    client = client_for(app, lead)
    client.get(f"/procurements/{p.id}/assessment-summaries")  # shows (and so clears) "signed in as Lee Lead"
    b = p.bidders[1]
    html = client.get(f"/procurements/{p.id}/assessment-summaries/{b.id}").get_data(as_text=True)
    page = text_of(main_of(html))
    assert "Assessment summary: Bidder B Legal Name Ltd" in page
    # B: Q1 2.5 (no consensus, the lead accepted it with a reason), Q2 1.5. Winner A: Q1 2 (consensus),
    # Q2 3.5; totals 52.5 v 65. The bidder is owed the recorded reason, never a sentence about averages.
    assert ("Q1: Section Q1 (60%) Your score 2.5 of 4 Winning bid's score 2 of 4 Reason " + ACCEPT_REASON) in page
    assert "average" not in page and "did not change this score" not in page
    assert "Q2: Section Q2 (40%) Your score 1.5 of 4 Winning bid's score 3.5 of 4" in page
    assert "Your total: 52.5 out of 100. You ranked 2 of 2." in page
    assert "The most advantageous tender, from Bidder A Legal Name Ltd, scored 65.0 out of 100." in page
    text = client.get(f"/procurements/{p.id}/assessment-summaries/{b.id}.txt")
    assert text.mimetype == "text/plain" and "attachment" in text.headers["Content-Disposition"]
    body = text.get_data(as_text=True)
    assert "Your score: 2.5 out of 4" in body and "Your total: 52.5 out of 100. You ranked 2 of 2." in body
    winner = text_of(
        main_of(client.get(f"/procurements/{p.id}/assessment-summaries/{p.bidders[0].id}").get_data(as_text=True))
    )
    assert "Strong on phones, but the evening clinics were not costed." in winner
    assert "Your bid is the most advantageous tender." in winner
    for document in (page, body, winner):  # Lee Lead decided the consensus: never named either
        for secret in (
            "Pat Patel",
            "Rowan Reid",
            "Morgan Panel",
            "Jo Finch",
            "Lee Lead",
            "because of the evidence",
            "Patient rep",
            "Panel member",
        ):
            assert secret not in document, secret


def test_assessment_summaries_are_for_the_lead_once_final(app, in_moderation, lead, rep):
    p = in_moderation
    url = f"/procurements/{p.id}/assessment-summaries/{p.bidders[0].id}"
    assert "ready when the lead has finalised" in client_for(app, lead).get(url).get_data(as_text=True)
    assert client_for(app, lead).get(url + ".txt").status_code == 404
    accept_the_rest(p, lead)
    accept_the_rest(p, lead)
    client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise")
    assert client_for(app, rep).get(url).status_code == 403
    assert client_for(app, rep).get(url + ".txt").status_code == 403
    assert client_for(app, rep).get(f"/procurements/{p.id}/assessment-summaries").status_code == 403
    assert client_for(app, lead).get(f"/procurements/{p.id}/assessment-summaries/9999").status_code == 404
