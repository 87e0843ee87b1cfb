"""Benchmark of importing a procurement from Excel: 20 bidders × 30 sections × 15 evaluators.

    python bench/import.py               # median of 5 runs on a throwaway SQLite file
    python bench/import.py --runs 3
    DATABASE_URL=postgresql+psycopg://app@127.0.0.1:55432/postgres python bench/import.py

The workbook has 30 sections (10 scored by patient representatives alone, 10 by
the panel alone, 10 by both), 20 bidders, 15 evaluators (5 patient
representatives, 10 panel) and every score they give: 20 × (5 × 20 + 10 × 20)
= 6,000 scores, each with a reason. With ``--all-both`` every section is scored by
everyone: 20 × 30 × 15 = 9,000 scores.

Timed steps, each from a fresh, empty database:

(a) reading and checking the workbook (`importer.read_plan`): nothing written;
(b) the whole import (`importer.import_procurement`): (a) plus creating the
    procurement, 15 accounts, the assignments, every score and one audit event
    per score, in one transaction.

Wall time and this process's CPU time are both printed: on a shared machine
the wall time stretches with the load, the CPU time much less. Nothing is
asserted (benchmarks never fail a build).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import create_app  # noqa: E402
from scoring.extensions import db  # noqa: E402
from scoring.models import Role  # noqa: E402
from scoring.services import accounts, importer  # noqa: E402

N_BIDDERS, N_SECTIONS, N_PATIENTS, N_PANEL = 20, 30, 5, 10


def workbook(all_both: bool = False) -> tuple[bytes, int]:
    """The benchmark workbook and how many scores it holds."""
    book = Workbook()
    book.remove(book.active)

    def sheet(name, rows):
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)

    groups = ["both"] * N_SECTIONS if all_both else (["patient"] * 10 + ["panel"] * 10 + ["both"] * 10)
    weights = [100 / N_SECTIONS] * N_SECTIONS
    weights[-1] = 100 - sum(weights[:-1])
    sections = [(f"Q{i + 1}", groups[i]) for i in range(N_SECTIONS)]
    sheet(
        "Procurement",
        [["field", "value"], ["reference", "BENCH-IMPORT"], ["title", "Benchmark procurement"], ["anonymised", "yes"]],
    )
    sheet(
        "Sections",
        [["code", "title", "weight", "max_score", "scored_by", "question", "key_criterion"]]
        + [
            [code, f"Section {code}", weights[i], 4, by, f"Question {code}?", "quality"]
            for i, (code, by) in enumerate(sections)
        ],
    )
    bidders = [f"Bidder {i + 1:02d}" for i in range(N_BIDDERS)]
    sheet("Bidders", [["code", "name"]] + [[b, f"{b} Healthcare Ltd"] for b in bidders])
    evaluators = [(f"bench.rep{i}@example.org", "patient") for i in range(N_PATIENTS)] + [
        (f"bench.panel{i}@example.org", "panel") for i in range(N_PANEL)
    ]
    sheet(
        "Evaluators",
        [["email", "name", "group", "training_completed"]]
        + [
            [email, f"Evaluator {i}", group, date(2026, 1, 10) if group == "patient" else None]
            for i, (email, group) in enumerate(evaluators)
        ],
    )
    scores = [["evaluator", "bidder", "section", "score", "rationale"]]
    for e, (email, group) in enumerate(evaluators):
        for b, bidder in enumerate(bidders):
            for s, (code, by) in enumerate(sections):
                if by in (group, "both"):
                    value = (e + b + s) % 5
                    scores.append(
                        [
                            email,
                            bidder,
                            code,
                            value,
                            f"Scored {value}: the answer to {code} was {'good' if value > 2 else 'thin'} "
                            "and the evidence was checked against the guidance.",
                        ]
                    )
    sheet("Scores", scores)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue(), len(scores) - 1


def run_once(data: bytes, url: str | None) -> tuple[float, float, float, float]:
    tmp = tempfile.mkdtemp(prefix="bench-import-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp}/bench.sqlite",
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": f"{tmp}/uploads",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        lead = accounts.create_user(email="bench.lead@example.org", name="Bench Lead", role=Role.LEAD, password=None)
        db.session.commit()
        start, cpu = time.perf_counter(), time.process_time()
        importer.read_plan(data)
        checked, checked_cpu = time.perf_counter() - start, time.process_time() - cpu
        db.session.rollback()
        start, cpu = time.perf_counter(), time.process_time()
        result = importer.import_procurement(data, actor=lead)
        whole, whole_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert result.procurement.status == "scoring"
        db.session.remove()
        db.drop_all()
    return checked, whole, checked_cpu, whole_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--all-both", action="store_true", help="every section scored by every evaluator (9,000 scores)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    start = time.perf_counter()
    data, n_scores = workbook(args.all_both)
    built = time.perf_counter() - start
    print(
        f"Import benchmark: {N_BIDDERS} bidders × {N_SECTIONS} sections × "
        f"{N_PATIENTS + N_PANEL} evaluators, {n_scores:,} scores; workbook {len(data) / 1024:.0f} KB "
        f"(built in {built:.2f} s)"
    )
    print(
        f"Database: {url.split('@')[-1] if url else 'SQLite file'}; Python {platform.python_version()} "
        f"on {platform.machine()}, {os.cpu_count()} CPUs; median of {args.runs} runs"
    )
    runs = [run_once(data, url) for _ in range(args.runs)]
    checked, whole, checked_cpu, whole_cpu = (statistics.median(r[i] for r in runs) for i in range(4))
    print(f"(a) read and check the workbook:  {checked:6.2f} s wall, {checked_cpu:6.2f} s CPU")
    print(
        f"(b) whole import, all or nothing: {whole:6.2f} s wall, {whole_cpu:6.2f} s CPU  "
        f"({1000 * whole / n_scores:.2f} ms per score, audit event included)"
    )
    print(
        f"    load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(a busy machine stretches the wall time; the CPU time is steadier)"
    )


if __name__ == "__main__":
    main()
