"""Below the Weights sheet's sections, under PSR: each key criterion's weight (a live SUMIF over
the sections' weights, so it follows a changed weight) and the patient-influence figures per key
criterion from the exported result (PSR regulation 5; scoring/law/key_criteria.py)."""

from __future__ import annotations

from . import styles
from .model import ExportData
from .safe_text import text_cell


def write_key_criteria(ws, data: ExportData, last: int) -> None:
    if not data.key_criteria:
        return
    bidders = [b["code"] for b in data.document["bidders"]]
    ws.append([])
    # Column A stays empty: readers take the sections from the rows with a code in column A.
    ws.append([None, styles.label(ws, "Key criteria (Provider Selection Regime, regulation 5)")])
    ws.append(
        [
            None,
            styles.note(
                ws,
                "Weight is the sum of the weights of the sections serving each "
                "key criterion (recalculates). The patient columns come from "
                "the exported result.",
            ),
        ]
    )
    ws.append(
        [None]
        + styles.header(
            ws,
            ["Key criterion", "Weight (%)", "Weight in patient-scored sections (%)"]
            + [f"{code}: points" for code in bidders]
            + [f"{code}: points from patient scores" for code in bidders],
        )
    )
    for figures in data.key_criteria:
        label = figures["label"]
        patient = figures.get("patient_points") or {}
        ws.append(
            [
                None,
                text_cell(ws, label),
                styles.formula(ws, f'=SUMIF($H$2:$H${last},"{label}",$C$2:$C${last})', "0.##"),
                styles.number(ws, figures["patient_weight"], "0.##"),
            ]
            + [styles.number(ws, figures["points"].get(code)) for code in bidders]
            + [styles.number(ws, patient.get(code)) if patient else None for code in bidders]
        )
