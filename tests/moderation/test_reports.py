"""'You said, we did' for each patient rep, and the assessment summary for each bidder."""
from __future__ import annotations

from scoring.models import Role

from ..helpers import gen_user
from ..helpers import ACCEPT_REASON, accept_the_rest
from .conftest import client_for, post_consensus, text_of

OTHER_EVALUATORS = ("Rowan Reid", "Morgan Panel", "Jo Finch", "rowan.reid@", "morgan.panel@", "jo.finch@")
LEGAL_NAMES = ("Bidder A Legal Name Ltd", "Bidder B Legal Name Ltd")


def main_of(html: str) -> str:
    """The page's main content, without the header that names the signed-in user."""
    return html[html.index("<main"):html.index("</main>")]


def report_urls(p, user):
    return (f"/procurements/{p.id}/reports/{user.id}", f"/procurements/{p.id}/reports/{user.id}/easy-read")


def finalise_with_consensus(app, p, lead):
    post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], 2,
                   "Strong on phones, but the evening clinics were not costed.")
    accept_the_rest(p, lead)
    assert client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise").status_code == 302


def test_rep_reads_what_difference_their_scores_made(app, in_moderation, lead, rep):
    p = in_moderation
    finalise_with_consensus(app, p, lead)
    client = client_for(app, rep)
    full, easy = (text_of(client.get(url).get_data(as_text=True)) for url in report_urls(p, rep))
    # Pat: Q1 A 4, B 2 (mean 3); the others on the same answers: 3, 1, 2, 2, 3, 3 (mean 2.33).
    assert "Q1: Section Q1 Your average 3 Others' average 2.3" in full
    assert "Your scores were a little higher than the other evaluators' scores, on average." in full
    # Q2: Pat 4, 1 (2.5); Rowan 3, 2 (2.5).
    assert "Your scores were about the same as the other evaluators' scores." in full
    assert "You gave 4. The agreed score is 2." in full
    assert "Why the panel agreed it: Strong on phones, but the evening clinics were not costed." in full
    assert "The panel did not change this score in moderation" in full
    # With consensus Q1 A = 2: A = 30 + 35 = 65, B = 52.5. Without patients B wins (75 v 37.5).
    assert "Without the patient scores, Bidder B would have ranked first instead of Bidder A." in full
    assert "Bidder A came first." in easy
    assert "Without patient scores, Bidder B would have come first." in easy
    assert "So patient scores changed who won." in easy
    assert "Section Q1. You gave higher scores than the others." in easy
    assert "Section Q2. You gave about the same scores as the others." in easy
    for page in (full, easy):
        for secret in OTHER_EVALUATORS + LEGAL_NAMES:
            assert secret not in page, secret


def test_lead_reads_each_reps_report_as_the_rep_sees_it(app, finalised, lead, rep, rep2):
    client = client_for(app, lead)
    index = client.get(f"/procurements/{finalised.id}/reports").get_data(as_text=True)
    assert "Pat Patel" in index and "Rowan Reid" in index and "Morgan Panel" not in index
    page = text_of(client.get(report_urls(finalised, rep2)[0]).get_data(as_text=True))
    assert "This is the report Rowan Reid sees." in page
    assert "Pat Patel" not in page and "Bidder A Legal Name Ltd" not in page


def test_reps_read_only_their_own_report_and_only_once_final(app, in_moderation, lead, rep, rep2, panel):
    p = in_moderation
    waiting = client_for(app, rep).get(report_urls(p, rep)[0])
    assert waiting.status_code == 200 and "ready when the lead has finalised" in waiting.get_data(as_text=True)
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
    winner = text_of(main_of(client.get(f"/procurements/{p.id}/assessment-summaries/{p.bidders[0].id}")
                             .get_data(as_text=True)))
    assert "Strong on phones, but the evening clinics were not costed." in winner
    assert "Your bid is the most advantageous tender." in winner
    for document in (page, body, winner):  # Lee Lead decided the consensus: never named either
        for secret in ("Pat Patel", "Rowan Reid", "Morgan Panel", "Jo Finch", "Lee Lead",
                       "because of the evidence", "Patient rep", "Panel member"):
            assert secret not in document, secret


def test_assessment_summaries_are_for_the_lead_once_final(app, in_moderation, lead, rep):
    p = in_moderation
    url = f"/procurements/{p.id}/assessment-summaries/{p.bidders[0].id}"
    assert "ready when the lead has finalised" in client_for(app, lead).get(url).get_data(as_text=True)
    assert client_for(app, lead).get(url + ".txt").status_code == 404
    accept_the_rest(p, lead)
    client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise")
    assert client_for(app, rep).get(url).status_code == 403
    assert client_for(app, rep).get(url + ".txt").status_code == 403
    assert client_for(app, rep).get(f"/procurements/{p.id}/assessment-summaries").status_code == 403
    assert client_for(app, lead).get(f"/procurements/{p.id}/assessment-summaries/9999").status_code == 404
