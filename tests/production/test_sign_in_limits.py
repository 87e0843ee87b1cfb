"""Sign-in limits live in the database, so every gunicorn worker enforces the same ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scoring.extensions import db
from scoring.models import AuditEvent, LoginAttempt, User, utcnow
from scoring.services import accounts
from scoring.services.errors import Refused

from ..helpers import PASSWORD, gen_user, sign_in


def test_many_failures_from_one_address_block_sign_in_from_it_even_with_the_right_password(app, client, rep):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 6
    for n in range(6):  # guessing across accounts, none of which locks on its own
        sign_in(client, f"someone{n}@example.org", "wrong-password-here")
    response = sign_in(client, rep)
    assert response.status_code == 429
    assert "too many failed attempts to sign in from your network" in response.get_data(as_text=True)
    # Another address is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert sign_in(other, rep).status_code == 302


def test_address_limit_counts_only_recent_failures(app, rep):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    long_ago = utcnow() - timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    db.session.add_all([LoginAttempt(at=long_ago, ip="192.0.2.9", email="x@example.org") for _ in range(5)])
    db.session.commit()
    assert accounts.authenticate(rep.email, PASSWORD, ip="192.0.2.9").id == rep.id


def test_every_attempt_is_recorded_with_its_address_and_old_ones_are_purged(app, rep):
    db.session.add(LoginAttempt(at=utcnow() - timedelta(days=31), ip="192.0.2.1", email="old@example.org"))
    db.session.commit()
    with pytest.raises(Refused):
        accounts.authenticate(rep.email, "wrong-password-here", ip="192.0.2.7")
    accounts.authenticate(rep.email, PASSWORD, ip="192.0.2.7")
    rows = db.session.scalars(db.select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(r.ip, r.email, r.succeeded) for r in rows] == [
        ("192.0.2.7", rep.email, False),
        ("192.0.2.7", rep.email, True),
    ]


def test_lock_out_is_recorded_in_the_database_and_audited(app, rep):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(Refused):
            accounts.authenticate(rep.email, "wrong-password-here", ip="192.0.2.8")
    db.session.expire_all()
    user = db.session.get(User, rep.id)
    assert user.locked_until is not None and user.locked_until > utcnow()
    with pytest.raises(Refused, match="locked"):
        accounts.authenticate(rep.email, PASSWORD, ip="192.0.2.99")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.locked")) is not None


def test_unknown_and_known_accounts_get_the_same_message(app, rep):
    with pytest.raises(Refused) as unknown:
        accounts.authenticate("nobody@example.org", "wrong-password-here", ip="192.0.2.5")
    with pytest.raises(Refused) as known:
        accounts.authenticate(rep.email, "wrong-password-here", ip="192.0.2.5")
    assert unknown.value.message == known.value.message


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short-one", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("pat.patel-is-my-name", "must not contain your email"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    assert problem in accounts.password_problem(password, email="pat.patel@example.org")


def test_a_long_passphrase_is_accepted():
    assert accounts.password_problem("three random words", email="pat@example.org") is None
