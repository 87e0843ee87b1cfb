"""Benchmark of the moderation engine on a very large synthetic procurement.

    python bench/engine.py            # everything, median of 15 runs
    OMP_NUM_THREADS=1 python bench/engine.py
    python bench/engine.py --runs 5 --skip-db

The procurement has 200 bidders × 100 sections × 50 evaluators = 1,000,000
scores on the 0-4 scale. 10 evaluators are patient representatives who score
60 of the 100 sections; the other 40 are the panel's alone. With 2% of the
remaining cells left blank at random, 10% of the cube is missing. 5% of the
cells have a consensus score and 10 sections have a threshold of 1.

Timed steps (all in this one process, so the ratios are fair):

(a) moderation only: moderated cells, totals, ranks, failing flags;
(b) the full analysis without Monte-Carlo: (a) plus contribution,
    counterfactual, Shapley split, tipping points, Kendall's tau,
    Krippendorff's alpha and the summary;
(c) 10,000 Monte-Carlo weight draws (probability of ranking first);
(d) for comparison, a straightforward pandas version of (a) from a long table
    (bidder, section, evaluator, score) with groupby;
(e) the memory floor: numpy summing the score array once;
(f) loading the scores from a SQLite database through the adapter
    (`scoring.services.engine_adapter.load_inputs`): the 900,000 score rows
    (a database has no row for a blank) and the consensus rows.

Each step is timed "cold" (CPU caches flushed by writing a 128 MB buffer
before each run, so the 8 MB cube comes from memory, which is what the floor
measures) and "warm" (the same step run again straight away).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.engine import EngineInputs, analyse, moderate  # noqa: E402
from scoring.engine.sensitivity import win_probabilities  # noqa: E402

N_BIDDERS, N_SECTIONS, N_EVALUATORS = 200, 100, 50
N_PATIENTS, PATIENT_SECTIONS = 10, 60

TARGETS = {"b": 50.0, "c": 50.0, "f": 1000.0}  # milliseconds
RATIO_TARGETS = {"d/a": 10.0, "a/e": 3.0}


def synthetic_procurement(seed: int = 2027) -> EngineInputs:
    """The 1,000,000-score procurement described in the module docstring."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(2.2, 0.5, N_BIDDERS)[:, None, None]
    section = rng.normal(0.0, 0.4, N_SECTIONS)[None, :, None]
    noise = rng.normal(0.0, 0.8, (N_BIDDERS, N_SECTIONS, N_EVALUATORS))
    scores = np.clip(np.rint(quality + section + noise), 0, 4)
    scores[:, PATIENT_SECTIONS:, :N_PATIENTS] = np.nan  # sections patients do not score
    scores[rng.random(scores.shape) < 0.02] = np.nan  # conflicts and gaps
    groups = ("patient",) * N_PATIENTS + ("panel",) * (N_EVALUATORS - N_PATIENTS)
    raw = rng.gamma(2.0, 1.0, N_SECTIONS)
    weights = raw / raw.sum() * 100.0
    thresholds = np.full(N_SECTIONS, np.nan)
    thresholds[rng.choice(N_SECTIONS, 10, replace=False)] = 1.0
    consensus = np.where(
        rng.random((N_BIDDERS, N_SECTIONS)) < 0.05, rng.integers(0, 5, (N_BIDDERS, N_SECTIONS)), np.nan
    )
    return EngineInputs(
        scores=scores,
        groups=groups,
        weights=weights,
        max_scores=np.full(N_SECTIONS, 4.0),
        thresholds=thresholds,
        consensus=consensus,
    )


