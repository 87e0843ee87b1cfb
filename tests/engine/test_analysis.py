"""analyse(): everything at once, with its options recorded."""

from __future__ import annotations

import pytest

from scoring.engine import analyse

from .test_influence import main_inputs


def test_analysis_runs_moderation_influence_sensitivity_and_summary_together():
    a = analyse(main_inputs(), combine="median", disagreement=1.5, draws=300, seed=4)
    assert a.moderation.combine == "median" and a.moderation.disagreement_threshold == 1.5
    assert a.sensitivity.shape == (2,)
    assert a.options == {"combine": "median", "disagreement": 1.5, "draws": 300, "concentration": 200.0, "seed": 4}
    assert 3 <= len(a.summary) <= 6


def test_zero_draws_skips_the_monte_carlo():
    a = analyse(main_inputs(), draws=0)
    assert a.sensitivity is None
    assert not any("at random" in sentence for sentence in a.summary)


def test_the_same_seed_gives_the_same_analysis():
    first, again = analyse(main_inputs(), draws=500), analyse(main_inputs(), draws=500)
    assert first.to_dict() == again.to_dict()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"draws": -1}, "draws must be a whole number, 1 or more; got -1"),
        ({"concentration": -2.0}, "concentration must be more than 0; got -2.0"),
        ({"combine": "mode"}, "combine must be 'mean' or 'median'; got 'mode'"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        analyse(main_inputs(), **options)
