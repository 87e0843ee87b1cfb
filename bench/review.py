"""Benchmark of the patient voice review over 200 finalised procurements of 20 × 30 × 15.

    python bench/review.py [--procurements 200]

Each procurement's final result is made once by the engine (20 bidders, 30
sections, 15 evaluators of whom 5 are patient representatives scoring 12 of
the sections) and stored as finalising stores it. Then the review's data (the
page's and `flask review --json`'s) is built and the review page rendered,
timed, while counting every engine call (`moderate`, `analyse`,
`decisive`): the review must make none. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procurements", type=int, default=200)
    args, _ = parser.parse_known_args()
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": folder,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
        }
    )
    from scoring import engine
    from scoring.engine import EngineInputs, analyse
    from scoring.engine import decisive as decisive_module
    from scoring.extensions import db
    from scoring.models import Procurement, Role, Status
    from scoring.services import accounts
    from scoring.services import review as review_service
    from scoring.services.review import stored_figures
    from scoring.services.review_export import workbook_bytes

    rng = np.random.default_rng(0)
    with app.app_context():
        db.create_all()
        reviewer = accounts.create_user(
            email="review@example.org", name="Ines Involvement", role=Role.REVIEWER, password="bench-password-123"
        )
        lead = accounts.create_user(
            email="lead@example.org", name="Lee Lead", role=Role.LEAD, password="bench-password-123"
        )
        start = time.perf_counter()
        for k in range(args.procurements):
            scores = rng.integers(0, 5, size=(20, 30, 15)).astype(float)
            scores[:, 12:, :5] = np.nan  # reps score sections 1-12 only
            scores[:, :6, 5:] = np.nan  # sections 1-6 are the reps' alone
            weights = rng.dirichlet(np.ones(30)) * 100
            weights[-1] += 100 - weights.sum()
            inputs = EngineInputs(
                scores=scores, groups=("patient",) * 5 + ("panel",) * 10, weights=weights, max_scores=np.full(30, 4.0)
            )
            doc = analyse(inputs, draws=0).to_dict(reference=f"BENCH-{k:03d}")
            doc["view"] = {"final": True, "review": {"bidders": 20, "sections": 30}}
            p = Procurement(
                reference=f"BENCH-{k:03d}",
                title=f"Bench {k}",
                lead_id=lead.id,
                status=Status.FINAL.value,
                final_result_json=json.dumps(doc),
                review_figures_json=stored_figures(doc),
                finalised_at=datetime(2026, 1, 1) + timedelta(days=k),
            )
            db.session.add(p)
        db.session.commit()
        print(f"made {args.procurements} finalised procurements in {time.perf_counter() - start:.1f} s")

        calls = {"n": 0}

        def counting(fn):
            def wrapped(*a, **kw):
                calls["n"] += 1
                return fn(*a, **kw)

            return wrapped

        import scoring.engine.analysis as analysis_module
        import scoring.engine.moderation as moderation_module

        for module, name in (
            (engine, "analyse"),
            (engine, "moderate"),
            (analysis_module, "analyse"),
            (moderation_module, "moderate"),
            (decisive_module, "decisive"),
        ):
            setattr(module, name, counting(getattr(module, name)))

        # A fresh worker parses each stored document once (the first call); later calls reuse the
        # rows, as a running server does. Both are printed.
        for attempt in ("first", "again"):
            t = time.perf_counter()
            data = review_service.review(reviewer)
            json.dumps(review_service.as_json(data))
            t_json = time.perf_counter() - t
            print(
                f"review data / flask review --json ({attempt}): {t_json:.3f} s for "
                f"{len(data['procurements'])} procurements"
            )
        client = app.test_client()
        client.post("/sign-in", data={"email": "review@example.org", "password": "bench-password-123"})
        for attempt in ("first request", "again", "again"):
            t = time.perf_counter()
            if attempt == "first request" and "--profile" in sys.argv:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
                response = client.get("/review")
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            else:
                response = client.get("/review")
            # The first request of a worker also compiles the templates it uses (once per worker).
            print(
                f"review page ({attempt}): {time.perf_counter() - t:.3f} s (HTTP {response.status_code}, "
                f"{len(response.data) // 1024} kB)"
            )
        t = time.perf_counter()
        response = client.get("/review/report")
        print(f"board report page: {time.perf_counter() - t:.3f} s (HTTP {response.status_code})")
        t = time.perf_counter()
        workbook_bytes(data)
        print(f"review workbook: {time.perf_counter() - t:.3f} s")
        print(f"alpha_half: {data['alpha_half']}")
        print(f"engine calls during the review: {calls['n']}")


if __name__ == "__main__":
    main()
