"""Setting up a procurement: its details, scale, sections, bidders and who scores what.

These are the plain edits of set-up. The moves between statuses (opening and closing
scoring, returning to scoring) and their guards live in `lifecycle`; the names below are
kept here too for the callers that open scoring right after setting up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import rules, transaction
from ..extensions import db
from ..models import (
    DEFAULT_SCALE,
    Assignment,
    Bidder,
    Procurement,
    Role,
    ScalePoint,
    ScoredBy,
    Section,
    Status,
    User,
)
from ..problems import Problem
from . import audit
from .errors import Refused
from .lifecycle import (  # noqa: F401  (kept under their old names for callers of set-up)
    FINAL_MESSAGE,
    WEIGHT_TOLERANCE,
    check_can_close,
    check_can_open,
    close_scoring,
    open_scoring,
    readiness_problems,
    require_not_final,
    require_setup,
    return_to_scoring,
    waiting_to_submit,
)
from .setup_checks import clean_bidder_fields as _clean_bidder_fields
from .setup_checks import clean_section_fields as _clean_section_fields
from .setup_checks import raise_all


def reference_taken(reference: str) -> bool:
    """True if another procurement has this reference in any case (GP-2027-01 and gp-2027-01 are
    the same procurement to a reader), or one differing only by invisible characters."""
    from .setup_checks import code_key

    key = code_key(reference)
    # A trust has hundreds of procurements at most: comparing every reference here is cheap and
    # applies the same normalisation as the codes, which no SQL function does on both databases.
    return any(code_key(other) == key for other in db.session.scalars(select(Procurement.reference)))


def create_procurement(
    *,
    reference: str,
    title: str,
    lead: User | None,
    actor: User | None,
    anonymised: bool = True,
    regime: str = "psr",
    service_type: str = "",
    lead_chosen: bool = True,
) -> Procurement:
    """Create a procurement in set-up with the default scale; every problem is reported at once.

    ``lead_chosen`` is False when the person creating it had to choose a lead and did not.
    """
    reference = reference.strip()
    clean, problems = rules.procurement(
        reference=reference,
        title=title,
        regime=regime,
        service_type=service_type,
        reference_taken=bool(reference) and reference_taken(reference),
    )
    if not lead_chosen:  # listed after the reference and title, as the form shows them
        details = [p for p in problems if p.field in ("reference", "title")]
        problems = details + [rules.Problem("lead", "Choose the procurement lead.")] + problems[len(details) :]
    if problems:
        raise_all(problems)
    regime_fields = {"regime": clean["regime"], "service_type": clean["service_type"]}
    procurement = Procurement(reference=reference, title=title.strip(), lead=lead, anonymised=anonymised)
    procurement.regime, procurement.service_type = regime_fields["regime"], regime_fields["service_type"]
    for value, label, descriptor in DEFAULT_SCALE:
        procurement.scale_points.append(ScalePoint(value=value, label=label, descriptor=descriptor))
    db.session.add(procurement)
    db.session.flush()
    audit.record(
        "procurement.created",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        after={"reference": reference, "title": procurement.title, "anonymised": anonymised, **regime_fields},
    )
    return procurement


def add_section(
    procurement: Procurement,
    *,
    code: str,
    title: str,
    weight: float,
    max_score: int = 4,
    scored_by: str = "both",
    question: str = "",
    guidance: str = "",
    threshold: float | None = None,
    key_criterion: str | None = None,
    actor: User | None,
) -> Section:
    require_setup(procurement)
    fields = _clean_section_fields(
        procurement,
        None,
        code=code,
        title=title,
        weight=weight,
        max_score=max_score,
        scored_by=scored_by,
        question=question,
        guidance=guidance,
        threshold=threshold,
        key_criterion=key_criterion,
    )
    section = Section(**fields, position=len(procurement.sections))
    procurement.sections.append(section)
    db.session.flush()
    audit.record(
        "section.added",
        actor=actor,
        procurement_id=procurement.id,
        entity="section",
        entity_id=section.id,
        after={
            "code": section.code,
            "title": section.title,
            "weight": section.weight,
            "max_score": section.max_score,
            "scored_by": section.scored_by,
            "threshold": section.threshold,
            "key_criterion": section.key_criterion,
        },
    )
    return section


def add_bidder(
    procurement: Procurement, *, code: str, name: str, actor: User | None, price: float | None = None
) -> Bidder:
    require_setup(procurement)
    code, name = _clean_bidder_fields(procurement, None, code=code, name=name)
    price, problems = rules.bidder_price(price, code=code)
    if problems:
        raise_all(problems)
    bidder = Bidder(code=code, name=name, position=len(procurement.bidders), price=price)
    procurement.bidders.append(bidder)
    db.session.flush()
    audit.record(
        "bidder.added",
        actor=actor,
        procurement_id=procurement.id,
        entity="bidder",
        entity_id=bidder.id,
        after={"code": bidder.code, "name": bidder.name},
    )
    return bidder


def assign_evaluator(section: Section, user: User, *, actor: User | None) -> Assignment:
    """Ask ``user`` to score ``section``. Refuses untrained reps and evaluators of the wrong group."""
    procurement = section.procurement
    require_not_final(procurement)
    if user.role not in (Role.PATIENT, Role.PANEL):
        raise Refused(f"{user.name} is a {user.role.label.lower()}, not an evaluator, so cannot score.")
    if user.role is Role.PATIENT and not user.is_trained:
        raise Refused(
            f"{user.name} has not completed patient representative training yet, so cannot be asked to score. "
            "Record their training date on the Users page."
        )
    if section.is_price:
        raise Refused(f"Section {section.code} is a price section. It is scored from prices, not by evaluators.")
    if not section.scored_by.includes(user.group):
        raise Refused(
            f"Section {section.code} is scored by {section.scored_by} evaluators only, "
            f"and {user.name} is a {user.role.label.lower()}."
        )
    existing = db.session.scalar(
        select(Assignment).where(Assignment.section_id == section.id, Assignment.user_id == user.id)
    )
    if existing is not None:
        return existing
    assignment = Assignment(section=section, user=user)
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "assignment.added",
        actor=actor,
        procurement_id=procurement.id,
        entity="assignment",
        entity_id=assignment.id,
        after={"section": section.code, "evaluator": user.email},
    )
    return assignment


# --- editing what was set up -------------------------------------------------------------


def update_procurement(procurement: Procurement, *, title: str, anonymised: bool, actor: User | None) -> None:
    require_not_final(procurement)
    if problems := rules.procurement_title(title):
        raise_all(problems)
    if bool(anonymised) != procurement.anonymised and procurement.status is not Status.SETUP:
        raise Refused(
            "Whether bidder names are hidden from patient representatives can only change "
            "while the procurement is being set up.",
            field="anonymised",
        )
    before = {"title": procurement.title, "anonymised": procurement.anonymised}
    new_title, new_anonymised = title.strip(), bool(anonymised)
    after = {"title": new_title, "anonymised": new_anonymised}
    if before == after:
        return
    procurement.title, procurement.anonymised = new_title, new_anonymised
    audit.record(
        "procurement.changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before=before,
        after=after,
    )


def set_scale(procurement: Procurement, points: list[tuple[str, str]], *, actor: User | None) -> None:
    """Replace the scale with ``points`` (label, descriptor), valued 0, 1, 2... in order."""
    require_setup(procurement, "The scoring scale can only change")
    problems = rules.scale(points, procurement.sections)
    if problems:
        raise_all(problems)
    before = [[p.value, p.label, p.descriptor] for p in procurement.scale_points]
    after: list[list[Any]] = [
        [value, label.strip(), descriptor.strip()] for value, (label, descriptor) in enumerate(points)
    ]
    if before == after:
        return
    existing = {p.value: p for p in procurement.scale_points}
    for value, label, descriptor in after:
        point = existing.pop(value, None)
        if point is None:
            procurement.scale_points.append(ScalePoint(value=value, label=label, descriptor=descriptor))
        else:
            point.label, point.descriptor = label, descriptor
    for point in existing.values():
        procurement.scale_points.remove(point)
    audit.record(
        "scale.changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before={"scale": before},
        after={"scale": after},
    )


SECTION_FIELDS = (
    "code",
    "title",
    "question",
    "guidance",
    "weight",
    "max_score",
    "scored_by",
    "threshold",
    "key_criterion",
)


def update_section(section: Section, *, actor: User | None, **fields) -> None:
    """Change a section while being set up. Weights change later only through ``set_weights``."""
    procurement = section.procurement
    require_setup(procurement, "Sections can only be edited")
    clean = _clean_section_fields(
        procurement, section, **{k: fields.get(k, getattr(section, k)) for k in SECTION_FIELDS}
    )
    if clean["scored_by"] != section.scored_by:
        wrong = [
            a.user.name
            for a in section.assignments
            if clean["scored_by"] == ScoredBy.PRICE or not ScoredBy(clean["scored_by"]).includes(a.user.group)
        ]
        if wrong:
            raise Refused(
                f"Remove {', '.join(wrong)} from section {section.code} before it is scored by {clean['scored_by']}.",
                field="scored_by",
            )
    before = {k: getattr(section, k) for k in SECTION_FIELDS}
    changed = {k: v for k, v in clean.items() if before[k] != v}
    if not changed:
        return
    for key, value in changed.items():
        setattr(section, key, value)
    audit.record(
        "section.changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="section",
        entity_id=section.id,
        before={k: before[k] for k in changed},
        after=changed,
    )


def delete_section(section: Section, *, actor: User | None) -> None:
    from ..models import Response, Score

    procurement = section.procurement
    require_setup(procurement, "Sections can only be deleted")
    if db.session.scalar(select(Score.id).where(Score.section_id == section.id).limit(1)):
        raise Refused(f"Section {section.code} already has scores, so it cannot be deleted.")
    from . import documents

    snapshot = {k: getattr(section, k) for k in SECTION_FIELDS}
    # The bidders' answers and documents go with the section, so the audit event keeps what
    # they were: nothing leaves without a record.
    snapshot["answers"] = []
    removed = []
    bidders = {b.id: b.code for b in procurement.bidders}
    for response in db.session.scalars(select(Response).where(Response.section_id == section.id)):
        snapshot["answers"].append(
            {
                "bidder": bidders.get(response.bidder_id),
                "text": response.text,
                "documents": [d.filename for d in response.documents],
            }
        )
        removed += list(response.documents)
        db.session.delete(response)
    procurement.sections.remove(section)
    for position, other in enumerate(procurement.sections):
        other.position = position
    audit.record(
        "section.deleted",
        actor=actor,
        procurement_id=procurement.id,
        entity="section",
        entity_id=section.id,
        before=snapshot,
    )
    paths = [documents.path_of(document) for document in removed]
    # After the commit, so a delete that is rolled back keeps its files.

    def remove_files() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.after_commit(remove_files)


def set_weights(
    procurement: Procurement, weights: dict[int, float | str], *, reason: str = "", actor: User | None
) -> None:
    """Change section weights (section id -> percent, as a number or as typed) in one step.

    Before scoring opens this is ordinary set-up. Once scoring is open the weights
    have been published with the tender, so a change must add up to 100 and needs
    a written reason; it is audited with the weights before and after.
    """
    require_not_final(procurement)
    problems: list[Problem | tuple[str, str]] = []
    sections = {s.id: s for s in procurement.sections}
    checked: dict[int, float | None] = {}
    for section_id, value in weights.items():
        section = sections.get(section_id)
        if section is None:
            problems.append(("", "That section is not part of this procurement."))
            continue
        checked[section_id], wrong = rules.section_weight(value, field=f"weight-{section_id}", code=section.code)
        problems += wrong
    if problems:
        raise_all(problems)
    new = {s.code: s.weight for s in procurement.sections}
    new.update({sections[i].code: float(w) for i, w in checked.items() if w is not None})  # None was a problem
    old = {s.code: s.weight for s in procurement.sections}
    if new == old:
        return
    opened = procurement.status is not Status.SETUP
    if opened:
        problems += rules.weights_total(
            new.values(),
            sentence="The weights add up to {total}%. Once scoring is open they must still add up to 100%.",
        )
        if not reason.strip():
            problems.append(
                (
                    "reason",
                    "Give a reason for changing the weights. Scoring is open, so the "
                    "published weights can only change for a recorded reason.",
                )
            )
        if problems:
            raise_all(problems)
    for section in procurement.sections:
        section.weight = new[section.code]
    audit.record(
        "weights.changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="procurement",
        entity_id=procurement.id,
        before={"weights": old},
        after={"weights": new},
        reason=reason.strip(),
    )


def update_bidder(bidder: Bidder, *, code: str, name: str, actor: User | None) -> None:
    procurement = bidder.procurement
    require_setup(procurement, "Bidders can only be edited")
    code, name = _clean_bidder_fields(procurement, bidder, code=code, name=name)
    before = {"code": bidder.code, "name": bidder.name}
    after = {"code": code, "name": name}
    if before == after:
        return
    bidder.code, bidder.name = code, name
    audit.record(
        "bidder.changed",
        actor=actor,
        procurement_id=procurement.id,
        entity="bidder",
        entity_id=bidder.id,
        before=before,
        after=after,
    )
