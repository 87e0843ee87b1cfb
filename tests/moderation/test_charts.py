"""Charts are SVG documents with their data as a table and words beside them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scoring import charts

BIDDERS = ["Bidder A", "Bidder B", "Bidder C"]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def test_stacked_totals_is_valid_svg_with_a_row_per_bidder_adding_up():
    chart = charts.stacked_totals(
        BIDDERS, [("Q1", [10, 12, 15]), ("Q2", [8.25, 9, 0])], part_heading="Section", title="By section"
    )
    root = _parse(chart.svg)
    assert root.tag.endswith("svg")
    assert "<script" not in chart.svg
    assert chart.head == ["Bidder", "Q1", "Q2", "Total"]
    assert chart.rows[1] == ["Bidder B", "12.0", "9.0", "21.0"]
    assert chart.rows[2][-1] == "15.0"
    assert "Bidder A" in chart.svg  # text kept as text, so it can be read and searched
    assert chart.description[0] == "Bidder B has the highest total, 21.0 points out of 100."
    assert "Bidder C: 15.0 points in all. The biggest part (15.0 points): Q1." in chart.description
    table = chart.table()
    assert table["rows"][0][0] == {"text": "Bidder A", "header": True}


def test_same_data_gives_the_same_bytes():
    a = charts.win_probabilities(BIDDERS, [0.5, 0.3, 0.2])
    b = charts.win_probabilities(BIDDERS, [0.5, 0.3, 0.2])
    assert a.svg == b.svg


def test_winner_sweep_table_follows_the_lines_and_names_the_change():
    # A: 72 - 12a, B: 66 + 4a; they cross at a = 6/16 = 0.375.
    chart = charts.winner_sweep(BIDDERS[:2], [60, 70], [72, 66], today=0.25, tipping_points=[0.375])
    _parse(chart.svg)
    assert chart.rows[0] == ["0%", "72.0", "66.0", "Bidder A"]
    assert chart.rows[-1] == ["100%", "60.0", "70.0", "Bidder B"]
    assert chart.rows[8][-1] == "Bidder B"  # 40%
    assert "At 37.5% the leader changes from Bidder A to Bidder B." in chart.description


def test_failing_bidders_never_win_in_the_sweep_table():
    chart = charts.winner_sweep(BIDDERS[:2], [90, 70], [90, 66], today=0.5, failing=[True, False])
    assert {row[-1] for row in chart.rows} == {"Bidder B"}


def test_win_probabilities_in_words():
    chart = charts.win_probabilities(BIDDERS, [0.62, 0.38, 0.0], draws=10_000)
    assert chart.rows[0] == ["Bidder A", "62%", "62 out of 100"]
    assert chart.description[0].startswith("The section weights were changed a little at random 10,000 times.")
    assert "Bidder C never came first." in chart.description
    assert "image/svg+xml" in charts.SVG_HEADERS["Content-Type"]
