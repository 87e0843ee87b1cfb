"""EngineInputs refuses bad input with a message that says exactly what is wrong."""

from __future__ import annotations

import re

import numpy as np
import pytest

from scoring.engine import EngineInputs

nan = np.nan


def valid(**changes):
    """Two bidders, two sections, two evaluators (a patient rep and a panel member)."""
    arguments = dict(
        scores=np.array([[[3, 2], [4, nan]], [[1, 1], [2, 3]]], dtype=float),
        groups=("patient", "panel"),
        weights=[60, 40],
        max_scores=[4, 4],
        bidder_labels=("Bidder A", "Bidder B"),
        section_labels=("Q1", "Q2"),
    )
    arguments.update(changes)
    return arguments


def test_valid_inputs_are_normalised_and_read_only():
    inputs = EngineInputs(**valid())
    assert inputs.shape == (2, 2, 2)
    assert inputs.groups == ("patient", "panel")
    assert np.isnan(inputs.thresholds).all() and inputs.thresholds.shape == (2,)
    assert np.isnan(inputs.consensus).all() and inputs.consensus.shape == (2, 2)
    assert inputs.evaluator_labels == ("Evaluator 1", "Evaluator 2")
    with pytest.raises(ValueError):
        inputs.weights[0] = 50  # read-only
    with pytest.raises(ValueError):
        inputs.scores[0, 0, 0] = 0


def test_default_labels_number_bidders_and_sections_from_one():
    inputs = EngineInputs(**valid(bidder_labels=None, section_labels=None))
    assert inputs.bidder_labels == ("Bidder 1", "Bidder 2")
    assert inputs.section_labels == ("Section 1", "Section 2")


def test_weights_summing_to_100_within_a_millionth_are_accepted():
    EngineInputs(**valid(weights=[60.0000005, 40]))


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            dict(scores=np.zeros((2, 2))),
            "scores must be a 3-dimensional array (bidders, sections, evaluators); got shape (2, 2)",
        ),
        (dict(groups=("patient",)), "groups has 1 entries but scores has 2 evaluators"),
        (dict(weights=[50, 30, 20]), "weights has shape (3,) but scores has 2 sections; expected (2,)"),
        (dict(max_scores=[4]), "max_scores has shape (1,) but scores has 2 sections; expected (2,)"),
        (dict(thresholds=[1, 1, 1]), "thresholds has shape (3,) but scores has 2 sections; expected (2,)"),
        (
            dict(consensus=np.zeros((2, 3))),
            "consensus has shape (2, 3); expected (2, 2) (bidders, sections) to match scores",
        ),
        (dict(bidder_labels=("Bidder A",)), "bidder_labels has 1 labels but scores has 2 bidders"),
        (dict(section_labels=("Q1", "Q1")), "section_labels must be unique; 'Q1' appears more than once"),
        (
            dict(groups=("patient", "patients")),
            ("evaluator 'Evaluator 2' (index 1) has unknown group 'patients'; expected 'patient' or 'panel'"),
        ),
        (dict(weights=[110, -10]), "weight of section 'Q2' (index 1) is -10; weights must be 0 or more"),
        (dict(weights=[nan, 100]), "weight of section 'Q1' (index 0) is nan; it must be a number"),
        (dict(weights=[60, 30]), "weights sum to 90; they must sum to 100"),
        (dict(weights=[60, 40.01]), "weights sum to 100.01; they must sum to 100"),
        (dict(max_scores=[4, 0]), "maximum score of section 'Q2' (index 1) is 0; it must be more than 0"),
        (
            dict(thresholds=[5, nan]),
            ("threshold of section 'Q1' (index 0) is 5; it must lie between 0 and the section maximum of 4"),
        ),
        (
            dict(scores=np.array([[[3, 2], [4, nan]], [[1, 1], [2, 5]]], dtype=float)),
            (
                "score 5 by evaluator 'Evaluator 2' (index 1) for bidder 'Bidder B', section 'Q2' "
                "is above the section maximum of 4"
            ),
        ),
        (
            dict(scores=np.array([[[3, 2], [4, nan]], [[1, -1], [2, 3]]], dtype=float)),
            ("score -1 by evaluator 'Evaluator 2' (index 1) for bidder 'Bidder B', section 'Q1' is below 0"),
        ),
        (
            dict(scores=np.array([[[3, np.inf], [4, nan]], [[1, 1], [2, 3]]], dtype=float)),
            ("score inf by evaluator 'Evaluator 2' (index 1) for bidder 'Bidder A', section 'Q1' is not a number"),
        ),
        (
            dict(consensus=[[nan, 4.5], [nan, nan]]),
            "consensus 4.5 for bidder 'Bidder A', section 'Q2' is above the section maximum of 4",
        ),
        (dict(consensus=[[nan, nan], [-2, nan]]), "consensus -2 for bidder 'Bidder B', section 'Q1' is below 0"),
    ],
)
def test_bad_input_is_refused_with_an_exact_message(changes, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        EngineInputs(**valid(**changes))


def test_a_score_above_the_maximum_is_reported_with_that_sections_own_maximum():
    with pytest.raises(ValueError, match=r"section 'Q2' is above the section maximum of 10$"):
        EngineInputs(**valid(max_scores=[4, 10], scores=np.array([[[3, 2], [11, nan]], [[1, 1], [2, 3]]], float)))


def test_evaluator_labels_name_the_evaluator_in_messages():
    with pytest.raises(ValueError, match=r"^evaluator 'Sam' \(index 0\) has unknown group 'lead'"):
        EngineInputs(**valid(groups=("lead", "panel"), evaluator_labels=("Sam", "Kim")))
