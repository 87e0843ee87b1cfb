"""The what-if page of a procurement in set-up shows the review's evidence beside the patient share."""
from __future__ import annotations

import html

from ..helpers import gen_procurement, sign_in


def test_whatif_in_setup_shows_how_often_patient_scores_decided(app, finalised, lead):
    # the finalised fixture is decisive on all of [0, 1], so at 50% it is 1 of 1
    p = gen_procurement(lead=lead, reference="GP-NEW-01", sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")],
                        open_scoring=False)
    client = app.test_client()
    sign_in(client, lead)
    page = html.unescape(client.get(f"/procurements/{p.id}/what-if").get_data(as_text=True))
    assert ("In 1 of the 1 procurements finalised in the patient voice review, patient scores at this "
            "weight share (50%) would have decided the winner.") in page
    assert "This is evidence from past procurements, not advice" in page
    assert "GP-TEST-01" not in page   # aggregates only


def test_no_evidence_once_scoring_is_open(app, finalised, lead, rep, panel):
    p = gen_procurement(lead=lead, reference="GP-NEW-02", sections=[("Q1", 50, "panel"), ("Q2", 50, "patient")],
                        evaluators=[rep, panel])
    client = app.test_client()
    sign_in(client, lead)
    assert "finalised in the patient voice review" not in client.get(f"/procurements/{p.id}/what-if").get_data(as_text=True)
