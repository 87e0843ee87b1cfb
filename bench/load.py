"""Load benchmark: gunicorn on 127.0.0.1, 50 evaluators saving scores and 5 leads reading results.

    .venv/bin/python bench/load.py                 # 60 s against a fresh SQLite file
    .venv/bin/python bench/load.py --duration 20 --think 0    # saturate the server
    .venv/bin/python bench/load.py --database postgresql+psycopg://app@127.0.0.1:55432/bench

It seeds a procurement of 20 bidders x 30 sections with 15 evaluators per section
(50 evaluators, each asked to score 9 sections: 9,000 cells, half already scored),
starts gunicorn (2 workers, OMP_NUM_THREADS=1), signs everyone in, and then for
--duration seconds each evaluator opens a score form and saves it (the version it
read, so no 409 is expected) and each lead opens the results page. Evaluators wait
--think seconds (default 5, jittered +-50%) between saves and leads twice that: far
busier than people who read a bid before scoring it, yet an offered load the server
can keep up with, so the latencies are service times, not an ever-growing queue.
--think 0 saturates the server instead (latency is then mostly queueing).

Prints requests per second, p50/p95/p99 per request type and the errors. Targets on a 2-core machine with SQLite: p95 < 150 ms for a save and
< 300 ms for the results page, no errors. Figures, never assertions: the machine decides.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.production.liveserver import Gunicorn, WebClient  # noqa: E402

PASSWORD = "bench-load-password-2027"


def seed(
    database_url: str,
    *,
    bidders: int,
    sections: int,
    per_section: int,
    evaluators: int,
    leads: int,
    scored_share: float,
    seed_value: int,
) -> dict:
    """Build the procurement through the services; declarations and existing scores by bulk insert."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from scoring import create_app
    from scoring.extensions import db
    from scoring.models import Declaration, Role, Score, utcnow
    from scoring.services import accounts, setup

    rng = random.Random(seed_value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-secret-key"})
    with app.app_context():
        db.create_all()
        lead_users = [
            accounts.create_user(email=f"lead{n}@example.org", name=f"Lead {n}", role=Role.LEAD, password=None)
            for n in range(max(leads, 1))
        ]
        # Two in five evaluators are patient representatives, so every section has some.
        people = [
            accounts.create_user(
                email=f"evaluator{n:02d}@example.org",
                name=f"Evaluator {n:02d}",
                role=Role.PATIENT if n % 5 < 2 else Role.PANEL,
                password=None,
                training_completed_on=date(2026, 1, 1) if n % 5 < 2 else None,
            )
            for n in range(evaluators)
        ]
        admin = accounts.create_user(email="admin@example.org", name="Admin", role=Role.ADMIN, password=None)
        # One hash shared by everyone, with small scrypt parameters: signing 55 people in
        # happens before the clock starts, and full-strength hashing would only slow the set-up.
        shared_hash = generate_password_hash(PASSWORD, method="scrypt:2048:8:1")
        for user in [*lead_users, *people, admin]:
            user.password_hash = shared_hash
        db.session.commit()
        procurement = setup.create_procurement(
            reference="BENCH-01", title="Load benchmark procurement", lead=lead_users[0], actor=admin
        )
        made_sections = [
            setup.add_section(
                procurement,
                code=f"Q{s + 1:02d}",
                title=f"Section {s + 1}",
                weight=100 / sections,
                scored_by="both",
                key_criterion="quality",
                actor=admin,
            )
            for s in range(sections)
        ]
        made_bidders = [
            setup.add_bidder(procurement, code=f"Bidder {b + 1:02d}", name=f"Company {b + 1} Ltd", actor=admin)
            for b in range(bidders)
        ]
        for s, section in enumerate(made_sections):
            for k in range(per_section):
                setup.assign_evaluator(section, people[(s * per_section + k) % evaluators], actor=admin)
        setup.open_scoring(procurement, actor=admin)
        db.session.commit()
        # A procurement has one lead, so the 5 "leads" are 5 people signed in as the lead of BENCH-01.
        now = utcnow()
        db.session.execute(
            sa.insert(Declaration),
            [
                {"user_id": p.id, "bidder_id": b.id, "has_conflict": False, "details": "", "declared_at": now}
                for p in people
                for b in made_bidders
            ],
        )
        cells: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # email -> (bidder, section, version)
        rows = []
        for section in made_sections:
            for assignment in section.assignments:
                for bidder in made_bidders:
                    version = 0
                    if rng.random() < scored_share:
                        version = 1
                        rows.append(
                            {
                                "bidder_id": bidder.id,
                                "section_id": section.id,
                                "evaluator_id": assignment.user_id,
                                "value": rng.randint(0, 4),
                                "rationale": "Seeded reason for the benchmark.",
                                "status": "draft",
                                "source": "online",
                                "entered_by_id": assignment.user_id,
                                "version": 1,
                                "updated_at": now,
                            }
                        )
                    cells[assignment.user.email].append((bidder.id, section.id, version))
        db.session.execute(sa.insert(Score), rows)
        db.session.commit()
        endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
        results_endpoint = next(
            (e for e in ("results.show", "moderation.results", "leads.overview") if e in endpoints), None
        )
        with app.test_request_context():
            from flask import url_for

            results_path = url_for(results_endpoint, procurement_id=procurement.id)
        info = {
            "procurement_id": procurement.id,
            "cells": dict(cells),
            "scores": len(rows),
            "lead_email": lead_users[0].email,
            "results_path": results_path,
            "results_endpoint": results_endpoint,
        }
        db.session.remove()
        db.engine.dispose()
    return info


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, kind: str, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if problem:
                self.errors[kind][problem] += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Run:
    """Shared by the users' threads: they sign in, wait at ``ready``, then work until ``stop_at``."""

    def __init__(self, users: int):
        self.ready = threading.Barrier(users + 1, timeout=600)
        self.go = threading.Event()
        self.stop_at = float("inf")

    def wait(self) -> None:
        self.ready.wait()
        self.go.wait()  # set by the main thread once stop_at is set

    def start(self, duration: float) -> None:
        self.ready.wait()  # everyone has signed in
        self.stop_at = time.monotonic() + duration
        self.go.set()


def evaluator_loop(run, port, email, cells, procurement_id, think, rng, recorder):
    browser = WebClient(port)
    browser.sign_in(email, PASSWORD)
    versions = {(b, s): v for b, s, v in cells}
    keys = list(versions)
    run.wait()
    time.sleep(rng.uniform(0, think))  # arrive spread out, not all in the same millisecond
    while time.monotonic() < run.stop_at:
        bidder_id, section_id = rng.choice(keys)
        path = f"/evaluate/{procurement_id}/bidders/{bidder_id}/sections/{section_id}"
        try:
            page = browser.get(path)
            recorder.add("score form (GET)", page.seconds, None if page.status == 200 else f"HTTP {page.status}")
            if page.status == 200:
                version = page.version()
                if version != versions[(bidder_id, section_id)]:
                    recorder.add("score form (GET)", 0.0, "a version this evaluator did not save")
                reply = browser.post(
                    path,
                    {
                        "score": str(rng.randint(0, 4)),
                        "version": str(version),
                        "rationale": f"Reason written at {time.time():.3f}",
                        "csrf_token": page.csrf_token(),
                        "save_draft": "y",
                    },
                )
                recorder.add(
                    "save score (POST)", reply.seconds, None if reply.status == 302 else f"HTTP {reply.status}"
                )
                if reply.status == 302:
                    versions[(bidder_id, section_id)] = version + 1
        except Exception as error:  # noqa: BLE001 - a benchmark reports errors, it does not stop
            recorder.add("connection", 0.0, type(error).__name__)
            browser.close()
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)
    browser.close()


