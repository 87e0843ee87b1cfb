"""Configuration read from the environment, with safe defaults for local use.

Production is whatever is not development or testing: there the app refuses
to start without a real SECRET_KEY rather than fall back to a generated one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret_key(instance_path: Path) -> str:
    """Return the key in instance/secret_key, creating it on first use.

    A generated key kept on disk means a laptop install needs no set-up and
    sessions survive restarts, while the key never lives in the repository.
    """
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None  # a rep may take an afternoon over one answer
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    RATIONALE_MAX_CHARS = 5000
    # Consensus and acceptance reasons (scoring/services/reasons.py): wording that compares bids
    # rather than scoring each against the criteria (Lancashire Care v Lancashire CC [2018]
    # EWHC 1589 (TCC)), and the fewest words a reason should have. A reason that trips either
    # is warned about; the lead may revise it or keep it, and a kept warning is recorded.
    REASON_COMPARATIVE_PHRASES = (
        "better than",
        "worse than",
        "weaker than",
        "stronger than",
        "the best bid",
        "the worst bid",
        "compared with",
        "compared to",
        "in comparison",
        "than the others",
        "than other bidders",
        "the strongest",
        "the weakest",
        "outscored",
        "ranked above",
        "ranked below",
    )
    REASON_MIN_WORDS = 8
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # Failed sign-ins from one address in 15 minutes before it is refused. A whole trust behind
    # one proxy address shares this, so raise it there (and add ProxyFix in front of the app).
    LOGIN_MAX_FAILURES_PER_IP = 30
    ENV_NAME = "development"
    # Mail: with MAIL_SERVER set, `flask deliver-mail` sends over SMTP; without it, it writes
    # one .eml file per message to MAIL_OUTBOX_FOLDER (instance/outbox/) for a laptop.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "Patient involvement in procurement <no-reply@localhost>"
    MAIL_MAX_ATTEMPTS = 8
    # The address people use to reach the app; links in emails start with it.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # The Excel import refuses bigger workbooks before reading their cells, so one upload cannot
    # tie up a worker (a 500 KB file can unpack to 100,000 rows reaching column XFD). A
    # procurement of 20 bidders x 30 sections x 30 evaluators has 18,000 score rows.
    IMPORT_MAX_BYTES = 10 * 1024 * 1024
    IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    IMPORT_MAX_ROWS = 20_000  # per sheet, the header row included
    IMPORT_MAX_COLUMNS = 50
    IMPORT_MAX_CELLS = 200_000  # in all the sheets read, blank cells inside a row included

    @classmethod
    def from_environment(cls, instance_path: Path) -> dict:
        """Settings for this process, environment first, then local defaults."""
        env_name = os.environ.get("SCORING_ENV", os.environ.get("FLASK_ENV", "development"))
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            if env_name == "production":
                raise RuntimeError(
                    "SECRET_KEY must be set when SCORING_ENV=production; refusing to start with a generated key."
                )
            secret = _instance_secret_key(instance_path)
        database_url = os.environ.get("DATABASE_URL") or (f"sqlite:///{instance_path / 'scoring.sqlite'}")
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        settings.update(
            SECRET_KEY=secret,
            SQLALCHEMY_DATABASE_URI=database_url,
            ENV_NAME=env_name,
            UPLOAD_FOLDER=str(instance_path / "uploads"),
            MAIL_OUTBOX_FOLDER=os.environ.get("MAIL_OUTBOX_FOLDER", str(instance_path / "outbox")),
            SESSION_COOKIE_SECURE=env_name == "production",
            REMEMBER_COOKIE_SECURE=env_name == "production",
        )
        for key, kind in (
            ("MAIL_SERVER", str),
            ("MAIL_PORT", int),
            ("MAIL_USE_TLS", bool),
            ("MAIL_USERNAME", str),
            ("MAIL_PASSWORD", str),
            ("MAIL_DEFAULT_SENDER", str),
            ("MAIL_MAX_ATTEMPTS", int),
            ("PUBLIC_URL", str),
        ):
            raw = os.environ.get(key)
            if raw is not None:
                settings[key] = raw.strip().lower() in {"1", "true", "yes", "on"} if kind is bool else kind(raw)
        return settings
