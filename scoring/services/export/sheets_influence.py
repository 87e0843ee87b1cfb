"""The Patient influence and Sensitivity sheets, with their charts.

Definitions are the engine's (`scoring.engine.influence`, `sweep`,
`sensitivity`); this module only lays them out.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter

from ...numbers import number, percent, points, split
from . import styles
from .model import ExportData
from .safe_text import text_cell

#: Bidders drawn in the sweep chart (the best ranked); the table has them all.
SWEEP_CHART_BIDDERS = 10
#: Bidders drawn in the win-chance chart.
SENSITIVITY_CHART_BIDDERS = 40


def _code_list(codes) -> str:
    return ", ".join(codes) if codes else "none"


def write_influence(ws, data: ExportData) -> None:
    doc = data.document
    inf = doc["influence"]
    view = doc.get("view", {})
    bidders = doc["bidders"]
    styles.widths(ws, [34, 12, 12, 12, 12, 14, 8, 12, 10, 12])
    ws.append([styles.title(ws, "How much difference the patient scores made")])
    alphas = inf.get("krippendorff_alpha") or {}

    def fraction(value):
        return "" if value is None else number(value, 3)

    patient_part, panel_part = split([inf["shapley"]["patient"], inf["shapley"]["panel"]], 2, whole=inf["margin"])

    facts = [
        ("Patient weight share", percent(inf["patient_weight_share"], exact=True)),
        ("Sections patient representatives scored", _code_list(inf.get("patient_sections"))),
        ("Winner", doc.get("winner") or "none yet"),
        ("Winner without patient scores", inf.get("counterfactual_winner") or "none"),
        ("Winner changed by patient scores", "yes" if inf.get("winner_changed") else "no"),
        ("Winner's margin over the runner-up (points)", points(inf["margin"], 2)),
        ("Runner-up", _code_list(inf.get("runner_up"))),
        ("Margin from patient scores (Shapley)", str(patient_part)),
        ("Margin from panel scores (Shapley)", str(panel_part)),
        (
            "Tipping points (patient weight share)",
            ", ".join(percent(t, exact=True) for t in inf.get("tipping_points", [])) or "none",
        ),
        (
            "Nearest tipping point",
            "none" if inf.get("nearest_tipping_point") is None else percent(inf["nearest_tipping_point"], exact=True),
        ),
        ("Patient and panel rankings agree (Kendall's tau-b)", fraction(inf.get("kendall_tau"))),
        ("Agreement within patient reps (Krippendorff's alpha)", fraction(alphas.get("patient"))),
        ("Agreement within the panel (Krippendorff's alpha)", fraction(alphas.get("panel"))),
    ]
    for key, value in facts:
        ws.append([styles.label(ws, key), text_cell(ws, value)])
    ws.append([])

    headers = [
        "Bidder",
        "Total",
        "Patient points",
        "Panel points",
        "Price points",
        "Total without patient scores",
        "Rank",
        "Rank without patient scores",
        "Rank change",
        "Fails without patient scores",
    ]
    header_row = len(facts) + 3
    ws.append(styles.header(ws, headers))
    counterfactual = {row["code"]: row for row in inf["counterfactual"]}
    for bidder in bidders:
        code = bidder["code"]
        cf = counterfactual[code]
        ws.append(
            [
                text_cell(ws, code),
                styles.number(ws, bidder["total"]),
                styles.number(ws, inf["contribution"][code]),
                styles.number(ws, inf["panel_contribution"][code]),
                styles.number(ws, inf["fixed_contribution"][code]),
                styles.number(ws, cf["total"]),
                styles.number(ws, bidder["rank"], "0"),
                styles.number(ws, cf["rank"], "0"),
                styles.number(ws, cf["rank_change"], "+0;-0;0"),
                text_cell(ws, "yes" if cf["failing"] else "no"),
            ]
        )
    last = header_row + len(bidders)
    styles.add_table(ws, "PatientInfluence", headers, header_row, last)
    ws.append([])

    # The sweep: each bidder's total as the patient sections' share of the weight moves.
    lines = view.get("sweep_lines") or {}
    winners = {round(entry["alpha"], 4): entry["winner"] for entry in inf.get("sweep", [])}
    alphas_table = [round(0.05 * i, 2) for i in range(21)]
    today = view.get("today", inf["patient_weight_share"])
    ws.append([styles.label(ws, "Patient weight sweep")])
    ws.append(
        [
            styles.note(
                ws,
                f"Each bidder's total if the sections patient representatives "
                f"scored weighed this share of the total, each group of sections "
                f"keeping its own proportions (today {percent(today, exact=True)}). "
                f"Total = share × patient-sections total + (1 − share) × "
                f"other-sections total.",
            )
        ]
    )
    sweep_header_row = last + 4
    codes = [b["code"] for b in bidders if b["code"] in lines]
    sweep_headers = styles.unique(["Patient weight share", "Winner"] + codes)
    ws.append(styles.header(ws, sweep_headers))
    for alpha in alphas_table:
        row = [styles.number(ws, alpha, styles.SHARE), text_cell(ws, winners.get(round(alpha, 4)) or "none")]
        row += [styles.number(ws, alpha * lines[c][0] + (1 - alpha) * lines[c][1]) for c in codes]
        ws.append(row)
    sweep_last = sweep_header_row + len(alphas_table)
    styles.add_table(ws, "PatientWeightSweep", sweep_headers, sweep_header_row, sweep_last)

    if codes:
        chart = ScatterChart()
        chart.title = f"Totals as the patient weight share moves (today {percent(today)})"
        chart.x_axis.title = "Patient weight share"
        chart.y_axis.title = "Total"
        chart.y_axis.number_format = "0"
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, 1
        chart.x_axis.number_format = "0%"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 10, 18
        xs = Reference(ws, min_col=1, min_row=sweep_header_row + 1, max_row=sweep_last)
        rank = {b["code"]: b["rank"] for b in bidders}
        ranked = sorted(range(len(codes)), key=lambda i: rank[codes[i]])
        for i in ranked[:SWEEP_CHART_BIDDERS]:
            col = 3 + i
            values = Reference(ws, min_col=col, min_row=sweep_header_row, max_row=sweep_last)
            series = Series(values, xs, title_from_data=True)
            series.marker.symbol = "none"
            series.smooth = False
            chart.series.append(series)
        ws.add_chart(chart, f"{get_column_letter(12)}2")


def write_sensitivity(ws, data: ExportData) -> None:
    doc = data.document
    options = doc.get("options", {})
    sensitivity = doc.get("sensitivity")
    styles.widths(ws, [14, 36, 8, 14])
    ws.append([styles.title(ws, "How firm is the result if the weights were a little different?")])
    ws.append(
        [
            styles.note(
                ws,
                f"Section weights drawn at random around today's "
                f"({options.get('draws', 0):,} draws, Dirichlet concentration "
                f"{options.get('concentration', '')}, seed {options.get('seed')}); "
                "the share of draws in which each bidder ranks first. Bidders "
                "below a pass mark never rank first.",
            )
        ]
    )
    ws.freeze_panes = "A5"
    headers = ["Bidder", "Name", "Rank", "Chance of ranking first"]
    ws.append([])
    ws.append(styles.header(ws, headers))
    order = sorted(doc["bidders"], key=lambda b: b["rank"])
    for bidder in order:
        code = bidder["code"]
        ws.append(
            [
                text_cell(ws, code),
                text_cell(ws, data.bidder_name(code) or ""),
                styles.number(ws, bidder["rank"], "0"),
                styles.number(ws, None if sensitivity is None else sensitivity.get(code), styles.PERCENT),
            ]
        )
    last = 4 + len(order)
    styles.add_table(ws, "WinProbabilities", headers, 4, last)
    if sensitivity is None:
        ws.append([styles.note(ws, "The sensitivity was not computed for this result.")])
    elif order:
        chart = BarChart()
        chart.type = "bar"
        shown = min(len(order), SENSITIVITY_CHART_BIDDERS)
        chart.title = "Chance of ranking first" + ("" if shown == len(order) else f" (top {shown} by rank)")
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
        chart.legend = None
        chart.height = max(7.5, 0.6 * shown + 3)
        chart.add_data(Reference(ws, min_col=4, min_row=4, max_row=4 + shown), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=4 + shown))
        ws.add_chart(chart, "F4")
