"""One figure reads the same wherever a person meets it: the results page (table and
sentences), the what-if page, the Excel workbook and the reports. Both procurements here are
built so that Python's own rounding would give two readings of the same figure."""

from __future__ import annotations

import io
import re

import openpyxl

from scoring.models import Role
from scoring.services.finalise import finalise

from ..helpers import accept_the_rest, gen_procurement, gen_scores, gen_user, to_moderation
from .conftest import client_for, text_of


def workbook_text(client, procurement) -> str:
    response = client.get(f"/procurements/{procurement.id}/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return " ".join(
        str(cell) for ws in book for row in ws.iter_rows(values_only=True) for cell in row if isinstance(cell, str)
    )


def test_a_share_of_12_5_and_a_total_of_56_25_read_the_same_everywhere(app, lead, rep, panel):
    # Q1 (87.5%) panel only, Q2 (12.5%) patient only. Bidder A: Q1 2 of 4, Q2 4 of 4:
    # 87.5 x 2/4 + 12.5 = 56.25. Bidder B: Q1 2, Q2 2: 50. format(56.25, ".1f") is "56.2" and
    # round(12.5) is 12; people (and Excel) read 56.3 and 13.
    p = gen_procurement(lead=lead, evaluators=[rep, panel], sections=[("Q1", 87.5, "panel"), ("Q2", 12.5, "patient")])
    gen_scores(
        p, {panel: {("Bidder A", "Q1"): 2, ("Bidder B", "Q1"): 2}, rep: {("Bidder A", "Q2"): 4, ("Bidder B", "Q2"): 2}}
    )
    to_moderation(p, lead)
    accept_the_rest(p, lead)
    finalise(p, actor=lead)
    client = client_for(app, lead)

    results = text_of(client.get(f"/procurements/{p.id}/results").get_data(as_text=True))
    assert "Bidder A (Bidder A Legal Name Ltd) 56.3 Winner" in results  # the ranking table
    assert "first with 56.3 points" in results  # the sentence "In short"
    assert "worth 12.5% of the marks" in results
    whatif = text_of(client.get(f"/procurements/{p.id}/what-if").get_data(as_text=True))
    assert "with 56.3 points" in whatif and "worth 12.5% of the marks" in whatif
    workbook = workbook_text(client, p)
    assert "12.5% of the weight is in sections patient representatives scored" in workbook
    easy = text_of(client_for(app, rep).get(f"/procurements/{p.id}/reports/{rep.id}/easy-read").get_data(as_text=True))
    assert "1 out of every 8 marks" in easy  # easy read: a share in words (scoring/moderation/easy_read.py)
    for page in (results, whatif, workbook, easy):
        assert not re.search(r"(?<![\d.])(56\.2|12%|12 out of)(?!\d)", page), page


def test_the_parts_of_the_winners_lead_add_up_to_the_lead(app, lead, panel):
    # Q1 (60%) scored by both groups, Q2 (40%) by the patient rep. Bidder A scored 0 throughout;
    # Bidder B: Q1 rep 0, panel 1; Q2 rep 1. B leads by 17.5 points, split 1.25 (patient scores)
    # and 16.25 (panel): each rounded alone, 1.2 + 16.2 (or 1.3 + 16.3) is not 17.5.
    rep = gen_user(Role.PATIENT, "Ria Rep")
    p = gen_procurement(lead=lead, evaluators=[rep, panel], sections=[("Q1", 60, "both"), ("Q2", 40, "patient")])
    gen_scores(
        p,
        {
            rep: {("Bidder A", "Q1"): 0, ("Bidder B", "Q1"): 0, ("Bidder A", "Q2"): 0, ("Bidder B", "Q2"): 1},
            panel: {("Bidder A", "Q1"): 0, ("Bidder B", "Q1"): 1},
        },
    )
    to_moderation(p, lead)
    accept_the_rest(p, lead)
    finalise(p, actor=lead)
    client = client_for(app, lead)

    results = text_of(client.get(f"/procurements/{p.id}/results").get_data(as_text=True))
    sentences = re.findall(r"17\.5[- ]point[s]? (?:lead|ahead).{0,200}?(\d+\.\d) points.{0,80}?(\d+\.\d)", results)
    assert sentences, results
    for patient, panel_part in sentences:
        assert (patient, panel_part) == ("1.2", "16.3")
    assert "Patient scores 1.2 points, panel 16.3 points, of a 17.5-point lead" in results  # the figures' list
    workbook = workbook_text(client, p)
    assert "patient 1.25, panel 16.25 (margin 17.50)" in workbook  # two decimals there: exact
