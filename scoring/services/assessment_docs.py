"""Assessment summaries as Word documents, one per assessed bidder, and a zip of them all.

PA23 section 50(3) requires an assessment summary for each assessed supplier before the contract
award notice; the Procurement Regulations 2024 (regulation 31) say what it holds: for each award
criterion its title, weighting and the scores available, then the supplier's score and the
reasons by reference to its tender, and the same for the most advantageous tender; and the
totals. No side-by-side comparison of other bidders is needed, and evaluators are not named.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from ..law import regime_name
from ..models import Bidder, Procurement
from .award_record import _new_document, _table, result_of
from .results import ResultView, points, score

PRICE_REASON = (
    "Scored by formula from the price: lowest price ÷ this price × the maximum score, "
    "as published in the tender documents."
)
NO_REASON = "No reason was recorded at moderation; the score is the evaluators' combined score."


@dataclass
class CriterionRow:
    code: str
    title: str
    weight: float
    available: str
    score: str
    reason: str
    winner_score: str
    winner_reason: str


def _reason(result: ResultView, entry: dict, label: str) -> str:
    if entry["is_price"]:
        return PRICE_REASON
    agreed = result.view["consensus"].get(label, {}).get(entry["label"])
    return agreed["rationale"] if agreed and agreed.get("rationale") else NO_REASON


def rows_for(result: ResultView, bidder: Bidder) -> list[CriterionRow]:
    mine = next(b for b in result.bidders if b.bidder.id == bidder.id)
    winner = result.winner
    out = []
    for entry in result.view["sections"]:
        out.append(
            CriterionRow(
                code=entry["code"],
                title=entry["title"],
                weight=entry["weight"],
                available=f"0 to {entry['max_score']:g}",
                score=score(mine.moderated.get(entry["label"])),
                reason=_reason(result, entry, mine.label),
                winner_score=score(winner.moderated.get(entry["label"])) if winner else "",
                winner_reason=_reason(result, entry, winner.label) if winner else "",
            )
        )
    return out


def build(procurement: Procurement, bidder: Bidder, result: ResultView | None = None):
    result = result or result_of(procurement)
    mine = next(b for b in result.bidders if b.bidder.id == bidder.id)
    winner = result.winner
    is_winner = winner is not None and winner.bidder.id == bidder.id
    doc = _new_document(
        f"Assessment summary: {procurement.title}",
        f"Reference {procurement.reference}. {regime_name(procurement.regime)}. For {bidder.name}.",
    )
    doc.add_paragraph(
        "This summary is sent under section 50(3) of the Procurement Act 2023 and "
        "regulation 31 of the Procurement Regulations 2024. It gives your tender's score "
        "for each award criterion, with the reasons, and the same for the most "
        "advantageous tender."
    )
    if is_winner:
        doc.add_paragraph("Your tender is the most advantageous tender.")
    elif winner is not None:
        doc.add_paragraph(f"The most advantageous tender was submitted by {winner.bidder.name}.")
    doc.add_heading("The award criteria", level=1)
    rows = rows_for(result, bidder)
    _table(
        doc,
        ["Criterion", "Weighting", "Scores available"],
        [[f"{r.code}: {r.title}", f"{r.weight:g}%", r.available] for r in rows],
    )
    doc.add_heading("Your tender", level=1)
    for r in rows:
        doc.add_heading(f"{r.code}: {r.title} ({r.weight:g}%)", level=2)
        doc.add_paragraph(f"Your score: {r.score} (scores available {r.available}).")
        doc.add_paragraph(f"Reasons, by reference to your tender: {r.reason}")
        if winner is not None and not is_winner:
            doc.add_paragraph(f"The most advantageous tender's score: {r.winner_score}.")
            doc.add_paragraph(f"Reasons, by reference to that tender: {r.winner_reason}")
    doc.add_heading("Totals", level=1)
    doc.add_paragraph(f"Your total: {points(mine.total)} out of 100 (ranked {mine.rank} of {len(result.bidders)}).")
    if mine.failing:
        doc.add_paragraph("Your tender did not reach the minimum score in " + ", ".join(mine.failing_sections) + ".")
    if winner is not None and not is_winner:
        doc.add_paragraph(f"The most advantageous tender's total: {points(winner.total)} out of 100.")
    return doc


def filename(procurement: Procurement, bidder: Bidder) -> str:
    return f"assessment-summary-{procurement.reference}-{bidder.code}.docx".replace(" ", "-")


def docx_bytes(procurement: Procurement, bidder: Bidder, result: ResultView | None = None) -> bytes:
    buffer = BytesIO()
    build(procurement, bidder, result).save(buffer)
    return buffer.getvalue()


def all_documents(procurement: Procurement) -> dict[str, bytes]:
    """file name -> .docx bytes, one per assessed bidder."""
    result = result_of(procurement)
    return {filename(procurement, b.bidder): docx_bytes(procurement, b.bidder, result) for b in result.bidders}


def zip_bytes(procurement: Procurement) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in all_documents(procurement).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_all(procurement: Procurement, outdir: Path) -> list[Path]:
    """Each bidder's .docx and the zip of them all into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    documents = all_documents(procurement)
    for name, data in documents.items():
        (outdir / name).write_bytes(data)
        written.append(outdir / name)
    archive = outdir / f"assessment-summaries-{procurement.reference}.zip".replace(" ", "-")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in documents.items():
            z.writestr(name, data)
    written.append(archive)
    return written
