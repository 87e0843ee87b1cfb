"""The summary: three to six plain-English sentences a patient representative can read."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings

from scoring.engine import analyse
from scoring.engine.summary import join_names, percent, points

from .gen import gen_inputs, nan, procurements
from .test_influence import main_inputs, price_inputs

JARGON = re.compile(
    r"shapley|counterfactual|kendall|krippendorff|dirichlet|monte|carlo|tau|alpha|"
    r"coefficient|probability|marginal|sensitivity|quantile|median|variance",
    re.IGNORECASE,
)
LEAKED_PYTHON = re.compile(r"\bNone\b|\bnan\b|\binf\b|\[|\{")


def test_main_example_reads_as_expected():
    a = analyse(main_inputs(), draws=2_000)
    assert a.summary == [
        "Patient representatives scored 2 of 3 sections, worth 60% of the marks.",
        "Bidder A ranked first with 81.3 points out of 100, ahead of Bidder B with 72.5.",
        "Without the patient scores, Bidder B would have ranked first instead of Bidder A.",
        (
            "Bidder A finished 8.8 points ahead of Bidder B: the patient scores put Bidder A "
            "about 38.8 points ahead, and the panel's scores took about 30.0 points of that back."
        ),
        (
            "If the patient-scored sections had been worth less than 44.4% of the marks "
            "(instead of 60%), Bidder B would have ranked first."
        ),
        ("When the section weights were changed a little at random, Bidder A still came first every time."),
    ]


def test_without_patient_scores_the_summary_says_they_could_not_change_the_result():
    inputs = gen_inputs([[[3, 4]], [[2, 2]]], ["panel", "panel"], [100], bidders=("A", "B"))
    summary = analyse(inputs, draws=100).summary
    assert summary[0] == (
        "Patient representatives did not score any section, so their scores could not change the result."
    )
    assert 3 <= len(summary) <= 6


def test_missing_scores_come_first_and_no_winner_is_named():
    # A: 37.5 + (missing) = 37.5; B: 25 + 0 = 25
    inputs = gen_inputs([[[3], [nan]], [[2], [0]]], ["patient"], [50, 50], bidders=("A", "B"))
    summary = analyse(inputs, draws=0).summary
    assert summary[0] == ("These results are not final: 1 score is still missing, so no winner can be named yet.")
    assert "A is currently first" in summary[2]


def test_a_tie_for_first_is_left_to_the_tie_break_rule():
    inputs = gen_inputs([[[4]], [[4]]], ["panel"], [100], bidders=("A", "B"))
    assert (
        "A and B tied for first place with 100.0 points out of 100; the procurement's "
        "tie-break rule decides between them."
    ) in analyse(inputs, draws=0).summary


def test_price_example_mentions_the_tipping_point_above_todays_share():
    summary = analyse(price_inputs(), draws=0).summary
    assert (
        "If the patient-scored sections had been worth more than 66.7% of the marks "
        "(instead of 50%), Bidder 1 would have ranked first."
    ) in summary


@settings(max_examples=80, deadline=None)
@given(procurements())
def test_every_summary_has_three_to_six_plain_sentences(inputs):
    summary = analyse(inputs, draws=50).summary
    assert 3 <= len(summary) <= 6
    for sentence in summary:
        assert sentence[0].isupper() and sentence.endswith(".")
        assert not JARGON.search(sentence), sentence
        assert not LEAKED_PYTHON.search(sentence), sentence
        assert len(sentence) < 240


def test_number_formatting_rounds_the_way_people_do():
    assert points(81.25) == "81.3" and points(3.75) == "3.8"
    assert percent(0.3) == "30%" and percent(4 / 9, exact=True) == "44.4%"
    assert percent(0.6, exact=True) == "60%"
    assert join_names(["A", "B", "C"]) == "A, B and C"
    assert np.isclose(float(points(2.675, 2)), 2.68)
