"""Issue 12 item 6: signing in with an email that has no account looks exactly like a wrong
password for a real account: the same message, the same lock-out, and the same work.

Timing is not asserted (see bench/sign_in.py for the figures); instead the tests count the
password-hash checks, which are what took a real account ~100 ms longer.
"""

from __future__ import annotations

import pytest

import scoring.models as models

from ..helpers import sign_in
from ..leads.pages import text

WRONG = "Enter a correct email address and password."
LOCKED = (
    "This account is locked after too many failed attempts. Try again in 15 minutes, "
    "or ask an administrator to set a new password, which unlocks it straight away."
)


@pytest.fixture
def hash_checks(monkeypatch):
    calls = []
    real = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return calls


def test_an_unknown_email_costs_one_password_check_like_a_wrong_password(client, rep, hash_checks):
    known = sign_in(client, rep, "not the right password")
    assert len(hash_checks) == 1
    unknown = sign_in(client, "nobody-here@example.org", "not the right password")
    assert len(hash_checks) == 2
    # The same kind of hash (method and cost), so the check takes as long.
    assert hash_checks[0] == hash_checks[1]
    assert known.status_code == unknown.status_code == 401
    assert WRONG in text(known) and WRONG in text(unknown)


def test_an_unknown_email_locks_out_after_as_many_failures_as_a_real_one(client, rep):
    for email in (rep.email, "nobody-here@example.org"):
        pages = [text(sign_in(client, email, f"wrong guess {n}")) for n in range(6)]
        assert all(WRONG in page and LOCKED not in page for page in pages[:5]), email
        assert LOCKED in pages[5], email
        assert WRONG not in pages[5]
