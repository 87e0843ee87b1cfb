"""How long sign-in takes for a wrong password on a real account against an email with no account.

    python bench/sign_in.py            # 20 of each, production scrypt cost, throwaway SQLite file

The two should be about equal (issue 12 item 6): an unknown email is checked against a dummy
hash of the same cost, so the time does not tell anyone whether an account exists. Prints
median and 90th percentile per case; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import create_app  # noqa: E402
from scoring.extensions import db  # noqa: E402
from scoring.models import Role  # noqa: E402
from scoring.services import accounts  # noqa: E402
from scoring.services.errors import Refused  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-sign-in-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": f"{tmp}/uploads",
            "LOGIN_MAX_FAILURES": 10**9,
            "LOGIN_MAX_FAILURES_PER_IP": 10**9,
        }
    )
    with app.app_context():
        db.create_all()
        accounts.create_user(
            email="real@example.org", name="Real Person", role=Role.PANEL, password="a long enough passphrase"
        )
        db.session.commit()
        timings: dict[str, list[float]] = {"wrong password, real account": [], "email with no account": []}
        for n in range(args.runs):
            for label, email in (
                ("wrong password, real account", "real@example.org"),
                ("email with no account", f"nobody{n}@example.org"),
            ):
                start = time.perf_counter()
                try:
                    accounts.authenticate(email, "not the password", ip=f"10.0.{n}.1")
                except Refused:
                    pass
                timings[label].append((time.perf_counter() - start) * 1000)
        print(f"{'case':32} {'median ms':>10} {'p90 ms':>8}")
        for label, values in timings.items():
            values.sort()
            print(f"{label:32} {statistics.median(values):10.1f} {values[int(0.9 * (len(values) - 1))]:8.1f}")


if __name__ == "__main__":
    main()
