"""The data model: procurements, their sections and bidders, who scores what, and the scores.

Scores and consensus carry a ``version`` so that a save based on an old copy
is refused instead of silently overwriting someone else's work. The audit log
is append-only: a flush that would update or delete an ``AuditEvent`` raises.
"""

from __future__ import annotations

import enum
import json
import secrets
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import (
    Enum as SAEnum,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import Model


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def stored_enum(enum_class: type[enum.StrEnum], length: int, name: str) -> SAEnum:
    """A column holding one member of ``enum_class``: stored as its value (a VARCHAR, so the
    schema is what it was when these were plain strings), read back as the member, and a value
    that is not a member refused before it reaches the database. ``name`` names the CHECK
    constraint a new database gets (ck_<table>_<name>); the migration adds it on PostgreSQL."""
    return SAEnum(
        enum_class,
        native_enum=False,
        length=length,
        name=name,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    PANEL = "panel"
    PATIENT = "patient"
    REVIEWER = "reviewer"  # an involvement lead: sees the patient voice review, nothing else

    @property
    def label(self) -> str:
        return {
            "reviewer": "Involvement lead",
            "admin": "Administrator",
            "lead": "Procurement lead",
            "panel": "Panel evaluator",
            "patient": "Patient representative",
        }[self.value]

    @property
    def group(self) -> str | None:
        """The evaluator group whose scores this role gives: "patient", "panel", or none."""
        return self.value if self in (Role.PATIENT, Role.PANEL) else None


class Status(enum.StrEnum):
    SETUP = "setup"
    SCORING = "scoring"
    MODERATION = "moderation"
    FINAL = "final"

    @property
    def label(self) -> str:
        return {
            "setup": "Being set up",
            "scoring": "Scoring open",
            "moderation": "Moderation",
            "final": "Final",
        }[self.value]


class ScoredBy(enum.StrEnum):
    PATIENT = "patient"
    PANEL = "panel"
    BOTH = "both"
    PRICE = "price"  # scored by formula from each bidder's price, never by an evaluator

    @property
    def label(self) -> str:
        """What the set-up form offers."""
        return {
            "both": "Patient representatives and the panel",
            "patient": "Patient representatives only",
            "panel": "The panel only",
            "price": "Price formula (no evaluator scores it)",
        }[self.value]

    @property
    def who(self) -> str:
        """Who scores it, in a sentence: "scored by the panel"."""
        return {
            "patient": "patient representatives",
            "panel": "the panel",
            "both": "patient representatives and the panel",
            "price": "the price formula",
        }[self.value]

    def includes(self, group: str | None) -> bool:
        return self is ScoredBy.BOTH or self == group


class ScoreStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ScoreSource(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"  # a paper score sheet entered by a lead on the rep's behalf
    IMPORT = "import"


DEFAULT_SCALE = (
    (0, "Unacceptable", "No response, or the response does not meet the requirement at all."),
    (1, "Poor", "The response has serious gaps or weaknesses and gives little confidence."),
    (2, "Satisfactory", "The response meets the requirement with some minor gaps."),
    (3, "Good", "The response fully meets the requirement with good evidence."),
    (4, "Excellent", "The response exceeds the requirement with strong evidence and detail."),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


#: How a person needs information (Accessible Information Standard), as stored and as shown.
COMMUNICATION_NEEDS = {
    "standard": "Standard: emails and the website",
    "large_print": "Large print",
    "easy_read": "Easy read",
    "post": "Paper, by post (no emails)",
}


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(stored_enum(Role, 20, "role"))
    # None for accounts created by an import; an admin sets one before they can sign in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    training_completed_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What the session cookie holds instead of the id (Flask-Login's "alternative tokens"):
    # replacing it ends every session of this user at once. See accounts.end_sessions.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # How this person needs information (the NHS Accessible Information Standard, DCB1605):
    # one of COMMUNICATION_NEEDS, and a note such as "BSL interpreter at meetings".
    communication_need: Mapped[str] = mapped_column(String(20), default="standard", server_default="standard")
    communication_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    def get_id(self) -> str:
        return self.session_token

    @property
    def group(self) -> str | None:
        """The evaluator group whose scores this user gives: patient, panel or none."""
        return self.role.group

    @property
    def is_trained(self) -> bool:
        return self.role is not Role.PATIENT or self.training_completed_on is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash and check_password_hash(self.password_hash, password))

    @property
    def by_post(self) -> bool:
        return self.communication_need == "post"

    @property
    def large_print(self) -> bool:
        return self.communication_need == "large_print"

    @property
    def easy_read(self) -> bool:
        return self.communication_need == "easy_read"

    @property
    def communication_label(self) -> str:
        return COMMUNICATION_NEEDS.get(self.communication_need, COMMUNICATION_NEEDS["standard"])


class Procurement(Model):
    __tablename__ = "procurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[Status] = mapped_column(stored_enum(Status, 20, "status"), default=Status.SETUP)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=True)
    # "psr" or "pa23": the law the award runs under (scoring/law); PSR is the default.
    regime: Mapped[str] = mapped_column(String(10), default="psr", server_default="psr")
    service_type: Mapped[str] = mapped_column(String(200), default="", server_default="")  # e.g. "GP practice (APMS)"
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    combine_method: Mapped[str] = mapped_column(String(10), default="mean")
    disagreement_threshold: Mapped[float] = mapped_column(Float, default=2.0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Frozen at finalisation so the result shown later is exactly the one decided.
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    # UTC, like every stored time; set and shown in Europe/London (services/deadlines.py).
    scoring_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    moderation_meeting_on: Mapped[date | None] = mapped_column(Date)
    final_result_json: Mapped[str | None] = mapped_column(Text)
    # The review row's figures from that document (a few hundred bytes), so the regional review
    # of hundreds of procurements reads these instead of parsing every whole document.
    review_figures_json: Mapped[str | None] = mapped_column(Text)
    engine_version: Mapped[str | None] = mapped_column(String(20))

    lead: Mapped[User | None] = relationship()
    scale_points: Mapped[list[ScalePoint]] = relationship(
        back_populates="procurement", order_by="ScalePoint.value", cascade="all, delete-orphan"
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="procurement", order_by="Section.position", cascade="all, delete-orphan"
    )
    bidders: Mapped[list[Bidder]] = relationship(
        back_populates="procurement", order_by="Bidder.position", cascade="all, delete-orphan"
    )

    @property
    def is_final(self) -> bool:
        return self.status is Status.FINAL

    def final_document(self) -> dict:
        """The result document stored at finalising (services/finalise.py), which a final one has."""
        if self.final_result_json is None:
            raise LookupError(f"{self.reference} has no stored final result")
        return json.loads(self.final_result_json)

    def descriptor_for(self, value: int) -> ScalePoint | None:
        return next((p for p in self.scale_points if p.value == value), None)


class ScalePoint(Model):
    __tablename__ = "scale_points"
    __table_args__ = (UniqueConstraint("procurement_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    value: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(50))
    descriptor: Mapped[str] = mapped_column(Text, default="")

    procurement: Mapped[Procurement] = relationship(back_populates="scale_points")


class Section(Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("procurement_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=0.0)  # percent of the total marks
    max_score: Mapped[int] = mapped_column(Integer, default=4)
    scored_by: Mapped[ScoredBy] = mapped_column(stored_enum(ScoredBy, 10, "scored_by"), default=ScoredBy.BOTH)
    threshold: Mapped[float | None] = mapped_column(Float)  # minimum moderated score to pass
    key_criterion: Mapped[str | None] = mapped_column(String(20))  # PSR reg 5 (scoring/law/key_criteria.py)

    procurement: Mapped[Procurement] = relationship(back_populates="sections")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="section", cascade="all, delete-orphan")

    @property
    def is_price(self) -> bool:
        return self.scored_by is ScoredBy.PRICE


class Bidder(Model):
    __tablename__ = "bidders"
    __table_args__ = (UniqueConstraint("procurement_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(30))  # shown to evaluators, e.g. "Bidder A"
    name: Mapped[str] = mapped_column(String(300))  # legal name; hidden from reps when anonymised
    price: Mapped[float | None] = mapped_column(Float)  # for price sections; never shown to reps

    procurement: Mapped[Procurement] = relationship(back_populates="bidders")

    def label_for(self, user: User) -> str:
        """What this user may call the bidder: code only for reps on anonymised procurements."""
        if self.procurement.anonymised and user.role is Role.PATIENT:
            return self.code
        return f"{self.code} ({self.name})" if self.name and self.name != self.code else self.code


class Response(Model):
    """A bidder's written answer to one section."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("bidder_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    text: Mapped[str] = mapped_column(Text, default="")

    documents: Mapped[list[Document]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Document(Model):
    """A file attached to a response, stored under instance/uploads by a random name."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx or xlsx, decided from the content
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="documents")


class Assignment(Model):
    """An evaluator is asked to score one section for every bidder they have no conflict with."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("section_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    section: Mapped[Section] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()


class Declaration(Model):
    """A conflict-of-interest declaration by one evaluator about one bidder."""

    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("user_id", "bidder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    has_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    bidder: Mapped[Bidder] = relationship()


class Score(Model):
    """One evaluator's own score for one bidder and section. Moderation never changes it."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("bidder_id", "section_id", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    value: Mapped[int | None] = mapped_column(Integer)  # a draft may not have one yet
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ScoreStatus] = mapped_column(stored_enum(ScoreStatus, 10, "status"), default=ScoreStatus.DRAFT)
    source: Mapped[ScoreSource] = mapped_column(stored_enum(ScoreSource, 10, "source"), default=ScoreSource.ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    bidder: Mapped[Bidder] = relationship()
    section: Mapped[Section] = relationship()
    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])

    # Every UPDATE of a score says "WHERE version = <the version I read>", so when two
    # gunicorn workers save the same score at once the second one updates nothing and
    # SQLAlchemy raises StaleDataError (a 409, see scoring/database.py) instead of
    # silently overwriting the first. The services still set the new version themselves.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_complete(self) -> bool:
        return Score.complete(self.value, self.rationale)

    @staticmethod
    def complete(value: int | None, rationale: str | None) -> bool:
        """A score and a reason: what every answer needs before the evaluator can submit."""
        return value is not None and bool((rationale or "").strip())

    @property
    def is_submitted(self) -> bool:
        return self.status is ScoreStatus.SUBMITTED


class Consensus(Model):
    """The moderated score the panel agreed for one bidder and section, with its reason."""

    __tablename__ = "consensus"
    __table_args__ = (UniqueConstraint("bidder_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    value: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[ScoreSource] = mapped_column(stored_enum(ScoreSource, 10, "source"), default=ScoreSource.ONLINE)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # JSON list of the warnings about this reason that the lead chose to keep (see services/reasons.py).
    kept_warnings: Mapped[str] = mapped_column(Text, default="", server_default="")

    bidder: Mapped[Bidder] = relationship()
    section: Mapped[Section] = relationship()
    decided_by: Mapped[User | None] = relationship()


class Acceptance(Model):
    """The lead accepts the proposed score of one cell, with a reason, instead of a consensus.

    ``value`` is the proposed score at the time (the evaluators' mean, which may be
    2.5): if the scores change afterwards the acceptance no longer matches and
    finalising asks for it again. The engine still uses the proposed score; this
    row is the reason a bidder is owed for it.
    """

    __tablename__ = "acceptances"
    __table_args__ = (UniqueConstraint("bidder_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    value: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text, default="")
    kept_warnings: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    bidder: Mapped[Bidder] = relationship()
    section: Mapped[Section] = relationship()
    decided_by: Mapped[User | None] = relationship()


class LoginAttempt(Model):
    """One sign-in attempt, kept 30 days, to limit guessing from one address.

    Kept in the database, not in memory, so every gunicorn worker sees the same count.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ip: Mapped[str] = mapped_column(String(45), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class WeightScenario(Model):
    """A named set of section weights tried in the what-if view, kept for the record."""

    __tablename__ = "weight_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    name: Mapped[str] = mapped_column(String(200))
    weights_json: Mapped[str] = mapped_column(Text)  # {"section code": percent}
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEvent(Model):
    """Append-only record of every change that matters: who, when, before, after, why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(50))  # e.g. "score.saved", "weight.changed"
    entity: Mapped[str] = mapped_column(String(50), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()


class AccountToken(Model):
    """A single-use link sent by email: an invitation (7 days) or a password reset (1 hour).

    The link carries ``id`` and ``nonce`` signed with itsdangerous; the row is what makes it
    single-use and revocable (used_at, revoked_at), which a signature alone cannot be.
    """

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # "invite" or "reset"
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class OutboxMessage(Model):
    """An email waiting to be sent, written in the same transaction as the change that causes it.

    So a rollback sends nothing and a crash loses nothing; `flask deliver-mail` sends it later.
    Status: pending -> sending (claimed by one deliverer) -> sent, or failed after too many tries;
    "post" for a person who needs paper: never emailed, listed for the lead to print and post.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(100))
    # One message per key ever ("reminder-7d:proc 3:user 9"), so re-running a command queues nothing new.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Status "post": the person needs paper, so the lead prints the letter and ticks it posted.
    posted_at: Mapped[datetime | None] = mapped_column(DateTime)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id])
    attempt_log: Mapped[list[MailAttempt]] = relationship(
        back_populates="message", order_by="MailAttempt.id", cascade="all, delete-orphan"
    )


class MailAttempt(Model):
    """One try at handing a message to the mail server, and what happened."""

    __tablename__ = "mail_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(Text, default="")

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("Audit events can be added but never changed or deleted.")


from .law import models as _law_models  # noqa: E402,F401  (the law's tables, same metadata)
from .law import retention as _retention  # noqa: E402,F401  (refuses deleting retained records)


def _to_member(enum_class: type[enum.Enum]):
    def coerce(target, value, oldvalue, initiator):
        return value if value is None else enum_class(value)

    return coerce


def _enum_attributes_hold_members() -> None:
    # A status set from a form or a seed as "scoring" becomes Status.SCORING at once, so
    # `procurement.status is Status.SCORING` holds before a flush as well as after a load, and a
    # misspelt value fails where it is set rather than at the next flush.
    for mapper in Model.registry.mappers:
        for attribute in mapper.column_attrs:
            column_type = attribute.columns[0].type
            if isinstance(column_type, SAEnum) and column_type.enum_class is not None:
                event.listen(attribute.class_attribute, "set", _to_member(column_type.enum_class), retval=True)


_enum_attributes_hold_members()
