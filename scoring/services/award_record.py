"""The award record: a Word document a lead can put in front of the board and keep for review.

PSR regulation 24 requires a record of the decision-making process, who decided, how the key
criteria were taken into account and the award criteria evaluated, and the conflicts of
interest and how they were managed; PA23 section 98 requires records that explain each material
decision. The Independent Patient Choice and Procurement Panel expects the individual scores and
comments and the consensus reasoning, and each evaluator's relevant experience. The record is
built from the stored result (so it shows exactly what was decided) with python-docx.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy import select

from ..extensions import db
from ..law import PSR, regime_name
from ..law import key_criteria as kc
from ..models import AuditEvent, Procurement, Score, ScoreStatus, Section
from . import regime as law
from .assignments import declared_conflicts, evaluators_of
from .errors import Refused
from .results import ResultView, percent, points, result_document, score, weight_changes

PROCESS = {
    PSR: "The Competitive Process (regulation 11 of the Provider Selection Regime Regulations): "
    "bids were invited and assessed against published award criteria set with the key "
    "criteria of regulation 5 in mind.",
    "pa23": "A competitive tendering procedure (Procurement Act 2023, section 20): tenders were "
    "assessed against the award criteria published in advance (section 23) to find the "
    "most advantageous tender (section 19).",
}
NOT_RECORDED = "Not recorded yet."


# ----------------------------------------------------------------------------- the facts


@dataclass
class Conflict:
    evaluator: str
    role: str
    bidder: str
    details: str
    managed: str


def conflicts(procurement: Procurement) -> list[Conflict]:
    """Every conflict declared, with how it was managed: kept (the evaluator never saw or scored
    that bidder) or withdrawn by the lead, with the reason recorded in the audit log."""
    out = [
        Conflict(
            c.evaluator.name,
            c.evaluator.role.label,
            f"{c.bidder.code} ({c.bidder.name})",
            c.declaration.details or "No details given.",
            "The evaluator was not shown this bidder's bid and did not score or moderate it.",
        )
        for c in declared_conflicts(procurement)
    ]
    withdrawn = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.procurement_id == procurement.id, AuditEvent.action == "declaration.withdrawn")
        .order_by(AuditEvent.id)
    )
    users = {u.email: u for u in evaluators_of(procurement)}
    for event in withdrawn:
        before, after = json.loads(event.before_json or "{}"), json.loads(event.after_json or "{}")
        user = users.get(after.get("evaluator"))
        out.append(
            Conflict(
                user.name if user else after.get("evaluator", ""),
                user.role.label if user else "",
                after.get("bidder", ""),
                before.get("details") or "No details given.",
                f"Withdrawn by {event.actor.name if event.actor else 'the lead'} on "
                f"{event.at:%-d %B %Y}, so the evaluator scored this bidder. "
                f"Reason: {event.reason}",
            )
        )
    return out


def individual_scores(procurement: Procurement) -> dict[tuple[int, int], list[Score]]:
    """(bidder id, section id) -> the submitted scores, each evaluator's own."""
    rows = db.session.scalars(
        select(Score)
        .join(Section, Score.section_id == Section.id)
        .where(
            Section.procurement_id == procurement.id, Score.status == ScoreStatus.SUBMITTED, Score.value.is_not(None)
        )
        .order_by(Score.section_id, Score.bidder_id, Score.evaluator_id)
    )
    cells: dict[tuple[int, int], list[Score]] = {}
    for row in rows:
        cells.setdefault((row.bidder_id, row.section_id), []).append(row)
    return cells


def result_of(procurement: Procurement) -> ResultView:
    if not procurement.is_final:
        raise Refused(f"{procurement.reference} is not final yet. The award record is made from the final result.")
    return ResultView(procurement, result_document(procurement), None)


# ----------------------------------------------------------------------------- docx helpers


def _table(document, head: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text)
    return table


def _new_document(title: str, subtitle: str):
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    document.add_heading(title, level=0)
    para = document.add_paragraph(subtitle)
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return document


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else NOT_RECORDED


# ----------------------------------------------------------------------------- the record