def long_table(inputs: EngineInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scores as a database would hold them: one row per score (no row for a blank)."""
    b, s, e = np.nonzero(~np.isnan(inputs.scores))
    scores = pd.DataFrame({"bidder": b, "section": s, "evaluator": e, "score": inputs.scores[b, s, e]})
    cb, cs = np.nonzero(~np.isnan(inputs.consensus))
    consensus = pd.DataFrame({"bidder": cb, "section": cs, "score": inputs.consensus[cb, cs]})
    return scores, consensus


def pandas_moderation(
    scores: pd.DataFrame, consensus: pd.DataFrame, weights: np.ndarray, max_scores: np.ndarray, thresholds: np.ndarray
):
    """(d): moderated cells, totals, ranks and failing flags, the straightforward pandas way."""
    proposed = scores.groupby(["bidder", "section"])["score"].mean().unstack()
    agreed = consensus.set_index(["bidder", "section"])["score"].unstack()
    agreed = agreed.reindex(index=proposed.index, columns=proposed.columns)
    moderated = agreed.combine_first(proposed)
    totals = (moderated.div(max_scores, axis=1).fillna(0.0) * weights).sum(axis=1)
    failing = moderated.lt(thresholds, axis=1).any(axis=1)
    passing_ranks = totals[~failing].rank(method="min", ascending=False)
    failing_ranks = totals[failing].rank(method="min", ascending=False) + (~failing).sum()
    ranks = pd.concat([passing_ranks, failing_ranks]).sort_index().astype(int)
    return moderated, totals, ranks, failing


_SCRATCH = np.ones(16_000_000)  # 128 MB, four times the largest last-level cache here


def flush_caches() -> None:
    _SCRATCH[::8] += 1.0  # touching one double per 64-byte line evicts every line


def timed(step: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median milliseconds of ``runs`` cold runs, of ``runs`` warm runs, and CPU time cold.

    The CPU time (all threads of this process) is a check on the wall times when
    other programs compete for the CPUs: it barely moves when they do.
    """
    step()  # first call: imports, allocations
    cold, warm, cpu = [], [], []
    for _ in range(runs):
        flush_caches()
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        cold.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        step()
        warm.append(time.perf_counter() - start)
    return tuple(1e3 * float(np.median(x)) for x in (cold, warm, cpu))


def check_pandas_agrees(inputs: EngineInputs, result) -> None:
    m = moderate(inputs)
    moderated, totals, ranks, failing = result
    assert np.allclose(totals.to_numpy(), m.totals, atol=1e-9), "pandas totals differ"
    assert (failing.to_numpy() == m.failing).all(), "pandas failing flags differ"
    assert (ranks.to_numpy() == m.ranks).all(), "pandas ranks differ"


def database_load_timing(inputs: EngineInputs, *, runs: int) -> tuple[float, float, float]:
    """(f): write the procurement to a temporary SQLite database, time loading it back.

    Rows go in with SQLAlchemy core ``executemany`` (not timed); the timed step
    is `scoring.services.engine_adapter.load_inputs` in a fresh session, which
    also checks the weights and scores again in `EngineInputs`. The loaded cube
    is compared with the original before timing.
    """
    import tempfile
    from datetime import datetime

    from sqlalchemy import insert

    from scoring import create_app
    from scoring.extensions import db
    from scoring.models import Bidder, Consensus, Procurement, Score, Section, User
    from scoring.services.engine_adapter import load_inputs

    folder = tempfile.mkdtemp(prefix="engine-bench-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
        }
    )
    now = datetime(2027, 1, 15, 9, 0)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(
                insert(User),
                [
                    {
                        "id": e + 1,
                        "email": f"evaluator{e + 1}@example.org",
                        "name": f"Evaluator {e + 1}",
                        "role": group,
                        "active": True,
                        "failed_logins": 0,
                        "created_at": now,
                    }
                    for e, group in enumerate(inputs.groups)
                ],
            )
            connection.execute(
                insert(Procurement),
                [
                    {
                        "id": 1,
                        "reference": "BENCH-1",
                        "title": "Benchmark",
                        "status": "moderation",
                        "anonymised": True,
                        "combine_method": "mean",
                        "disagreement_threshold": 2.0,
                        "created_at": now,
                    }
                ],
            )
            connection.execute(
                insert(Section),
                [
                    {
                        "id": s + 1,
                        "procurement_id": 1,
                        "position": s,
                        "code": f"Q{s + 1}",
                        "title": f"Question {s + 1}",
                        "question": "",
                        "guidance": "",
                        "weight": float(inputs.weights[s]),
                        "max_score": 4,
                        "scored_by": "both",
                        "threshold": (None if np.isnan(inputs.thresholds[s]) else float(inputs.thresholds[s])),
                    }
                    for s in range(N_SECTIONS)
                ],
            )
            connection.execute(
                insert(Bidder),
                [
                    {
                        "id": b + 1,
                        "procurement_id": 1,
                        "position": b,
                        "code": f"Bidder {b + 1}",
                        "name": f"Bidder {b + 1} Ltd",
                    }
                    for b in range(N_BIDDERS)
                ],
            )
            b, s, e = np.nonzero(~np.isnan(inputs.scores))
            values = inputs.scores[b, s, e].astype(int)
            connection.execute(
                insert(Score),
                [
                    {
                        "bidder_id": int(bi) + 1,
                        "section_id": int(si) + 1,
                        "evaluator_id": int(ei) + 1,
                        "value": int(v),
                        "rationale": "",
                        "status": "submitted",
                        "source": "online",
                        "version": 1,
                        "updated_at": now,
                    }
                    for bi, si, ei, v in zip(b, s, e, values)
                ],
            )
            cb, cs = np.nonzero(~np.isnan(inputs.consensus))
            connection.execute(
                insert(Consensus),
                [
                    {
                        "bidder_id": int(bi) + 1,
                        "section_id": int(si) + 1,
                        "value": int(inputs.consensus[bi, si]),
                        "rationale": "",
                        "source": "online",
                        "decided_at": now,
                        "version": 1,
                    }
                    for bi, si in zip(cb, cs)
                ],
            )

        def load():
            db.session.remove()
            procurement = db.session.get(Procurement, 1)
            return load_inputs(db.session, procurement)

        loaded, meta = load()
        assert meta["scores"] == len(values)
        assert np.array_equal(loaded.scores, inputs.scores, equal_nan=True), "cube differs"
        assert np.array_equal(loaded.consensus, inputs.consensus, equal_nan=True)
        assert loaded.groups == inputs.groups
        result = timed(load, runs)
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per step (median taken)")
    parser.add_argument("--skip-db", action="store_true", help="skip (f), the database load")
    options = parser.parse_args(argv)
    runs = options.runs

    inputs = synthetic_procurement()
    scores, consensus = long_table(inputs)
    moderation = moderate(inputs)
    missing = float(np.isnan(inputs.scores).mean())

    rows: dict[str, tuple[str, float, float, float]] = {}

    def step(key: str, label: str, function: Callable[[], object], n: int = runs) -> None:
        rows[key] = (label, *timed(function, n))

    step("a", "(a) moderation only", lambda: moderate(inputs))
    step("b", "(b) full analysis, no Monte-Carlo", lambda: analyse(inputs, draws=0))
    step(
        "c",
        "(c) Monte-Carlo, 10,000 weight draws",
        lambda: win_probabilities(
            moderation.fraction, inputs.weights, moderation.failing, draws=10_000, concentration=200.0, seed=0
        ),
    )
    pandas_args = (
        scores,
        consensus,
        np.asarray(inputs.weights),
        np.asarray(inputs.max_scores),
        np.asarray(inputs.thresholds),
    )
    check_pandas_agrees(inputs, pandas_moderation(*pandas_args))
    step("d", "(d) pandas groupby version of (a)", lambda: pandas_moderation(*pandas_args), max(3, runs // 2))
    step("e", "(e) memory floor: one numpy sum", lambda: inputs.scores.sum())
    step("a+", "    (a) + spread and disagreement flags", lambda: moderate(inputs).disagreement)
    step(
        "in",
        "    checking the inputs (EngineInputs)",
        lambda: EngineInputs(
            scores=inputs.scores,
            groups=inputs.groups,
            weights=inputs.weights,
            max_scores=inputs.max_scores,
            thresholds=inputs.thresholds,
            consensus=inputs.consensus,
        ),
    )
    if not options.skip_db:
        rows["f"] = ("(f) load the scores from SQLite (adapter)", *database_load_timing(inputs, runs=max(3, runs // 3)))

    print(
        f"Moderation engine: {N_BIDDERS} bidders x {N_SECTIONS} sections x {N_EVALUATORS} "
        f"evaluators = {inputs.scores.size:,} scores, {100 * missing:.1f}% missing"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}; "
        f"median of {runs} runs"
    )
    print()
    header = f"{'step':<42} {'cold ms':>9} {'warm ms':>9} {'cpu ms':>9}  target"
    print(header)
    print("-" * len(header))
    for key, (label, cold, warm, cpu) in rows.items():
        target = ""
        if key in TARGETS:
            verdict = "ok" if cold <= TARGETS[key] else "MISSED"
            target = f"<= {TARGETS[key]:g} ms  {verdict}"
        print(f"{label:<42} {cold:9.2f} {warm:9.2f} {cpu:9.2f}  {target}".rstrip())
    print(f"load average while running: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    for name, (top, bottom) in {"d/a": ("d", "a"), "a/e": ("a", "e")}.items():
        cold = rows[top][1] / rows[bottom][1]
        warm = rows[top][2] / rows[bottom][2]
        goal = RATIO_TARGETS[name]
        ok = cold >= goal if name == "d/a" else cold <= goal
        sign = ">=" if name == "d/a" else "<="
        print(
            f"ratio ({top})/({bottom}): cold {cold:6.1f}x, warm {warm:6.1f}x   "
            f"target {sign} {goal:g}x  {'ok' if ok else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
