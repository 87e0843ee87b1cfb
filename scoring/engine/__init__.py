"""The moderation engine: scores in, moderated results and patient influence out.

Pure numpy: no Flask, no database. Arrays in, frozen result objects out.

>>> from scoring.engine import EngineInputs, moderate, analyse
>>> inputs = EngineInputs(scores=..., groups=..., weights=..., max_scores=...)  # doctest: +SKIP
>>> result = analyse(inputs)                                                   # doctest: +SKIP
>>> result.to_dict(reference="GP-2027-01")                                     # doctest: +SKIP

Modules, one job each:

* `inputs` checks and holds the inputs (`EngineInputs`);
* `cells` combines each cell's scores, overall and by group;
* `ranking` computes totals, ranks, failing bidders and the winner (tie rules);
* `moderation` builds the moderated result (`moderate`);
* `influence` measures the patient scores' influence (contribution,
  counterfactual, Shapley split);
* `sweep` finds the patient weight shares at which the winner changes;
* `agreement` gives Kendall's tau-b and Krippendorff's alpha;
* `sensitivity` runs the Monte-Carlo weight perturbation;
* `summary` writes the plain-English sentences;
* `analysis` runs everything (`analyse`); `report` turns it into JSON or text.
"""

from .analysis import Analysis, analyse
from .influence import Influence
from .inputs import GROUPS, PANEL, PATIENT, EngineInputs
from .moderation import Moderation, moderate
from .version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "GROUPS",
    "PANEL",
    "PATIENT",
    "Analysis",
    "EngineInputs",
    "Influence",
    "Moderation",
    "analyse",
    "moderate",
]