def lead_loop(run, port, email, path, think, rng, recorder, label):
    browser = WebClient(port)
    browser.sign_in(email, PASSWORD)
    run.wait()
    time.sleep(rng.uniform(0, think))
    while time.monotonic() < run.stop_at:
        try:
            page = browser.get(path)
            recorder.add(label, page.seconds, None if page.status == 200 else f"HTTP {page.status}")
        except Exception as error:  # noqa: BLE001
            recorder.add("connection", 0.0, type(error).__name__)
            browser.close()
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)
    browser.close()


def report(recorder: Recorder, seconds: float, targets: dict[str, float]) -> str:
    lines = [
        "| request | count | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | p95 target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    total = 0
    for kind in sorted(recorder.latencies):
        values = [v for v in recorder.latencies[kind] if v > 0]
        errors = sum(recorder.errors[kind].values())
        total += len(values)
        target = targets.get(kind)
        verdict = (
            ""
            if target is None or not values
            else (f"< {target * 1000:.0f} ms: {'met' if percentile(values, 95) < target else 'MISSED'}")
        )
        lines.append(
            f"| {kind} | {len(values)} | {len(values) / seconds:.1f} | {percentile(values, 50) * 1000:.0f} | "
            f"{percentile(values, 95) * 1000:.0f} | {percentile(values, 99) * 1000:.0f} | "
            f"{(max(values) if values else float('nan')) * 1000:.0f} | {errors} | {verdict} |"
        )
    lines.append(
        f"| all | {total} | {total / seconds:.1f} | | | | | "
        f"{sum(sum(e.values()) for e in recorder.errors.values())} | |"
    )
    for kind, problems in recorder.errors.items():
        for problem, count in problems.items():
            lines.append(f"\n{kind}: {problem} x {count}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--evaluators", type=int, default=50)
    parser.add_argument("--leads", type=int, default=5)
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--sections", type=int, default=30)
    parser.add_argument("--per-section", type=int, default=15, help="evaluators assigned to each section")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean seconds an evaluator waits between saves; leads wait twice as long "
        "(0: no wait, saturate the server)",
    )
    parser.add_argument("--database", help="SQLAlchemy URL of an EMPTY database (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="bench-load-")
    url = args.database or f"sqlite:///{workdir}/bench.sqlite"
    started = time.perf_counter()
    info = seed(
        url,
        bidders=args.bidders,
        sections=args.sections,
        per_section=args.per_section,
        evaluators=args.evaluators,
        leads=args.leads,
        scored_share=0.5,
        seed_value=args.seed,
    )
    print(
        f"Seeded {args.bidders} bidders x {args.sections} sections x {args.per_section} evaluators per section "
        f"({args.evaluators} evaluators, {info['scores']} scores already saved) in "
        f"{time.perf_counter() - started:.1f} s; database {url.split('@')[-1]}"
    )
    print(f"Results page: {info['results_endpoint']} {info['results_path']}")
    print(
        f"gunicorn --workers {args.workers}; {args.evaluators} evaluators, {args.leads} leads, "
        f"think time {args.think:g} s (leads {args.think * 2:g} s), {args.duration:g} s; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    recorder = Recorder()
    rng = random.Random(args.seed)
    emails = sorted(info["cells"])[: args.evaluators]
    run = Run(len(emails) + args.leads)
    with Gunicorn(
        url, workers=args.workers, extra_env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}, timeout=60
    ) as server:
        threads = [
            threading.Thread(
                target=evaluator_loop,
                daemon=True,
                args=(
                    run,
                    server.port,
                    email,
                    info["cells"][email],
                    info["procurement_id"],
                    args.think,
                    random.Random(rng.random()),
                    recorder,
                ),
            )
            for email in emails
        ]
        threads += [
            threading.Thread(
                target=lead_loop,
                daemon=True,
                args=(
                    run,
                    server.port,
                    info["lead_email"],
                    info["results_path"],
                    args.think * 2,
                    random.Random(rng.random()),
                    recorder,
                    "results page (GET)",
                ),
            )
            for _ in range(args.leads)
        ]
        for thread in threads:
            thread.start()
        run.start(args.duration)
        began = time.monotonic()
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        elapsed = time.monotonic() - began
        log = server.output()
    print()
    print(report(recorder, elapsed, {"save score (POST)": 0.150, "results page (GET)": 0.300}))
    if "Traceback" in log:
        print("\nThe server logged errors:\n" + log[-3000:])
    print(f"\nMeasured over {elapsed:.1f} s; load average now {os.getloadavg()[0]:.1f}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
