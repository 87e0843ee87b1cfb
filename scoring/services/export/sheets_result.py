"""The Summary, Weights and Moderated sheets: the result, with totals as live formulas.

The Moderated sheet recomputes every total, the failing flags and the ranks
with formulas that read the Weights sheet, so an auditor who changes a weight
in Excel sees the totals and ranks move. The formulas follow the engine's
rules (`scoring.engine.ranking`):

* total = SUMPRODUCT(weights, moderated ÷ maxima), 0 to 100; an empty cell
  (no moderated score yet) adds nothing;
* a bidder fails when any moderated score is below the section's pass mark by
  more than 1e-9;
* rank = 1 + the bidders in the same group (passing or failing) whose total
  is higher by more than 1e-9, plus the number of passing bidders for a failing
  one: ties share a rank and failing bidders come after every passing one.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter

from ...numbers import percent, points, split
from . import styles
from .layout import (
    MAX_COL,
    MOD_HEADER_ROW,
    MOD_MAX_ROW,
    MOD_PASS_ROW,
    MOD_WEIGHT_ROW,
    PASS_COL,
    WEIGHT_COL,
    WEIGHTS,
    Layout,
)
from .model import ExportData
from .safe_text import text_cell
from .sheets_law import write_key_criteria

#: Bidders drawn in the totals chart (the best ranked); the table has them all.
CHART_BIDDERS = 40

SCORED_BY = {
    "patient": "patient representatives",
    "panel": "panel",
    "both": "both",
    "neither": "neither (price)",
    "price": "price formula",
}


def write_weights(ws, data: ExportData, layout: Layout) -> None:
    doc = data.document
    headers = ["Code", "Section", "Weight (%)", "Maximum score", "Scored by", "Pass mark", "Evaluators assigned"] + (
        ["Key criterion"] if data.key_criteria else []
    )
    styles.widths(ws, [10, 40, 12, 14, 24, 11, 12] + ([30] if data.key_criteria else []))
    ws.freeze_panes = "A2"
    ws.append(styles.header(ws, headers))
    for section in doc["sections"]:
        code = section["code"]
        ws.append(
            [
                text_cell(ws, code),
                styles.wrapped(ws, data.section_titles.get(code, code)),
                styles.number(ws, section["weight"], "0.##"),
                styles.number(ws, section["max_score"], "0.##"),
                text_cell(ws, SCORED_BY.get(section["scored_by"], section["scored_by"])),
                styles.number(ws, section["threshold"], "0.##"),
                styles.number(ws, data.section_evaluators.get(code), "0"),
            ]
            + ([text_cell(ws, data.section_key_criteria.get(code, ""))] if data.key_criteria else [])
        )
    last = layout.weights_last_row
    styles.add_table(ws, "SectionWeights", headers, 1, last)
    ws.append([])
    ws.append([None, styles.label(ws, "Total (must be 100)"), styles.formula(ws, f"=SUM(C2:C{last})", "0.##")])
    ws.append([])
    ws.append(
        [
            None,
            styles.note(
                ws,
                "Change a weight here and the totals and ranks on the "
                "Moderated and Summary sheets recalculate. Keep the total "
                "at 100.",
            ),
        ]
    )
    wb = ws.parent
    styles.define_name(wb, "WeightPercents", WEIGHTS, f"$C$2:$C${last}")
    styles.define_name(wb, "MaxScores", WEIGHTS, f"$D$2:$D${last}")
    styles.define_name(wb, "PassMarks", WEIGHTS, f"$F$2:$F${last}")
    write_key_criteria(ws, data, last)


def write_moderated(ws, data: ExportData, layout: Layout) -> None:
    doc = data.document
    sections = [s["code"] for s in doc["sections"]]
    first, last = layout.first_section_col, layout.last_section_col
    fl, ll = get_column_letter(first), get_column_letter(last)
    widths = [12] + ([36] if layout.names else []) + [9] * len(sections) + [10, 7, 10]
    styles.widths(ws, widths)
    ws.freeze_panes = f"{get_column_letter(first)}{MOD_HEADER_ROW + 1}"

    lead = [None] * (first - 1)
    weight_row, max_row, pass_row = list(lead), list(lead), list(lead)
    weight_row[0] = styles.label(ws, "Weight (%)")
    max_row[0] = styles.label(ws, "Maximum score")
    pass_row[0] = styles.label(ws, "Pass mark")
    for s in range(len(sections)):
        weights_row = layout.weight_row(s)
        weight_row.append(styles.formula(ws, f"={WEIGHTS}!${get_column_letter(WEIGHT_COL)}${weights_row}", "0.##"))
        max_row.append(styles.formula(ws, f"={WEIGHTS}!${get_column_letter(MAX_COL)}${weights_row}", "0.##"))
        cell = f"{WEIGHTS}!${get_column_letter(PASS_COL)}${weights_row}"
        pass_row.append(styles.formula(ws, f"=IF(ISNUMBER({cell}),{cell},-1)", styles.PASS_MARK))
    ws.append(weight_row)
    ws.append(max_row)
    ws.append(pass_row)
    ws.append(
        [
            styles.note(
                ws,
                "Moderated score of each bidder and section (the consensus where "
                "one was agreed, otherwise the evaluators' "
                f"{doc.get('options', {}).get('combine', 'mean')}). Total = "
                "SUMPRODUCT(weights, scores ÷ maxima), 0 to 100. Rank 1 is best; "
                "ties share a rank; bidders below a pass mark rank after all "
                "others. Totals, failing and ranks are live formulas.",
            )
        ]
    )

    headers = styles.unique(
        ["Code"] + (["Bidder"] if layout.names else []) + sections + ["Total", "Rank", "Fails a pass mark"]
    )
    ws.append(styles.header(ws, headers))

    weights = f"${fl}${MOD_WEIGHT_ROW}:${ll}${MOD_WEIGHT_ROW}"
    maxima = f"${fl}${MOD_MAX_ROW}:${ll}${MOD_MAX_ROW}"
    passes = f"${fl}${MOD_PASS_ROW}:${ll}${MOD_PASS_ROW}"
    totals = layout.moderated_column(layout.total_col)
    fails = layout.moderated_column(layout.fails_col)
    tl, fcl = get_column_letter(layout.total_col), get_column_letter(layout.fails_col)
    for b, bidder in enumerate(doc["bidders"]):
        r = layout.bidder_row(b)
        scores = f"{fl}{r}:{ll}{r}"
        row = [text_cell(ws, bidder["code"])]
        if layout.names:
            row.append(text_cell(ws, data.bidder_name(bidder["code"]) or ""))
        row += [styles.number(ws, bidder["moderated"].get(code), styles.SCORE) for code in sections]
        row.append(styles.formula(ws, f"=SUMPRODUCT({weights},{scores}/{maxima})", styles.POINTS))
        row.append(
            styles.formula(
                ws,
                f"=1+SUMPRODUCT(({fails}={fcl}{r})*({totals}>{tl}{r}+1E-9))"
                f"+IF({fcl}{r},SUMPRODUCT(--({fails}=FALSE)),0)",
                "0",
            )
        )
        row.append(styles.formula(ws, f"=SUMPRODUCT(ISNUMBER({scores})*({scores}<{passes}-1E-9))>0"))
        ws.append(row)
    styles.add_table(ws, "ModeratedScores", headers, MOD_HEADER_ROW, layout.last_bidder_row)


def write_summary(ws, data: ExportData, layout: Layout) -> None:
    doc = data.document
    view = doc.get("view", {})
    inf = doc["influence"]
    styles.widths(ws, [34, 36, 11, 11, 12, 14, 12, 12])
    by_code = {b["code"]: (i, b) for i, b in enumerate(doc["bidders"])}

    def named(code):
        if code is None:
            return "none"
        name = data.bidder_name(code)
        return f"{code} ({name})" if name else code

    ws.append([styles.title(ws, f"{data.reference}: {data.title}")])
    ws.append([])
    facts = [
        ("Reference", data.reference),
        ("Title", data.title),
        ("Regime", data.regime),
        ("Status", data.status),
        ("Procurement lead", data.lead),
        (
            "Bidder names",
            "codes only in this export"
            if data.codes_only
            else ("hidden from patient representatives (anonymised)" if data.anonymised else "shown to everyone"),
        ),
        (
            "Result",
            "final, as stored when the procurement was finalised"
            if view.get("final")
            else "provisional: computed from today's scores",
        ),
        ("Result computed at", view.get("computed_at", "")),
        (
            "Finalised at",
            data.finalised_at.isoformat(sep=" ", timespec="seconds") if data.finalised_at else "not finalised",
        ),
        ("Engine version", doc.get("engine_version", "")),
        ("Scores combined by", doc.get("options", {}).get("combine", "mean")),
        ("Disagreement threshold (points)", f"{doc.get('options', {}).get('disagreement', 0):g}"),
        (
            "Every cell moderated",
            "yes" if doc.get("complete") else f"no: {len(doc.get('incomplete', []))} cells have no score yet",
        ),
        (
            "Winner",
            named(doc.get("winner"))
            if doc.get("winner")
            else (
                "tied first: " + ", ".join(named(c) for c in doc.get("tied_first", []))
                if doc.get("tied_first")
                else "none yet"
            ),
        ),
        (
            "Patient weight share",
            f"{percent(inf['patient_weight_share'], exact=True)} of the weight is in "
            "sections patient representatives scored",
        ),
        ("Winner without patient scores", named(inf.get("counterfactual_winner"))),
        (
            "Winner's lead split (points)",
            "patient {}, panel {} (margin {})".format(
                *split([inf["shapley"]["patient"], inf["shapley"]["panel"]], 2, whole=inf["margin"]),
                points(inf["margin"], 2),
            ),
        ),
        ("Exported at", data.exported_at.isoformat(sep=" ", timespec="seconds") if data.exported_at else ""),
        ("Exported by", data.exported_by),
    ]
    for key, value in facts:
        ws.append([styles.label(ws, key), text_cell(ws, "" if value is None else str(value))])
    ranks = layout.moderated_range(layout.rank_col)
    fails = layout.moderated_range(layout.fails_col)
    codes = layout.moderated_range(1)
    live = f'=IF(COUNTIFS({ranks},1,{fails},FALSE)=1,INDEX({codes},MATCH(1,{ranks},0)),"no single leader")'
    ws.append([styles.label(ws, "Ranked first now (recalculates)"), styles.formula(ws, live)])
    ws.append([])

    ws.append([styles.label(ws, "Ranking")])
    ws.append(
        [
            styles.note(
                ws,
                "Rows are in the order of the exported result. Total, rank and "
                "failing are formulas reading the Moderated sheet, so they "
                "recalculate when a weight changes; the rows are not re-sorted.",
            )
        ]
    )
    headers = [
        "Bidder",
        "Name",
        "Total",
        "Rank",
        "Fails a pass mark",
        "Patient points",
        "Total without patient scores",
        "Chance of ranking first",
    ]
    header_row = len(facts) + 7
    ws.append(styles.header(ws, headers))
    counterfactual = {row["code"]: row for row in inf["counterfactual"]}
    sensitivity = doc.get("sensitivity") or {}
    order = sorted(doc["bidders"], key=lambda b: (b["rank"], by_code[b["code"]][0]))
    for bidder in order:
        b, _ = by_code[bidder["code"]]
        code = bidder["code"]
        ws.append(
            [
                text_cell(ws, code),
                text_cell(ws, data.bidder_name(code) or ""),
                styles.formula(ws, "=" + layout.moderated_cell(layout.total_col, b), styles.POINTS),
                styles.formula(ws, "=" + layout.moderated_cell(layout.rank_col, b), "0"),
                styles.formula(ws, "=" + layout.moderated_cell(layout.fails_col, b)),
                styles.number(ws, inf["contribution"].get(code)),
                styles.number(ws, counterfactual[code]["total"]),
                styles.number(ws, sensitivity.get(code), styles.PERCENT),
            ]
        )
    last = header_row + len(order)
    styles.add_table(ws, "Ranking", headers, header_row, last)

    ws.append([])
    ws.append([styles.label(ws, "In plain English")])
    for sentence in doc.get("summary", []):
        ws.append([styles.wrapped(ws, sentence)])

    if order:
        shown = min(len(order), CHART_BIDDERS)
        chart = BarChart()
        chart.type = "bar"
        chart.title = (
            "Weighted totals (0 to 100)" if shown == len(order) else f"Weighted totals of the top {shown} (0 to 100)"
        )
        chart.y_axis.title = "Total"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.number_format = "0"
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        chart.legend = None
        chart.height = max(7.5, 0.6 * shown + 3)
        chart.width = 16
        chart.add_data(Reference(ws, min_col=3, min_row=header_row, max_row=header_row + shown), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + shown))
        ws.add_chart(chart, "J3")
