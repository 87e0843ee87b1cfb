"""Codes-only exports hold no legal name in any form: cells, audit JSON, titles, properties, CSV.

The bidders' names are written with accents, curly apostrophes and suffixes,
and typed differently into the texts (title, section titles, reasons, consensus,
conflict details, audit reasons). Every XML part of the workbook is searched
after undoing XML entities and JSON ``\\u`` escapes and normalising, so an
escaped ``Caf\\u00e9 M\\u00e9decins`` is caught too.
"""

from __future__ import annotations

import codecs
import html
import re
import zipfile
from io import BytesIO

import pytest

from scoring.extensions import db
from scoring.models import Role
from scoring.redaction import normalise
from scoring.services import evaluation, moderation, setup

from ..helpers import gen_user, sign_in

NAMES = ["Café Médecins Ltd", "St John’s Care LLP"]
TYPED = "CAFE MEDECINS limited and café  médecins\nLtd and St John's Care and ST JOHNS CARE L.L.P."
FORBIDDEN = re.compile(r"medecins|st johns care|st john s care")


def found_names(text: str) -> list[str]:
    text = html.unescape(text)
    text = re.sub(r"\\u[0-9a-fA-F]{4}", lambda m: codecs.decode(m.group(0), "unicode_escape"), text)
    return sorted(set(FORBIDDEN.findall(normalise(text).replace("'", ""))))


def every_part(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())


@pytest.fixture
def named(app):
    lead = gen_user(Role.LEAD, "Lee Lead")
    rep, panel = gen_user(Role.PATIENT, "Pat Patel"), gen_user(Role.PANEL, "Morgan Panel")
    p = setup.create_procurement(reference="GP-NAMES", title=f"Replacing {NAMES[0]}", lead=lead, actor=lead)
    q1 = setup.add_section(
        p,
        code="Q1",
        title=f"Working with {NAMES[1]}",
        weight=100,
        scored_by="both",
        key_criterion="quality",
        question=TYPED,
        actor=lead,
    )
    for code, name in zip(("Bidder A", "Bidder B"), NAMES):
        setup.add_bidder(p, code=code, name=name, actor=lead)
    for user in (rep, panel):
        setup.assign_evaluator(q1, user, actor=lead)
    setup.open_scoring(p, actor=lead)
    db.session.commit()
    for user in (rep, panel):
        evaluation.declare_conflicts(user, p, {b.id: (False, TYPED) for b in p.bidders})
        for cell in evaluation.cells_for(user, p):
            evaluation.save_score(
                evaluator=user,
                procurement=p,
                bidder=cell.bidder,
                section=cell.section,
                value=3,
                rationale=TYPED,
                expected_version=0,
            )
        evaluation.submit_scores(user, p)
    setup.close_scoring(p, actor=lead, reason=TYPED)
    for b in p.bidders:
        moderation.record_consensus(
            actor=lead, procurement=p, bidder=b, section=q1, value=3, rationale=TYPED, expected_version=0
        )
    db.session.commit()
    return p, lead


def test_the_codes_only_workbook_and_csv_name_no_bidder(app, client, named):
    p, lead = named
    sign_in(client, lead)
    full = every_part(client.get(f"/procurements/{p.id}/export.xlsx").data)
    assert found_names(full)  # the check can see the names where they are allowed
    response = client.get(f"/procurements/{p.id}/export.xlsx?codes_only=1")
    assert response.status_code == 200
    text = every_part(response.data)
    assert found_names(text) == []
    assert "Bidder A" in text and "Replacing Bidder A" in text  # the title, redacted, not dropped
    csv_text = client.get(f"/procurements/{p.id}/scores.csv?codes_only=1").get_data(as_text=True)
    assert found_names(csv_text) == []
    assert "Bidder A limited" not in csv_text and "Bidder A and Bidder A" in csv_text


def test_the_codes_only_command_names_no_bidder(app, named, tmp_path):
    out = tmp_path / "codes.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "GP-NAMES", str(out), "--codes-only"])
    assert result.exit_code == 0, result.output
    assert found_names(every_part(out.read_bytes())) == []
