"""What a person waits for: page times under gunicorn at three sizes, beside the sign-in page.

    .venv/bin/python bench/web.py                          # SQLite, all three sizes
    .venv/bin/python bench/web.py --sizes demo,20x30x15 --requests 40
    .venv/bin/python bench/web.py --database postgresql+psycopg://app@127.0.0.1:55432/postgres

For each size (the demo; 20 bidders x 30 sections x 15 evaluators per section; 60 x 80 x 30)
it seeds an EMPTY database (SQLite: a new file each; PostgreSQL: the schema is dropped and
made again), serves it with gunicorn (2 workers, OMP_NUM_THREADS=1), signs a lead and an
evaluator in, and prints p50 and p95 of:

* the sign-in page, signed out (the floor: the cost of any request at all);
* a what-if update (the share slider moved: the JSON endpoint, without the chances);
* the results page, the moderation overview and a moderation section page;
* the score form and a score save (a draft, as an evaluator typing).

each also as a multiple of the floor. Requests go round robin (one of each kind in
turn) so a busy moment of the machine hurts them all alike. The reads come first;
the saves after them, since every save is a change and the next results or
moderation page then computes afresh (its cost is printed as "after a change").
Figures, not assertions: the machine decides. Note the load average printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.load import percentile  # noqa: E402
from tests.production.liveserver import Gunicorn, WebClient  # noqa: E402

PASSWORD = "bench-web-password-2027"
SIZES = {"demo": None, "20x30x15": (20, 30, 15, 50), "60x80x30": (60, 80, 30, 100)}
# Targets as multiples of the floor (issue 19): p95 at 20 x 30 x 15, and at 60 x 80 x 30.
TARGETS = {
    "20x30x15": {
        "what-if update": 3,
        "results page": 5,
        "moderation overview": 5,
        "moderation section": 5,
        "score form": 5,
        "score save": 5,
    },
    "60x80x30": {"*": 10},
}


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


def seed(url: str, size: str) -> dict:
    """The procurement of ``size``: made through the services, scores and the like by bulk insert."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from scoring import create_app
    from scoring.extensions import db
    from scoring.models import Assignment, Declaration, Role, Score, User, utcnow
    from scoring.services import accounts, demo, evaluation, setup

    _reset(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key"})
    with app.app_context():
        db.create_all()
        shared_hash = generate_password_hash(PASSWORD, method="scrypt:2048:8:1")
        if SIZES[size] is None:
            procurement, _logins = demo.seed_demo()
            db.session.commit()
            lead_email, evaluator_email = "lead@example.org", "rep@example.org"
            evaluator = accounts.find_by_email(evaluator_email)
            evaluation.declare_conflicts(evaluator, procurement, {b.id: (False, "") for b in procurement.bidders})
            for user in db.session.scalars(sa.select(User)):
                user.password_hash = shared_hash
            db.session.commit()
            cells = [(c.bidder.id, c.section.id) for c in evaluation.cells_for(evaluator, procurement)]
        else:
            n_bidders, n_sections, per_section, n_people = SIZES[size]
            rng = random.Random(2027)
            lead = accounts.create_user(email="lead@example.org", name="Lee Lead", role=Role.LEAD, password=None)
            people = [
                accounts.create_user(
                    email=f"evaluator{n:03d}@example.org",
                    name=f"Evaluator {n:03d}",
                    role=Role.PATIENT if n % 5 < 2 else Role.PANEL,
                    password=None,
                    training_completed_on=date(2026, 1, 1) if n % 5 < 2 else None,
                )
                for n in range(n_people)
            ]
            for user in [lead, *people]:
                user.password_hash = shared_hash
            db.session.commit()
            procurement = setup.create_procurement(
                reference="BENCH-WEB", title="Page-time benchmark", lead=lead, actor=lead
            )
            # Whole-number weights adding up to exactly 100 (30: 10 x 4 + 20 x 3; 80: 20 x 2 + 60 x 1).
            heavy = 100 - (100 // n_sections) * n_sections
            weight = [100 // n_sections + (1 if s < heavy else 0) for s in range(n_sections)]
            sections = [
                setup.add_section(
                    procurement,
                    code=f"Q{s + 1:02d}",
                    title=f"Section {s + 1}",
                    weight=weight[s],
                    scored_by="panel" if s % 3 == 2 else "both",
                    key_criterion="quality",
                    actor=lead,
                )
                for s in range(n_sections)
            ]
            bidders = [
                setup.add_bidder(procurement, code=f"Bidder {b + 1:02d}", name=f"Company {b + 1} Ltd", actor=lead)
                for b in range(n_bidders)
            ]
            db.session.commit()
            now = utcnow()
            # Every third section is the panel's alone (so the patient-share slider moves something).
            panel_only = [p for p in people if p.role == Role.PANEL.value]
            plan = {
                section.id: [
                    (panel_only if section.scored_by == "panel" else people)[
                        (s * per_section + k) % len(panel_only if section.scored_by == "panel" else people)
                    ]
                    for k in range(per_section)
                ]
                for s, section in enumerate(sections)
            }
            db.session.execute(
                sa.insert(Assignment),
                [{"section_id": sid, "user_id": p.id, "assigned_at": now} for sid, ps in plan.items() for p in ps],
            )
            db.session.execute(
                sa.insert(Declaration),
                [
                    {"user_id": p.id, "bidder_id": b.id, "has_conflict": False, "details": "", "declared_at": now}
                    for p in people
                    for b in bidders
                ],
            )
            db.session.commit()
            setup.open_scoring(procurement, actor=lead)
            db.session.commit()
            # Everyone has submitted, except the first evaluator, whose scores are drafts to save.
            evaluator = people[0]
            rows = []
            for sid, ps in plan.items():
                for p in ps:
                    for b in bidders:
                        rows.append(
                            {
                                "bidder_id": b.id,
                                "section_id": sid,
                                "evaluator_id": p.id,
                                "value": rng.randint(0, 4),
                                "rationale": "Seeded reason for the benchmark.",
                                "status": "draft" if p is evaluator else "submitted",
                                "source": "online",
                                "entered_by_id": p.id,
                                "version": 1,
                                "updated_at": now,
                                "submitted_at": None if p is evaluator else now,
                            }
                        )
            for start in range(0, len(rows), 20_000):
                db.session.execute(sa.insert(Score), rows[start : start + 20_000])
            db.session.commit()
            lead_email, evaluator_email = lead.email, evaluator.email
            cells = [(b.id, sid) for sid, ps in plan.items() if evaluator in ps for b in bidders]
        procurement_id = procurement.id
        section_ids = [s.id for s in procurement.sections]
        scores = db.session.scalar(sa.select(sa.func.count(Score.id)))
        db.session.remove()
        db.engine.dispose()
    return {
        "procurement_id": procurement_id,
        "section_ids": section_ids,
        "lead": lead_email,
        "evaluator": evaluator_email,
        "cells": cells,
        "scores": scores,
    }


def post_json(client: WebClient, path: str, body: dict, token: str):
    return client._request(
        "POST", path, json.dumps(body).encode(), {"Content-Type": "application/json", "X-CSRFToken": token}
    )


def measure(url: str, size: str, requests: int, workers: int) -> tuple[dict[str, list[float]], dict]:
    started = time.perf_counter()
    info = seed(url, size)
    seeded = time.perf_counter() - started
    p = info["procurement_id"]
    times: dict[str, list[float]] = {}
    problems: dict[str, int] = {}

    def record(kind, reply, ok=(200,)):
        if reply.status not in ok:
            problems[f"{kind}: HTTP {reply.status}"] = problems.get(f"{kind}: HTTP {reply.status}", 0) + 1
        times.setdefault(kind, []).append(reply.seconds)
        return reply

    with Gunicorn(
        url, workers=workers, extra_env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}, timeout=60
    ) as server:
        anonymous, lead, evaluator = WebClient(server.port), WebClient(server.port), WebClient(server.port)
        lead.sign_in(info["lead"], PASSWORD)
        evaluator.sign_in(info["evaluator"], PASSWORD)
        page = lead.get(f"/procurements/{p}/what-if")
        token = page.csrf_token()
        weights = {}
        for tag in re.findall(r"<input[^>]*app-weight[^>]*>", page.text):
            weights[re.search(r'data-code="([^"]+)"', tag).group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
        sections = info["section_ids"]
        rng = random.Random(19)
        reads = [
            ("sign-in page (floor)", lambda i: anonymous.get("/sign-in")),
            (
                "what-if update",
                lambda i: post_json(
                    lead, f"/procurements/{p}/what-if.json", {"weights": weights, "share": 10 + (i * 7) % 80}, token
                ),
            ),
            ("results page", lambda i: lead.get(f"/procurements/{p}/results")),
            ("moderation overview", lambda i: lead.get(f"/procurements/{p}/moderation")),
            (
                "moderation section",
                lambda i: lead.get(f"/procurements/{p}/moderation/sections/{sections[i % len(sections)]}"),
            ),
            (
                "score form",
                lambda i: evaluator.get(
                    "/evaluate/{}/bidders/{}/sections/{}".format(p, *info["cells"][i % len(info["cells"])])
                ),
            ),
        ]
        for i in range(-3, requests):  # three rounds to warm both workers, not counted
            for kind, call in reads:
                reply = call(i)
                if i >= 0:
                    record(kind, reply)
        sizes = {
            "what-if JSON bytes": len(
                post_json(lead, f"/procurements/{p}/what-if.json", {"weights": weights, "share": 33}, token).body
            )
        }
        for i in range(requests):
            bidder_id, section_id = info["cells"][rng.randrange(len(info["cells"]))]
            path = f"/evaluate/{p}/bidders/{bidder_id}/sections/{section_id}"
            form = evaluator.get(path)
            reply = evaluator.post(
                path,
                {
                    "score": str(rng.randint(0, 4)),
                    "version": str(form.version()),
                    "rationale": f"Benchmark reason {i}",
                    "csrf_token": form.csrf_token(),
                    "save_draft": "y",
                },
            )
            record("score save", reply, ok=(302,))
            record("floor during saves", anonymous.get("/sign-in"))
            record("results page, after a change", lead.get(f"/procurements/{p}/results"))
        log = server.output()
    if "Traceback" in log:
        problems["server tracebacks"] = log.count("Traceback")
    return times, {"seeded": seeded, "scores": info["scores"], "problems": problems, **sizes}


def table(size: str, times: dict[str, list[float]], extra: dict, load: tuple[float, float]) -> str:
    floor = percentile(times["sign-in page (floor)"], 95)
    floor50 = percentile(times["sign-in page (floor)"], 50)
    targets = TARGETS.get(size, {})
    lines = [
        f"\n### {size}: {extra['scores']:,} scores (seeded in {extra['seeded']:.0f} s); "
        f"load average {load[0]:.2f} before, {load[1]:.2f} after; what-if JSON {extra['what-if JSON bytes']:,} bytes",
        "",
        "| request | n | p50 ms | p95 ms | p50 × floor | p95 × floor | target (p95) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind, values in times.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        target = targets.get(
            kind,
            targets.get("*")
            if kind != "sign-in page (floor)" and "floor" not in kind and "after a change" not in kind
            else None,
        )
        verdict = "" if target is None else f"≤ {target}×: {'met' if p95 <= target * floor else 'MISSED'}"
        lines.append(
            f"| {kind} | {len(values)} | {p50 * 1000:.1f} | {p95 * 1000:.1f} | {p50 / floor50:.1f} | "
            f"{p95 / floor:.1f} | {verdict} |"
        )
    if extra["problems"]:
        lines.append(f"\nProblems: {extra['problems']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="demo,20x30x15,60x80x30", help="comma-separated, of " + ", ".join(SIZES))
    parser.add_argument("--requests", type=int, default=30, help="requests of each kind (default 30)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database",
        help="SQLAlchemy URL of a DISPOSABLE database (its public schema is "
        "dropped); default: a new SQLite file per size",
    )
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="bench-web-")
    print(
        f"bench/web.py: gunicorn --workers {args.workers}, {args.requests} requests of each kind, "
        f"{os.cpu_count()} CPUs, database {'SQLite' if not args.database else args.database.split('@')[-1]}"
    )
    for size in args.sizes.split(","):
        url = args.database or f"sqlite:///{workdir}/{size}.sqlite"
        before = os.getloadavg()[0]
        times, extra = measure(url, size, args.requests, args.workers)
        print(table(size, times, extra, (before, os.getloadavg()[0])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
