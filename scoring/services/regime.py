"""The law a procurement runs under, as the lead records it: the regime and service type, the
PSR key criteria of its sections, the notice that starts the standstill and what happened in
it, the decision-makers, evaluators' experience, and how long the records are kept.

The rules themselves are in scoring/law/ (pure); this module reads and writes the database and
audits each change. The evaluation is frozen at finalisation; what is recorded here after it
(the notice, the standstill, the notice text) is about the award that follows, so it stays
possible, audited with the value before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..law import DEFAULT_REGIME, PSR, retention, standstill
from ..law import key_criteria as kc
from ..law.models import AwardNotice, EvaluatorExperience, KeyCriterionNote
from ..models import Procurement, Section, Status, User, utcnow
from . import audit
from .errors import Refused

# ----------------------------------------------------------------------------- regime and service type


def set_regime(procurement: Procurement, *, regime: str, service_type: str, actor: User | None) -> None:
    """Choose the regime (while being set up: the criteria and process follow from it) and the
    free-text service type (any time before final)."""
    from .lifecycle import require_not_final
    from .setup_checks import clean_regime_fields

    require_not_final(procurement)
    fields = clean_regime_fields(regime, service_type)
    regime, service_type = fields["regime"], fields["service_type"]
    if regime != procurement.regime and procurement.status is not Status.SETUP:
        raise Refused(
            "The regime can only change while the procurement is being set up: the criteria "
            "and the process were published under it.",
            field="regime",
        )
    before = {"regime": procurement.regime, "service_type": procurement.service_type}
    after = {"regime": regime, "service_type": service_type}
    if before == after:
        return
    procurement.regime, procurement.service_type = regime, service_type
    audit.record(
        "procurement.regime_set",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before=before,
        after=after,
    )


# ----------------------------------------------------------------------------- key criteria


def readiness_problems(procurement: Procurement) -> list[str]:
    """What stops scoring opening under the procurement's regime (PSR reg 5 and 11)."""
    if procurement.regime != PSR:
        return []
    missing = kc.unmapped_sections((s.code, s.key_criterion) for s in procurement.sections)
    if not missing:
        return []
    which = ", ".join(missing)
    return [
        f"Under the Provider Selection Regime every section must serve one of the key criteria "
        f"(regulation 5). Choose a key criterion for section{'s' if len(missing) > 1 else ''} {which}."
    ]


@dataclass(frozen=True)
class KeyCriterionRow:
    code: str
    label: str
    sections: list[Section]
    weight: float
    note: str


def key_criteria_rows(procurement: Procurement) -> list[KeyCriterionRow]:
    """Each key criterion with its sections, their weight and the lead's note, in reg 5's order."""
    notes = notes_of(procurement)
    return [
        KeyCriterionRow(
            code,
            words,
            [s for s in procurement.sections if s.key_criterion == code],
            sum(s.weight for s in procurement.sections if s.key_criterion == code),
            notes.get(code, ""),
        )
        for code, words in kc.KEY_CRITERIA.items()
    ]


def key_criteria_warnings(procurement: Procurement) -> list[str]:
    """Key criteria no section serves and no explanation covers: a warning, never a refusal."""
    if procurement.regime != PSR or not procurement.sections:
        return []
    notes = notes_of(procurement)
    return [
        f"No section serves the key criterion “{kc.label(code)}”. The regulations let you decide "
        "it is less relevant to this service, but record why."
        for code in kc.uncovered_key_criteria(s.key_criterion for s in procurement.sections)
        if not notes.get(code, "").strip()
    ]


def notes_of(procurement: Procurement) -> dict[str, str]:
    return {
        n.key_criterion: n.note
        for n in db.session.scalars(select(KeyCriterionNote).where(KeyCriterionNote.procurement_id == procurement.id))
    }


def save_key_criterion_notes(procurement: Procurement, notes: dict[str, str], *, actor: User | None) -> None:
    from .lifecycle import require_not_final

    require_not_final(procurement)
    existing = {
        n.key_criterion: n
        for n in db.session.scalars(select(KeyCriterionNote).where(KeyCriterionNote.procurement_id == procurement.id))
    }
    for code, text in notes.items():
        if code not in kc.KEY_CRITERIA:
            raise Refused("That is not one of the key criteria.")
        text = (text or "").strip()
        row = existing.get(code)
        before = row.note if row else ""
        if before == text:
            continue
        if row is None:
            row = KeyCriterionNote(procurement_id=procurement.id, key_criterion=code, note=text)
            db.session.add(row)
        row.note = text
        db.session.flush()
        audit.record(
            "key_criterion.noted",
            actor=actor,
            procurement_id=procurement.id,
            entity="key_criterion_note",
            entity_id=row.id,
            before={"key_criterion": code, "note": before},
            after={"key_criterion": code, "note": text},
        )


