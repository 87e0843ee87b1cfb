"""Finalising stores what the patient voice review needs, so the review runs no engine."""

from __future__ import annotations

import json

from scoring.extensions import db


def test_final_result_stores_the_decisive_intervals_and_the_review_counts(finalised):
    # Q1 (60%, both) and Q2 (40%, patients only) are both patient sections: the others weigh
    # nothing, so α moves nothing and the answer holds on all of [0, 1].
    # With every score A wins (72.5 to 52.5). Without patients Q2 is dropped and Q1 is the
    # panel's alone: A (1 + 2)/2 = 1.5, B 3: B wins. So W ≠ C everywhere: [[0, 1]].
    db.session.refresh(finalised)
    stored = json.loads(finalised.final_result_json)
    influence = stored["influence"]
    assert influence["counterfactual_winner"] == "Bidder B" and influence["winner_changed"]
    assert influence["decisive_intervals"] == [[0.0, 1.0]]
    # two reps assigned, both submitted every cell online
    assert stored["view"]["review"] == {
        "bidders": 2,
        "sections": 2,
        "patient_reps_assigned": 2,
        "patient_reps_taking_part": 2,
        "patient_reps_on_paper": 0,
        "patient_reps_submitted_all": 2,
        "submitted_all_share": 1.0,
        "regime": "psr",
        "service_type": "",
    }


def test_a_rep_who_did_not_submit_everything_lowers_the_share(app, lead, rep, rep2, panel):
    from scoring.services import outcome

    from ..helpers import gen_procurement, gen_scores

    p = gen_procurement(lead=lead, evaluators=[rep, rep2, panel])
    gen_scores(p, {rep: 3, panel: 2})
    gen_scores(p, {rep2: 1}, submit=False)  # rep2 drafts but never submits
    review = outcome.compute(p, draws=0).document["view"]["review"]
    assert review["patient_reps_assigned"] == 2 and review["patient_reps_taking_part"] == 1
    assert review["patient_reps_submitted_all"] == 1 and review["submitted_all_share"] == 0.5