def build(procurement: Procurement) -> DocxDocument:
    result = result_of(procurement)
    notice = law.notice_of(procurement)
    regime = procurement.regime
    sections = {s.id: s for s in procurement.sections}
    winner = result.winner
    doc = _new_document(
        f"Award record: {procurement.title}",
        f"Reference {procurement.reference}. Finalised {_date(procurement.finalised_at)}.",
    )

    doc.add_heading("1. Regime and process", level=1)
    doc.add_paragraph(f"Regime: {regime_name(regime)}.")
    doc.add_paragraph(f"Process: {PROCESS[regime]}")

    doc.add_heading("2. The service and the selected provider", level=1)
    doc.add_paragraph(
        f"Service: {procurement.title}" + (f" ({procurement.service_type})." if procurement.service_type else ".")
    )
    if winner is not None:
        doc.add_paragraph(
            f"Selected provider: {winner.bidder.name} ({winner.bidder.code}), total {points(winner.total)} out of 100."
        )
    else:
        doc.add_paragraph(
            "Selected provider: none. No single bidder passed every minimum score and ranked first; see the ranking."
        )

    doc.add_heading("3. The criteria and their weights", level=1)
    rows = []
    for entry in result.view["sections"]:
        row = [entry["code"], entry["title"], f"{entry['weight']:g}%", f"{entry['max_score']:g}"]
        if regime == PSR:
            row.append(kc.label(entry.get("key_criterion", getattr(sections.get(entry["id"]), "key_criterion", None))))
        rows.append(row)
    doc.add_paragraph("Each award criterion (section), its weight and the highest score available.")
    _table(doc, ["Code", "Criterion", "Weight", "Maximum score"] + (["Key criterion"] if regime == PSR else []), rows)
    doc.add_paragraph(
        f"Why the criteria were weighted so: "
        f"{(notice.weighting_rationale if notice and notice.weighting_rationale else NOT_RECORDED)}"
    )
    if regime == PSR:
        doc.add_heading("Key criteria (regulation 5)", level=2)
        figures = law.key_criterion_figures(procurement, result.doc)
        notes = law.notes_of(procurement)
        _table(
            doc,
            [
                "Key criterion",
                "Sections",
                "Weight",
                "Weight scored by patient representatives",
                "Explanation recorded by the lead",
            ],
            [
                [
                    f.label,
                    ", ".join(f.sections) or "None",
                    f"{f.weight:g}%",
                    f"{f.patient_weight:g}%" if f.weight else "–",
                    notes.get(f.code)
                    or ("No section serves it and no explanation is recorded." if not f.sections else "None recorded."),
                ]
                for f in figures
            ],
        )

    doc.add_heading("4. Who decided and who evaluated", level=1)
    doc.add_paragraph(
        "The decision was made by: " + (notice.decision_makers if notice and notice.decision_makers else NOT_RECORDED)
    )
    lead = procurement.lead
    if lead is not None:
        doc.add_paragraph(f"Procurement lead: {lead.name}.")
    experience = law.experience_of(procurement)
    _table(
        doc,
        ["Evaluator", "Role", "Relevant experience"],
        [[u.name, u.role.label, experience.get(u.id) or NOT_RECORDED] for u in evaluators_of(procurement)],
    )

    doc.add_heading("5. Conflicts of interest", level=1)
    declared = conflicts(procurement)
    if declared:
        _table(
            doc,
            ["Evaluator", "Role", "Bidder", "What was declared", "How it was managed"],
            [[c.evaluator, c.role, c.bidder, c.details, c.managed] for c in declared],
        )
    else:
        doc.add_paragraph(
            "No conflict of interest was declared. Every evaluator answered the "
            "declaration for every bidder before seeing any bid."
        )

    doc.add_heading("6. Moderation", level=1)
    doc.add_paragraph(
        "For each answer: every evaluator's own score and reason, then the score agreed at moderation and why."
    )
    cells = individual_scores(procurement)
    consensus = result.view["consensus"]
    for entry in result.view["sections"]:
        doc.add_heading(f"{entry['code']}: {entry['title']}", level=2)
        if entry["is_price"]:
            doc.add_paragraph(
                "Scored by formula from each bidder's price (lowest price ÷ price × maximum score); not moderated."
            )
            continue
        for b in result.bidders:
            agreed = consensus.get(b.label, {}).get(entry["label"])
            moderated = b.moderated.get(entry["label"])
            doc.add_paragraph(f"{b.bidder.code} ({b.bidder.name})", style="List Bullet")
            own = cells.get((b.bidder.id, entry["id"]), [])
            if own:
                _table(
                    doc,
                    ["Evaluator", "Role", "Score", "Reason"],
                    [[s.evaluator.name, s.evaluator.role.label, str(s.value), s.rationale] for s in own],
                )
            else:
                doc.add_paragraph("No individual scores were counted.")
            if agreed:
                doc.add_paragraph(
                    f"Agreed score: {agreed['value']} out of {entry['max_score']:g}. Reason: {agreed['rationale']}"
                )
            else:
                doc.add_paragraph(
                    f"No consensus was recorded; the moderated score is the evaluators' "
                    f"{procurement.combine_method or 'mean'}: {score(moderated)} out of "
                    f"{entry['max_score']:g}."
                )

    doc.add_heading("7. Result and ranking", level=1)
    _table(
        doc,
        ["Rank", "Bidder", "Total out of 100", "Minimum scores"],
        [
            [
                str(b.rank),
                f"{b.bidder.code} ({b.bidder.name})",
                points(b.total),
                ("Fails " + ", ".join(b.failing_sections)) if b.failing else "Passes",
            ]
            for b in result.ranked
        ],
    )

    doc.add_heading("8. What difference the patient representatives made", level=1)
    for sentence in result.influence_sentences():
        doc.add_paragraph(sentence)
    if regime == PSR:
        for f in law.key_criterion_figures(procurement, result.doc):
            if f.weight and f.patient_share is not None:
                doc.add_paragraph(
                    f"{f.label}: {f.weight:g}% of the marks, {percent(f.patient_share)} of it "
                    "in sections patient representatives scored.",
                    style="List Bullet",
                )

    doc.add_heading("9. Changes to the weights after scoring opened", level=1)
    changes = weight_changes(procurement)
    if not changes:
        doc.add_paragraph("None. The weights published when scoring opened were the weights used.")
    for change in changes:
        moved = "; ".join(
            f"{code} from {before:g}% to {after:g}%" if before is not None and after is not None else f"{code}"
            for code, before, after in change["changes"]
        )
        doc.add_paragraph(
            f"On {change['at']:%-d %B %Y} {change['actor']} changed {moved}. "
            f"Reason: {change['reason'] or 'none recorded'}"
        )

    doc.add_heading("10. Standstill", level=1)
    view = law.standstill_of(procurement)
    notice_name = "notice of intention to award" if regime == PSR else "contract award notice"
    doc.add_paragraph(f"The {notice_name} was published on {_date(view.published)}.")
    if view.published:
        if regime == PSR:
            doc.add_paragraph(
                f"The standstill began on {_date(view.begins)} (the day after publication, "
                f"regulation 12(2)) and representations could be made until midnight at the "
                f"end of {_date(view.last_day)} (the 8th working day after it began, "
                f"regulation 12(3))."
            )
            if view.representations_received is None:
                doc.add_paragraph("Whether representations were received: not recorded yet.")
            elif not view.representations_received:
                doc.add_paragraph("No representations were received.")
            else:
                decision = {"proceed": "to go ahead with the award", "not_proceed": "not to go ahead"}.get(
                    view.further_decision or "", "not recorded"
                )
                doc.add_paragraph(
                    f"Representations were received. On {_date(view.further_decision_on)} the "
                    f"authority decided {decision}."
                )
                if view.further_last_day:
                    doc.add_paragraph(
                        f"It then waited a further 5 working days, to the end of "
                        f"{_date(view.further_last_day)}, before entering into the contract."
                    )
        else:
            doc.add_paragraph(
                f"The standstill of 8 working days beginning with that day (section 51) ends "
                f"at midnight at the end of {_date(view.last_day)}."
            )
    kept = law.retention_of(procurement)
    doc.add_paragraph(
        f"These records are kept for {kept.years} years, until {_date(kept.until)}"
        if kept.until
        else f"These records are kept for {kept.years} years from {kept.counted_from}."
    )
    return doc


def write(procurement: Procurement, out: Path | None = None) -> bytes:
    document = build(procurement)
    buffer = BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


def filename(procurement: Procurement) -> str:
    return f"award-record-{procurement.reference}.docx".replace(" ", "-")
