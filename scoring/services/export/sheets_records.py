"""The Scores, Disagreements and Audit sheets: every record behind the result.

Scores and Audit can run to a million rows, so they are streamed from an
iterator (`stream.RowBatch`) and never held in memory.
"""

from __future__ import annotations

from . import styles
from .model import AUDIT_COLUMNS, SCORE_COLUMNS, ExportData
from .stream import DATETIME, NUMBER, TEXT, RowBatch

SCORE_KINDS = (TEXT, TEXT, TEXT, TEXT, TEXT, NUMBER, TEXT, DATETIME, TEXT)
AUDIT_KINDS = (NUMBER, DATETIME, TEXT, TEXT, TEXT, NUMBER, TEXT, TEXT, TEXT)
DISAGREEMENT_KINDS = (TEXT, TEXT, NUMBER, NUMBER, NUMBER, TEXT, TEXT, DATETIME, NUMBER)
DISAGREEMENT_FORMATS = (None, None, "0.##", styles.SCORE, "0.##", None, None, None, styles.SCORE)


def write_scores(ws, data: ExportData) -> int:
    """One row per individual score; returns how many."""
    styles.widths(ws, [24, 30, 9, 12, 10, 7, 70, 20, 24])
    ws.freeze_panes = "A2"
    ws.append(styles.header(ws, SCORE_COLUMNS))
    count = ws.append_batch(RowBatch(data.scores, SCORE_KINDS, styles.DATETIME))
    styles.add_table(ws, "ScoresTable", SCORE_COLUMNS, 1, count + 1)
    return count


def write_audit(ws, data: ExportData) -> int:
    styles.widths(ws, [8, 20, 24, 26, 16, 9, 40, 50, 50])
    ws.freeze_panes = "A2"
    ws.append(styles.header(ws, AUDIT_COLUMNS))
    count = ws.append_batch(RowBatch(data.audit, AUDIT_KINDS, styles.DATETIME))
    styles.add_table(ws, "AuditLog", AUDIT_COLUMNS, 1, count + 1)
    return count


def write_disagreements(ws, data: ExportData) -> int:
    """Cells whose spread met the disagreement threshold, with the consensus agreed."""
    doc = data.document
    view = doc.get("view", {})
    threshold = doc.get("options", {}).get("disagreement")
    headers = [
        "Bidder",
        "Section",
        "Spread (points)",
        "Evaluators' score",
        "Consensus",
        "Consensus rationale",
        "Decided by",
        "Decided at",
        "Moderated score",
    ]
    styles.widths(ws, [14, 10, 10, 11, 11, 60, 22, 20, 11])
    ws.append(
        [
            styles.note(
                ws,
                f"Cells where the highest and lowest evaluator scores differ by "
                f"{threshold:g} points or more, and what moderation agreed."
                if isinstance(threshold, (int, float))
                else "Cells where the evaluators disagreed, and what moderation agreed.",
            )
        ]
    )
    ws.freeze_panes = "A3"
    ws.append(styles.header(ws, headers))
    flagged = view.get("disagreement", {})
    spread = view.get("spread", {})
    proposed = view.get("proposed", {})
    consensus = view.get("consensus", {})

    def rows():
        for bidder in doc["bidders"]:
            code = bidder["code"]
            for section in doc["sections"]:
                s = section["code"]
                if not flagged.get(code, {}).get(s):
                    continue
                agreed = consensus.get(code, {}).get(s)
                who, when = data.consensus_by.get((code, s), ("", None))
                yield (
                    code,
                    s,
                    spread.get(code, {}).get(s),
                    proposed.get(code, {}).get(s),
                    agreed["value"] if agreed else None,
                    agreed["rationale"] if agreed else "no consensus recorded",
                    who,
                    when,
                    bidder["moderated"].get(s),
                )

    count = ws.append_batch(RowBatch(rows(), DISAGREEMENT_KINDS, styles.DATETIME, formats=DISAGREEMENT_FORMATS))
    styles.add_table(ws, "DisagreementCells", headers, 2, 2 + count)
    return count
