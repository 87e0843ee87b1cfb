"""The tables the law adds: the award's notice and standstill, key-criterion notes, evaluators'
experience. Kept apart from scoring/models.py so the regime work stays in one place."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class AwardNotice(Model):
    """One per procurement: the notice that starts the standstill and what happened in it."""

    __tablename__ = "award_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), unique=True)
    # PSR: the notice of intention to award (reg 12(2)); PA23: the contract award notice (s.51).
    published_on: Mapped[date | None] = mapped_column(Date)
    # PSR reg 12(3)-(4): whether representations came in during the standstill, and the decision.
    representations_received: Mapped[bool | None] = mapped_column(Boolean)
    further_decision: Mapped[str | None] = mapped_column(String(20))  # "proceed" or "not_proceed"
    further_decision_on: Mapped[date | None] = mapped_column(Date)
    # Who made the decision (PSR reg 24(d); the notice may name a committee or job titles).
    decision_makers: Mapped[str] = mapped_column(Text, default="")
    # Why the criteria were weighted as they were (PA23 s.23; PSR reg 5 relative importance).
    weighting_rationale: Mapped[str] = mapped_column(Text, default="")
    # PSR: the notice of intention to award's content, drafted from the result and edited.
    notice_text: Mapped[str | None] = mapped_column(Text)
    notice_updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class KeyCriterionNote(Model):
    """The lead's explanation for a key criterion: why it is weighted so, or why it is less
    relevant when no section serves it (PSR statutory guidance on reg 5)."""

    __tablename__ = "key_criterion_notes"
    __table_args__ = (UniqueConstraint("procurement_id", "key_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    key_criterion: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class EvaluatorExperience(Model):
    """The relevant experience recorded for one evaluator on one procurement (the Independent
    Patient Choice and Procurement Panel expects it in the record of the decision)."""

    __tablename__ = "evaluator_experience"
    __table_args__ = (UniqueConstraint("procurement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    experience: Mapped[str] = mapped_column(Text, default="")
