"""Who may download the workbook and the CSV, what codes-only leaves out, and the command."""

from __future__ import annotations

import zipfile
from io import BytesIO

from flask import g
from openpyxl import load_workbook

from scoring.models import Role
from scoring.services.demo import DEMO_PASSWORD
from scoring.services.export import SHEETS

from ..helpers import gen_user, sign_in

DOWNLOADS = ["export.xlsx", "scores.csv"]
LEGAL_NAMES = ["Riverside Health Partnership LLP", "Meadow Primary Care Ltd", "Northgate Community Interest Company"]


def all_text(xlsx: bytes) -> str:
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


# One demo procurement per test (seeding it is the slow part), each case in a loop.


def test_signed_out_visitors_are_sent_to_sign_in(client, demo):
    for download in DOWNLOADS:
        response = client.get(f"/procurements/{demo.id}/{download}")
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_unknown_procurement_is_not_found(lead_client, demo):
    for download in DOWNLOADS:
        assert lead_client.get(f"/procurements/{demo.id + 999}/{download}").status_code == 404


def test_only_the_lead_and_administrators_may_download(app, demo):
    expected = {
        "rep@example.org": 403,
        "panel@example.org": 403,
        "lead2@example.org": 403,
        "admin@example.org": 200,
        "lead@example.org": 200,
    }
    for email, status in expected.items():
        g.pop("_login_user", None)  # requests share the test's app context, so Flask-Login's cache
        client = app.test_client()
        assert sign_in(client, email, DEMO_PASSWORD).status_code == 302, email
        for download in DOWNLOADS:
            assert client.get(f"/procurements/{demo.id}/{download}").status_code == status, (email, download)


def test_workbook_has_every_sheet_frozen_headers_tables_and_charts(lead_client, demo):
    response = lead_client.get(f"/procurements/{demo.id}/export.xlsx")
    wb = load_workbook(BytesIO(response.data))
    assert wb.sheetnames == list(SHEETS)
    assert wb["Scores"].freeze_panes == "A2"
    assert wb["Scores"].tables["ScoresTable"].ref == f"A1:I{wb['Scores'].max_row}"
    assert wb["Moderated"].tables["ModeratedScores"]
    assert {"WeightPercents", "MaxScores", "PassMarks"} <= set(wb.defined_names)
    with zipfile.ZipFile(BytesIO(response.data)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        moderated_xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert len(charts) == 3  # totals, the patient-weight sweep, win chances
    assert "SUMPRODUCT" in moderated_xml
    text = all_text(response.data)
    assert all(name in text for name in LEGAL_NAMES)


def test_codes_only_leaves_every_legal_name_out(lead_client, demo):
    response = lead_client.get(f"/procurements/{demo.id}/export.xlsx?codes_only=1")
    assert response.status_code == 200
    assert "codes-only" in response.headers["Content-Disposition"]
    text = all_text(response.data)
    assert "Bidder A" in text
    assert not any(name in text for name in LEGAL_NAMES)
    csv_text = lead_client.get(f"/procurements/{demo.id}/scores.csv?codes_only=1").get_data(as_text=True)
    assert not any(name in csv_text for name in LEGAL_NAMES)


def test_a_procurement_being_set_up_has_no_workbook_yet(client, app):
    from ..helpers import gen_procurement

    lead = gen_user(Role.LEAD, "Lena Lead")
    procurement = gen_procurement(lead=lead, open_scoring=False)
    sign_in(client, lead)
    response = client.get(f"/procurements/{procurement.id}/export.xlsx")
    assert response.status_code == 409
    assert "being set up" in response.get_data(as_text=True)


def test_export_command_writes_the_workbook(app, demo, tmp_path):
    out = tmp_path / "cli.xlsx"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "GP-2027-01", str(out), "--codes-only"])
    assert result.exit_code == 0, result.output
    assert "bidder codes only" in result.output
    assert load_workbook(out, read_only=True).sheetnames == list(SHEETS)
    assert not any(name in all_text(out.read_bytes()) for name in LEGAL_NAMES)
    missing = runner.invoke(args=["export", "NO-SUCH-REF", str(tmp_path / "x.xlsx")])
    assert missing.exit_code != 0
    assert "no procurement with the reference NO-SUCH-REF" in missing.output


def test_a_result_the_engine_cannot_work_out_is_explained(lead_client, demo):
    from scoring.extensions import db

    demo.sections[0].weight = 5.0  # the weights no longer add up to 100
    db.session.commit()
    response = lead_client.get(f"/procurements/{demo.id}/export.xlsx")
    assert response.status_code == 409
    assert "sum to 100" in response.get_data(as_text=True)
