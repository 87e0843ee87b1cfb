"""Benchmark of the Excel export: a million individual scores, and a realistic procurement.

    python bench/export.py                 # everything (the pandas run takes minutes)
    python bench/export.py --skip-pandas   # only our writer
    python bench/export.py --sizes small   # only the realistic procurement

Each measurement runs in its own fresh Python process, so its peak memory
(``ru_maxrss``, the resident set at its largest) is its own; the table also
shows the process's resident size before the measured step, after the imports
and, for the workbook, after the data structures are built (the score cube
and the result document; the score rows themselves are generated as they are
written).

Sizes:

* ``1m``: 200 bidders × 100 sections × 50 evaluators = 1,000,000 scores
  (Excel's row limit is 1,048,576): every evaluator (15 patient
  representatives, 35 panel members) scores every cell, and every score has
  its own reason of about 90 characters. 1,000 audit events.
* ``small``: 20 bidders × 30 sections × 15 evaluators (5 patient
  representatives) = 9,000 scores, 500 audit events: a realistic large
  procurement.

Steps, all through the same functions the app uses
(`scoring.services.export.write_workbook` from an `ExportData`):

* ``analysis``: the engine (`analyse`, 10,000 Monte-Carlo draws) and the
  result document (`document_from_analysis`), as a live export does;
* ``workbook``: writing the whole 8-sheet workbook, the Scores rows coming
  from a generator as they would from a database cursor;
* ``pandas``: for comparison, ``pandas.DataFrame.to_excel`` (openpyxl engine)
  writing the same Scores table alone, timed from the DataFrame already built.

Targets: the whole 1M-score workbook under 60 s and 250 MB peak, and faster
than pandas writing the Scores sheet alone; the realistic procurement's
workbook under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {
    "1m": dict(bidders=200, sections=100, evaluators=50, patients=15, audit=1000),
    "small": dict(bidders=20, sections=30, evaluators=15, patients=5, audit=500),
}
REASONS = (
    "the answer did not address the question",
    "important parts of the requirement were missing",
    "it met the requirement but had some gaps",
    "a full answer with good evidence of delivery",
    "an excellent answer with clear detail and strong evidence",
)
TARGETS = {("1m", "workbook"): (60.0, 250.0), ("small", "workbook"): (1.0, None)}


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process so far: steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ----------------------------------------------------------------------------- the synthetic data


def build(size: str, seed: int = 2027):
    """The engine inputs and the labels of a synthetic procurement of ``size``."""
    import numpy as np

    from scoring.engine import EngineInputs

    p = SIZES[size]
    rng = np.random.default_rng(seed)
    nb, ns, ne = p["bidders"], p["sections"], p["evaluators"]
    quality = rng.normal(2.2, 0.5, nb)[:, None, None]
    scores = np.clip(np.rint(quality + rng.normal(0, 0.8, (nb, ns, ne))), 0, 4)
    groups = ["patient"] * p["patients"] + ["panel"] * (ne - p["patients"])
    weights = rng.uniform(1, 3, ns)
    weights = weights / weights.sum() * 100
    weights[-1] = 100 - weights[:-1].sum()
    inputs = EngineInputs(
        scores=scores,
        groups=groups,
        weights=weights,
        max_scores=np.full(ns, 4.0),
        thresholds=np.where(np.arange(ns) % 10 == 0, 1.0, np.nan),
        bidder_labels=[f"Bidder {i + 1:03d}" for i in range(nb)],
        section_labels=[f"Q{i + 1:03d}" for i in range(ns)],
        evaluator_labels=[f"evaluator{e + 1:02d}@example.org" for e in range(ne)],
    )
    return inputs


def score_rows(inputs):
    """The Scores rows, generated one at a time as a database cursor would return them."""
    nb, ns, ne = inputs.shape
    emails = inputs.evaluator_labels
    names = [f"Evaluator {e + 1:02d}" for e in range(ne)]
    groups = inputs.groups
    bidders, sections = inputs.bidder_labels, inputs.section_labels
    start = datetime(2027, 3, 1, 9, 0)
    submitted = [start + timedelta(minutes=37 * e) for e in range(ne)]
    cube = inputs.scores
    for s in range(ns):
        section = sections[s]
        block = cube[:, s, :]
        for b in range(nb):
            bidder = bidders[b]
            for e, value in enumerate(block[b].tolist()):
                if value != value:  # NaN: not scored
                    continue
                v = int(value)
                yield (
                    names[e],
                    emails[e],
                    groups[e],
                    bidder,
                    section,
                    v,
                    f"Scored {v}: {REASONS[v]} ({bidder}, {section}, evaluator {e + 1}).",
                    submitted[e],
                    names[e],
                )


def audit_rows(count: int):
    at = datetime(2027, 1, 10, 9, 0)
    for i in range(count):
        yield (
            i + 1,
            at + timedelta(seconds=i),
            "Lee Lead",
            "score.saved",
            "score",
            i + 1,
            "",
            None,
            json.dumps({"value": i % 5, "rationale": f"Reason {i}"}),
        )


def export_data(size: str):
    from scoring.engine import analyse
    from scoring.services.export import ExportData, document_from_analysis

    inputs = build(size)
    started = time.perf_counter()
    analysis = analyse(inputs)
    document = document_from_analysis(analysis, reference=f"BENCH-{size.upper()}")
    analysis_seconds = time.perf_counter() - started
    data = ExportData(
        reference=f"BENCH-{size.upper()}",
        title=f"Synthetic procurement ({size})",
        status="Moderation",
        anonymised=True,
        document=document,
        scores=score_rows(inputs),
        audit=audit_rows(SIZES[size]["audit"]),
        bidder_names={code: f"{code} Legal Name Ltd" for code in inputs.bidder_labels},
        section_titles={code: f"Section {code}" for code in inputs.section_labels},
        exported_at=datetime.now().replace(microsecond=0),
        exported_by="Benchmark",
    )
    return data, analysis_seconds, inputs


# ----------------------------------------------------------------------------- one measured step


def run_step(size: str, step: str, out: Path) -> dict:
    import_rss = rss_mb()
    if step == "workbook":
        from scoring.services.export import write_workbook

        data, analysis_seconds, _ = export_data(size)
        before = rss_mb()
        cpu = cpu_seconds()
        started = time.perf_counter()
        counts = write_workbook(data, out)
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "cpu": cpu_seconds() - cpu,
            "analysis_seconds": analysis_seconds,
            "rows": counts.scores,
            "import_rss": import_rss,
            "before_rss": before,
            "peak": peak_mb(),
            "bytes": out.stat().st_size,
        }
    if step == "pandas":
        import pandas as pd

        from scoring.services.export import SCORE_COLUMNS

        inputs = build(size)
        frame = pd.DataFrame.from_records(score_rows(inputs), columns=SCORE_COLUMNS)
        before = rss_mb()
        cpu = cpu_seconds()
        started = time.perf_counter()
        frame.to_excel(out, sheet_name="Scores", index=False, engine="openpyxl")
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "cpu": cpu_seconds() - cpu,
            "rows": len(frame),
            "import_rss": import_rss,
            "before_rss": before,
            "peak": peak_mb(),
            "bytes": out.stat().st_size,
        }
    raise ValueError(step)


def measure(size: str, step: str) -> dict:
    """Run one step in a fresh interpreter and return what it measured."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        out = Path(tmp) / f"{size}-{step}.xlsx"
        done = subprocess.run(
            [sys.executable, __file__, "--child", size, step, str(out)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{size} {step} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "1m"], choices=list(SIZES))
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("SIZE", "STEP", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, step, out = args.child
        print(json.dumps(run_step(size, step, Path(out))))
        return

    import openpyxl

    print(
        f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(f"load average {os.getloadavg()[0]:.1f} (wall times stretch when it exceeds the CPUs)")
    print(
        f"{'size':<6} {'step':<9} {'rows':>9} {'analysis s':>10} {'write s':>8} {'CPU s':>7} "
        f"{'rows/s':>9} {'RSS before MB':>13} {'peak MB':>8} {'file MB':>8}  target"
    )
    results = {}
    for size in args.sizes:
        steps = ["workbook"] + ([] if args.skip_pandas else ["pandas"])
        for step in steps:
            r = measure(size, step)
            results[(size, step)] = r
            target = TARGETS.get((size, step))
            verdict = ""
            if target:
                seconds, memory = target
                ok = r["seconds"] < seconds and (memory is None or r["peak"] < memory)
                verdict = (
                    f"< {seconds:g} s" + (f", < {memory:g} MB" if memory else "") + (": met" if ok else ": MISSED")
                )
            analysis = f"{r['analysis_seconds']:.2f}" if "analysis_seconds" in r else "-"
            print(
                f"{size:<6} {step:<9} {r['rows']:>9,} {analysis:>10} {r['seconds']:>8.2f} "
                f"{r['cpu']:>7.2f} "
                f"{r['rows'] / r['seconds']:>9,.0f} {r['before_rss']:>13.0f} {r['peak']:>8.0f} "
                f"{r['bytes'] / 2**20:>8.1f}  {verdict}",
                flush=True,
            )
        if (size, "pandas") in results:
            ours, theirs = results[(size, "workbook")], results[(size, "pandas")]
            print(
                f"{size:<6} whole workbook vs pandas writing Scores alone: "
                f"{theirs['seconds'] / ours['seconds']:.1f}x faster (wall), "
                f"{theirs['cpu'] / ours['cpu']:.1f}x (CPU)",
                flush=True,
            )


if __name__ == "__main__":
    main()
