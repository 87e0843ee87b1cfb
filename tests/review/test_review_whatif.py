"""The what-if page of a procurement in set-up shows the review's evidence beside the patient share."""

from __future__ import annotations

import html
from pathlib import Path

from ..helpers import gen_procurement, sign_in


def test_whatif_in_setup_shows_how_often_patient_scores_decided(app, finalised, lead):
    # the finalised fixture is decisive on all of [0, 1], so at 50% it is 1 of 1
    p = gen_procurement(
        lead=lead, reference="GP-NEW-01", sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")], open_scoring=False
    )
    client = app.test_client()
    sign_in(client, lead)
    page = html.unescape(client.get(f"/procurements/{p.id}/what-if").get_data(as_text=True))
    assert (
        "In the one procurement finalised in the patient voice review, patient scores at this "
        "weight share (50%) would have decided the winner."
    ) in page
    assert "This is evidence from past procurements, not advice" in page
    assert "GP-TEST-01" not in page  # aggregates only


def test_no_evidence_once_scoring_is_open(app, finalised, lead, rep, panel):
    p = gen_procurement(
        lead=lead, reference="GP-NEW-02", sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")], evaluators=[rep, panel]
    )
    client = app.test_client()
    sign_in(client, lead)
    assert "finalised in the patient voice review" not in client.get(f"/procurements/{p.id}/what-if").get_data(
        as_text=True
    )


def past_final(lead, reference, intervals):
    """A finalised procurement with only a stored result (as the bench makes them): its intervals."""
    import json
    from datetime import datetime

    from scoring.extensions import db
    from scoring.models import Procurement, Status

    doc = {
        "winner": "Bidder A",
        "bidders": [],
        "sections": [],
        "influence": {
            "patient_weight_share": 0.4,
            "decisive_intervals": intervals,
            "margin": 1.0,
            "shapley": {"patient": 0.5},
        },
        "view": {"final": True},
    }
    db.session.add(
        Procurement(
            reference=reference,
            title=f"Past {reference}",
            lead_id=lead.id,
            status=Status.FINAL.value,
            final_result_json=json.dumps(doc),
            finalised_at=datetime(2025, 6, 1),
        )
    )
    db.session.commit()


def test_the_sentence_and_the_marked_share_follow_the_slider(app, finalised, lead):
    # GP-TEST-01 is decisive on [0, 1]; PAST-01 only on [0.3, 0.6]:
    # at 50% both (2 of 2), at 20% only GP-TEST-01 (1 of 2). D: 1/2 below 30%, 1 on [30%, 60%], 1/2 after.
    past_final(lead, "PAST-01", [[0.3, 0.6]])
    p = gen_procurement(
        lead=lead, reference="GP-NEW-03", sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")], open_scoring=False
    )
    client = app.test_client()
    sign_in(client, lead)
    page = html.unescape(client.get(f"/procurements/{p.id}/what-if").get_data(as_text=True))
    assert (
        "In 2 of the 2 procurements finalised in the patient voice review, patient scores at this weight share (50%)"
        in page
    )
    # the curve, drawn on the server: x = 84 + 380 α, y = 236 - 220 D
    assert 'class="app-svg__curve" d="M84.0 126.0H198.0V16.0H312.0V126.0H464.0"' in page
    # this procurement's share (50%) marked on it
    assert '<g class="app-svg__today" id="evidence-rate-today"><line x1="274.0" x2="274.0"' in page
    assert "This procurement: 50%" in page and "not advice" in page
    # the slider's JSON carries the new sentence as data, with no picture
    data = client.post(
        f"/procurements/{p.id}/what-if.json", json={"weights": {"Q1": 50, "Q2": 50}, "share": 20}
    ).get_json()
    assert data["evidence"] == {
        "decisive": 1,
        "total": 2,
        "share": 0.2,
        "sentence": (
            "In 1 of the 2 procurements finalised in the patient voice review, patient scores at this "
            "weight share (20%) would have decided the winner."
        ),
    }
    assert "<svg" not in str(data)
    # the JavaScript reads these ids and the plot's ends (static/js/whatif.js, showEvidence)
    script = (Path(app.static_folder) / "js" / "whatif.js").read_text()
    for name in ("review-evidence-sentence", "evidence-rate-today", "plotLeft", "plotRight", "evidence.sentence"):
        assert name in script
    assert 'data-plot-left="84" data-plot-right="464"' in page