def key_criterion_figures(procurement: Procurement, document: dict) -> list[kc.KeyCriterionFigures]:
    return kc.figures_from_document(document, {s.code: s.key_criterion for s in procurement.sections})


# ----------------------------------------------------------------------------- the award notice


def notice_of(procurement: Procurement) -> AwardNotice | None:
    return db.session.scalar(select(AwardNotice).where(AwardNotice.procurement_id == procurement.id))


def _notice(procurement: Procurement) -> AwardNotice:
    notice = notice_of(procurement)
    if notice is None:
        notice = AwardNotice(procurement_id=procurement.id, decision_makers="", weighting_rationale="")
        db.session.add(notice)
        db.session.flush()
    return notice


def _change(procurement: Procurement, notice: AwardNotice, action: str, values: dict, *, actor, reason=""):
    before = {k: getattr(notice, k) for k in values}
    if before == values:
        return
    for key, value in values.items():
        setattr(notice, key, value)
    audit.record(
        action,
        actor=actor,
        procurement_id=procurement.id,
        entity="award_notice",
        entity_id=notice.id,
        before=before,
        after=values,
        reason=reason,
    )


def save_decision_details(
    procurement: Procurement, *, decision_makers: str, weighting_rationale: str, actor: User | None
) -> None:
    """Who made the decision (PSR reg 24(d)) and why the criteria are weighted as they are."""
    _change(
        procurement,
        _notice(procurement),
        "award.decision_details",
        {
            "decision_makers": (decision_makers or "").strip(),
            "weighting_rationale": (weighting_rationale or "").strip(),
        },
        actor=actor,
    )


def _require_final(procurement: Procurement, what: str) -> None:
    if not procurement.is_final:
        raise Refused(f"{what} once the result is final: the notice announces the decision.")


def record_publication(
    procurement: Procurement, published_on: date | None, *, actor: User | None, today: date | None = None
) -> None:
    """The day the notice that starts the standstill was published (PSR reg 12(2); PA23 s.51)."""
    _require_final(procurement, "Record when the notice was published")
    if published_on is None:
        raise Refused("Enter the date the notice was published, for example 3 3 2027.", field="published_on")
    if published_on > (today or date.today()):
        raise Refused(
            "The publication date cannot be in the future. Record it once the notice is published.",
            field="published_on",
        )
    if procurement.finalised_at and published_on < procurement.finalised_at.date():
        raise Refused(
            f"The notice cannot have been published before the result was finalised on "
            f"{procurement.finalised_at:%-d %B %Y}.",
            field="published_on",
        )
    _change(procurement, _notice(procurement), "award.notice_published", {"published_on": published_on}, actor=actor)


def record_representations(
    procurement: Procurement, *, received: bool, decision: str | None, decided_on: date | None, actor: User | None
) -> None:
    """PSR reg 12(3)-(4): representations received in the standstill, and the decision after them."""
    _require_final(procurement, "Record representations")
    if procurement.regime != PSR:
        raise Refused("Representations during the standstill are part of the Provider Selection Regime.")
    notice = notice_of(procurement)
    if notice is None or notice.published_on is None:
        raise Refused("Record when the notice of intention to award was published first.")
    problems = []
    if not received:
        decision, decided_on = None, None
    else:
        if decision not in ("proceed", "not_proceed"):
            problems.append(("decision", "Choose whether you decided to go ahead with the award."))
        if decided_on is None:
            problems.append(("decided_on", "Enter the date you told the providers your decision."))
        elif decided_on < notice.published_on:
            problems.append(("decided_on", "The decision cannot come before the notice was published."))
    if problems:
        from .setup_checks import raise_all

        raise_all(problems)
    _change(
        procurement,
        notice,
        "award.representations",
        {"representations_received": bool(received), "further_decision": decision, "further_decision_on": decided_on},
        actor=actor,
    )


