"""The patient voice review as an Excel workbook (native charts) and as CSV.

Built from `review.review`'s data only (stored results): procurement-level
figures, no evaluator's name or score.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series

COLUMNS = (
    ("Reference", "reference"),
    ("Title", "title"),
    ("Regime", "regime"),
    ("Service type", "service_type"),
    ("Finalised", "finalised"),
    ("Bidders", "bidders"),
    ("Sections", "sections"),
    ("Patient reps taking part", "patient_reps_taking_part"),
    ("Of them on paper", "patient_reps_on_paper"),
    ("Patient weight share", "patient_weight_share"),
    ("Winner", "winner"),
    ("Winner without patient scores", "counterfactual_winner"),
    ("Patient scores changed the winner", "winner_changed"),
    ("Patient part of the margin (points)", "shapley_patient"),
    ("Winning margin (points)", "margin"),
    ("Patient share of the margin", "shapley_patient_share"),
    ("Nearest tipping point", "nearest_tipping_point"),
    ("Distance from the share used", "tipping_distance"),
    ("Kendall's tau between groups", "kendall_tau"),
    ("Krippendorff's alpha, patients", "alpha_patient"),
    ("Krippendorff's alpha, panel", "alpha_panel"),
    ("Share of reps who submitted everything", "submitted_all_share"),
    ("Decisive intervals of patient weight share", "intervals"),
)


def _cells(r: dict[str, Any]) -> list[Any]:
    flat = dict(r)
    flat["alpha_patient"] = r["krippendorff_alpha"].get("patient")
    flat["alpha_panel"] = r["krippendorff_alpha"].get("panel")
    flat["winner_changed"] = "yes" if r["winner_changed"] else "no"
    flat["intervals"] = "; ".join(f"{a:.4f} to {b:.4f}" for a, b in r["decisive_intervals"]) or "none"
    return [flat.get(key) for _, key in COLUMNS]


def csv_text(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for title, _ in COLUMNS])
    for r in data["procurements"]:
        writer.writerow(["" if v is None else v for v in _cells(r)])
    return out.getvalue()


def workbook_bytes(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Procurements"
    ws.append([title for title, _ in COLUMNS])
    for r in data["procurements"]:
        ws.append(_cells(r))
    share_col = 1 + [k for _, k in COLUMNS].index("patient_weight_share")
    margin_col = 1 + [k for _, k in COLUMNS].index("shapley_patient_share")
    n = len(data["procurements"])
    if n:
        scatter = ScatterChart()
        scatter.title = "Patient weight share and patient share of the winning margin"
        scatter.x_axis.title, scatter.y_axis.title = "Patient weight share", "Patient share of the margin"
        scatter.x_axis.delete = scatter.y_axis.delete = False
        series = Series(
            Reference(ws, min_col=margin_col, min_row=2, max_row=n + 1),
            Reference(ws, min_col=share_col, min_row=2, max_row=n + 1),
            title="Procurements",
        )
        series.marker.symbol = "circle"
        series.graphicalProperties.line.noFill = True
        scatter.series.append(series)
        ws.add_chart(scatter, f"A{n + 4}")

    rate = wb.create_sheet("Decisive rate")
    rate.append(["Patient weight share", "Decisive rate", "Procurements decided by patient scores"])
    for row in data["decisive_rate"]:
        rate.append([row["alpha"], row["rate"], ", ".join(row["decisive"])])
    rate.append([])
    half = data["alpha_half"]
    rate.append(["Smallest share at which the rate reaches one half", "never" if half is None else half])
    chart = ScatterChart()
    chart.title = "Decisive rate by patient weight share"
    chart.x_axis.title, chart.y_axis.title = "Patient weight share", "Decisive rate"
    chart.x_axis.delete = chart.y_axis.delete = False
    last = 1 + len(data["decisive_rate"])
    line = Series(
        Reference(rate, min_col=2, min_row=1, max_row=last),
        Reference(rate, min_col=1, min_row=2, max_row=last),
        title_from_data=True,
    )
    chart.series.append(line)
    rate.add_chart(chart, "E2")
    # D(α) exactly: the steps between interval ends (at an end itself D may be higher: closed intervals).
    rate.append([])
    rate.append(["Decisive rate exactly: from patient weight share", "To patient weight share", "Decisive rate"])
    for start, end, value in data["decisive_steps"]:
        rate.append([start, end, value])

    exact = wb.create_sheet("Decisive intervals")
    exact.append(["Reference", "From patient weight share", "To patient weight share"])
    for r in data["procurements"]:
        for a, b in r["decisive_intervals"]:
            exact.append([r["reference"], a, b])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
