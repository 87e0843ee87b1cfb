"""The Moderation record sheet: how each answer was agreed, the evaluators' mean beside the agreed
score, what moderation moved, evaluator calibration (for the lead's award record, never for
evaluators) and whether each bidder's withdrawal would reorder the others.

Everything comes from the result document's view (`services.moderation_record`), so a final
procurement's workbook shows what was stored when it was finalised.
"""

from __future__ import annotations

from . import styles
from .model import ExportData
from .safe_text import text_cell

HOW = {"consensus": "consensus", "accepted": "proposed score accepted", "price": "price formula"}


def _n(value):
    return "" if value is None else round(float(value), 6)


def write_moderation_record(ws, data: ExportData) -> None:
    view = data.document.get("view", {})
    styles.widths(ws, [30, 14, 16, 14, 24, 60])
    ws.append([styles.title(ws, "Moderation record")])
    if "agreement" not in view:
        ws.append([text_cell(ws, "This result was stored before the moderation record was kept with it.")])
        return
    ws.append([])
    ws.append(
        [
            styles.label(ws, h)
            for h in ("Bidder", "Section", "Evaluators' mean", "Agreed score", "How it was agreed", "Accepted reason")
        ]
    )
    moderated = {row["code"]: row["moderated"] for row in data.document["bidders"]}
    for b in view["bidders"]:
        for s in view["sections"]:
            accepted = (view.get("accepted") or {}).get(b["label"], {}).get(s["label"])
            ws.append(
                [
                    text_cell(ws, b["code"]),
                    text_cell(ws, s["code"]),
                    _n(view["mean"][b["label"]][s["label"]]),
                    _n(moderated[b["label"]][s["label"]]),
                    HOW.get(view["agreement"][b["label"]][s["label"]], "no reason yet"),
                    text_cell(ws, accepted["rationale"]) if accepted else "",
                ]
            )
    ws.append([])
    ws.append(
        [
            styles.label(ws, h)
            for h in ("Group", "Answers", "Moved by moderation", "Mean size of move", "Mean move (agreed - group mean)")
        ]
    )
    for key, mv in view["moves"].items():
        ws.append(
            [
                {"all": "All evaluators", "patient": "Patient representatives", "panel": "Panel"}[key],
                mv["cells"],
                mv["moved"],
                _n(mv["mean_size"]),
                _n(mv["mean_signed"]),
            ]
        )
    ws.append([])
    cal = view["calibration"]
    ws.append(
        [
            styles.label(ws, h)
            for h in (
                "Evaluator (calibration, for the lead)",
                "Answers scored",
                "Mean difference from agreed",
                "95% interval low",
                "95% interval high",
                "2 or more points away; same score to every bidder in",
            )
        ]
    )
    for row in cal["evaluators"] + list(cal["groups"].values()):
        ws.append(
            [
                text_cell(ws, row["name"]),
                row["cells"],
                _n(row["mean"]),
                _n(row["low"]),
                _n(row["high"]),
                text_cell(ws, f"{row['far_cells']}; {', '.join(row['flat_sections']) or 'none'}"),
            ]
        )
    for note in cal["notes"]:
        ws.append([text_cell(ws, note)])
    ws.append([])
    ws.append([styles.label(ws, "If this bidder withdrew"), styles.label(ws, "Others' order changes")])
    for label, w in view.get("withdrawal", {}).items():
        ws.append([text_cell(ws, label), "yes" if w["changes_order"] else "no"])
