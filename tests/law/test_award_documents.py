"""The award record and the assessment summaries: opened with python-docx, every element the
issue lists found, and converted to PDF by LibreOffice without error."""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

from docx import Document

from scoring.services import assessment_docs, award_record

from ..export.libreoffice import SOFFICE
from ..helpers import sign_in
from .conftest import WEIGHT_REASON, WITHDRAW_REASON, build, consensus_reason


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def to_pdf(paths: list[Path], out_dir: Path) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                SOFFICE,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdfs = [out_dir / (p.stem + ".pdf") for p in paths]
    for pdf in pdfs:
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), pdf
    return pdfs


def test_the_award_record_holds_every_element(decided, lead, rep, panel, people, tmp_path):
    text = text_of(award_record.write(decided))
    a, b, c = decided.bidders
    # the regime and process
    assert "Provider Selection Regime" in text and "Competitive Process (regulation 11" in text
    # the service and the selected provider (A: 45 + 26.25 + 15 = 86.25)
    assert "GP practice (APMS)" in text
    assert (
        f"Selected provider: {a.name} (Bidder A), total 86.2 out of 100" in text
        or f"Selected provider: {a.name} (Bidder A), total 86.3 out of 100" in text
    )
    # the criteria and key criteria, their weights and why
    assert "Q1 | Section Q1 | 45% | 4 | Quality and innovation" in text
    assert "Q2 | Section Q2 | 35% | 4 | Improving access, reducing health inequalities and facilitating choice" in text
    assert "Quality matters most to the patients we asked." in text
    assert "The contract price is set nationally" in text  # value: why it has no section
    assert "Social value | None | 0% | – | No section serves it and no explanation is recorded." in text
    # who decided and who evaluated, with roles and experience
    assert "The ICB's Primary Care Commissioning Committee" in text
    assert "Pat Patel | Patient representative | Chair of the practice's patient group for 6 years" in text
    assert "Morgan Panel | Panel evaluator | GP partner, 20 years" in text
    assert "Rowan Reid | Patient representative | Not recorded yet." in text
    # every conflict and how it was managed
    assert "My sister is a partner at Bidder C" in text and "did not score or moderate it" in text
    assert "I used to work for Bidder B" in text and WITHDRAW_REASON in text
    # the moderation: individual scores and reasons, and every agreed score with its reason
    assert "Pat Patel | Patient representative | 3 | Pat Patel gave 3: see the answer" in text
    assert "Jo Finch | Panel evaluator | 1 | Jo Finch gave 1: see the answer" in text
    for section in decided.sections:
        for bidder in decided.bidders:
            assert consensus_reason(bidder, section) in text
    # the result and ranking
    assert f"1 | Bidder A ({a.name}) | 86." in text
    assert f"2 | Bidder B ({b.name}) | 58.8" in text and f"3 | Bidder C ({c.name}) | 52.5" in text
    # the patient influence, in plain English
    assert "Patient representatives scored 2 of 3 sections" in text
    # the weight change after scoring opened, with its reason
    assert "Q1 from 50% to 45%" in text and WEIGHT_REASON in text
    # the standstill: published Wed 23 Dec 2026, begins Thu 24, ends Fri 8 Jan 2027; the further
    # 5 working days after going ahead on Mon 11 Jan: Tue 12 .. Mon 18 Jan 2027
    assert "published on 23 December 2026" in text
    assert "began on 24 December 2026" in text and "end of 8 January 2027" in text
    assert "Representations were received. On 11 January 2027 the authority decided to go ahead" in text
    assert "to the end of 18 January 2027" in text
    # records kept 3 years from the day after the standstill ends
    assert "kept for 3 years, until 18 January 2030" in text

    out = tmp_path / "award-record.docx"
    out.write_bytes(award_record.write(decided))
    to_pdf([out], tmp_path)


def test_the_award_record_command_and_download(app, decided, lead, tmp_path):
    out = tmp_path / "record.docx"
    result = app.test_cli_runner().invoke(args=["award-record", decided.reference, str(out)])
    assert result.exit_code == 0, result.output
    assert "Award record: Riverside Surgery GP services" in text_of(out.read_bytes())
    client = app.test_client()
    sign_in(client, lead)
    response = client.get(f"/procurements/{decided.id}/award-record.docx")
    assert response.status_code == 200
    assert 'filename="award-record-GP-LAW-01.docx"' in response.headers["Content-Disposition"]
    assert "Regime: Provider Selection Regime" in text_of(response.data)
    results = client.get(f"/procurements/{decided.id}/results").get_data(as_text=True)
    assert f"/procurements/{decided.id}/award-record.docx" in results
    missing = app.test_cli_runner().invoke(args=["award-record", "NOPE-1", str(out)])
    assert missing.exit_code != 0 and "no procurement with the reference NOPE-1" in missing.output


def test_assessment_summaries_per_bidder_and_zipped(app, lead, rep, panel, people, tmp_path):
    p = build(lead, rep, panel, people, regime_code="pa23", reference="CS-PA23-01")
    result = app.test_cli_runner().invoke(args=["assessment-summaries", p.reference, str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    a, b, c = p.bidders
    files = sorted((tmp_path / "out").glob("*.docx"))
    assert [f.name for f in files] == [f"assessment-summary-CS-PA23-01-Bidder-{x}.docx" for x in "ABC"]
    text = text_of(files[1].read_bytes())  # Bidder B's
    assert "Procurement Act 2023" in text and "regulation 31 of the Procurement Regulations 2024" in text
    assert f"For {b.name}" in text and f"submitted by {a.name}" in text
    # each award criterion: title, weighting, scores available
    assert "Q1: Section Q1 | 45% | 0 to 4" in text and "Q3: Section Q3 | 20% | 0 to 4" in text
    # the bidder's score and reasons, and the winning tender's, for each criterion
    assert "Your score: 2 (scores available 0 to 4)." in text  # B on Q1
    assert f"Reasons, by reference to your tender: {consensus_reason(b, p.sections[0])}" in text
    assert "The most advantageous tender's score: 4." in text  # A on Q1
    assert f"Reasons, by reference to that tender: {consensus_reason(a, p.sections[0])}" in text
    # the totals; no evaluator is named
    assert "Your total: 58.8 out of 100 (ranked 2 of 3)." in text
    assert "The most advantageous tender's total: 86." in text
    assert "Pat Patel" not in text and "Jo Finch" not in text
    winner = text_of(files[0].read_bytes())
    assert "Your tender is the most advantageous tender." in winner
    with zipfile.ZipFile(tmp_path / "out" / "assessment-summaries-CS-PA23-01.zip") as archive:
        assert sorted(archive.namelist()) == [f.name for f in files]
    to_pdf(files, tmp_path / "pdf")

    client = app.test_client()
    sign_in(client, lead)
    response = client.get(f"/procurements/{p.id}/assessment-summaries/{c.id}.docx")
    assert response.status_code == 200 and f"For {c.name}" in text_of(response.data)
    response = client.get(f"/procurements/{p.id}/assessment-summaries.zip")
    assert response.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 3