@dataclass(frozen=True)
class StandstillView:
    regime: str
    published: date | None
    begins: date | None
    last_day: date | None
    representations_received: bool | None
    further_decision: str | None
    further_decision_on: date | None
    further_last_day: date | None

    @property
    def ends(self) -> date | None:
        """The last day before the contract may be entered into, all things counted."""
        return self.further_last_day or self.last_day


def standstill_of(procurement: Procurement) -> StandstillView:
    notice = notice_of(procurement)
    regime = procurement.regime or DEFAULT_REGIME
    if notice is None or notice.published_on is None:
        return StandstillView(regime, None, None, None, None, None, None, None)
    period = standstill.standstill(regime, notice.published_on)
    further = None
    if (
        regime == PSR
        and notice.representations_received
        and notice.further_decision == "proceed"
        and notice.further_decision_on
    ):
        further = standstill.psr_further_last_day(notice.further_decision_on)
    return StandstillView(
        regime,
        period.published,
        period.begins,
        period.last_day,
        notice.representations_received,
        notice.further_decision,
        notice.further_decision_on,
        further,
    )


# ----------------------------------------------------------------------------- evaluators' experience


def experience_of(procurement: Procurement) -> dict[int, str]:
    return {
        e.user_id: e.experience
        for e in db.session.scalars(
            select(EvaluatorExperience).where(EvaluatorExperience.procurement_id == procurement.id)
        )
    }


def save_experience(procurement: Procurement, experience: dict[int, str], *, actor: User | None) -> None:
    """The relevant experience of each evaluator, for the record of who evaluated."""
    from .progress import evaluators_of

    evaluators = {u.id: u for u in evaluators_of(procurement)}
    rows = {
        e.user_id: e
        for e in db.session.scalars(
            select(EvaluatorExperience).where(EvaluatorExperience.procurement_id == procurement.id)
        )
    }
    for user_id, text in experience.items():
        if user_id not in evaluators:
            raise Refused("That person is not an evaluator of this procurement.")
        text = (text or "").strip()
        row = rows.get(user_id)
        before = row.experience if row else ""
        if before == text:
            continue
        if row is None:
            row = EvaluatorExperience(procurement_id=procurement.id, user_id=user_id, experience=text)
            db.session.add(row)
        row.experience = text
        db.session.flush()
        audit.record(
            "evaluator.experience",
            actor=actor,
            procurement_id=procurement.id,
            entity="evaluator_experience",
            entity_id=row.id,
            before={"evaluator": evaluators[user_id].email, "experience": before},
            after={"evaluator": evaluators[user_id].email, "experience": text},
        )


# ----------------------------------------------------------------------------- the PSR notice text


def save_notice_text(procurement: Procurement, text: str, *, actor: User | None) -> None:
    """Keep the lead's edited notice of intention to award (PSR), audited each time."""
    _require_final(procurement, "The notice of intention to award can be drafted")
    if procurement.regime != PSR:
        raise Refused(
            "The notice of intention to award is part of the Provider Selection Regime. "
            "Under the Procurement Act 2023 send each bidder its assessment summary."
        )
    text = (text or "").strip()
    if not text:
        raise Refused("The notice is empty. Start again from the draft, or type the notice.", field="notice_text")
    notice = _notice(procurement)
    if notice.notice_text == text:
        return
    before = notice.notice_text
    notice.notice_text, notice.notice_updated_at = text, utcnow()
    audit.record(
        "award.notice_text_saved",
        actor=actor,
        procurement_id=procurement.id,
        entity="award_notice",
        entity_id=notice.id,
        before={"notice_text": before},
        after={"notice_text": text},
    )


# ----------------------------------------------------------------------------- records retention


@dataclass(frozen=True)
class Retention:
    years: int
    until: date | None
    counted_from: str  # in words, for the page


def retention_of(procurement: Procurement) -> Retention:
    regime = procurement.regime or DEFAULT_REGIME
    years = retention.years_for(regime, current_app.config if has_app_context() else None)
    view = standstill_of(procurement)
    finalised = procurement.finalised_at.date() if procurement.finalised_at else None
    until = retention.retained_until(years=years, finalised=finalised, standstill_last_day=view.ends)
    counted = (
        "the day after the standstill ends, the first day the contract can be entered into"
        if view.ends
        else "finalisation, until the notice is recorded"
        if finalised
        else "the award, once the result is final"
    )
    return Retention(years, until, counted)
