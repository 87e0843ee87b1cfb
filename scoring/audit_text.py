"""Each audit action as a sentence a governance reviewer understands.

``SENTENCES`` maps every action the services write (``audit.record("score.saved", ...)``)
to a function that turns one event into a sentence: who did what to which bidder or
section, before and after, and the reason. ``LABELS`` gives each action the words the
audit log's filter uses. A test collects every action the code writes and fails if one
has no sentence or label here, so a new action cannot reach the log as a raw code.

No ids, codes of actions or raw numbers reach the reader: weights are "40%", prices
"£1,100,000", dates "1 February 2026", people by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import numbers
from .models import ScoredBy

STAGES = {"setup": "being set up", "scoring": "scoring open", "moderation": "in moderation", "final": "final"}
ROLES = {
    "admin": "administrator",
    "lead": "procurement lead",
    "panel": "panel evaluator",
    "patient": "patient representative",
}
SCORED_BY = {choice.value: choice.who for choice in ScoredBy}
QUOTE_LIMIT = 200  # a reason or answer longer than this is cut, with "…"


@dataclass(frozen=True)
class Names:
    """What the sentences need to name people and sections instead of showing codes and ids."""

    people_by_email: dict[str, str] = field(default_factory=dict)
    people_by_id: dict[int, str] = field(default_factory=dict)
    section_titles: dict[str, str] = field(default_factory=dict)  # section code -> title
    sections_by_id: dict[int, str] = field(default_factory=dict)  # section id -> "section Q1 Access"
    lead_id: int | None = None


@dataclass(frozen=True)
class Entry:
    action: str
    actor_id: int | None
    actor_name: str | None
    actor_role: str | None
    before: Any
    after: Any
    reason: str
    entity_id: int | None
    names: Names

    @property
    def by(self) -> str:
        """ "by the lead, Lee Lead", "by administrator Ada Admin"; nobody means the system did it."""
        if self.actor_name is None:
            return "by the system"
        if self.names.lead_id is not None and self.actor_id == self.names.lead_id:
            return f"by the lead, {self.actor_name}"
        return f"by {ROLES.get(self.actor_role or '', 'user')} {self.actor_name}"

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the event's after, else its before."""
        for side in (self.after, self.before):
            if isinstance(side, dict) and key in side:
                return side[key]
        return default


# --- how values read ------------------------------------------------------------------------


def number(value: Any) -> str:
    """1, 2.5, 33.33: at most two decimals, never scientific notation."""
    if value is None:
        return "none"
    value = float(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value: Any) -> str:
    return "none" if value is None else f"{number(value)}%"


def money(value: Any) -> str:
    if value is None:
        return "no price"
    value = float(value)
    return f"£{value:,.0f}" if value == int(value) else f"£{value:,.2f}"


def when(value: Any) -> str:
    """ "1 February 2026", or with a time "1 February 2026 at 14:05" (UTC)."""
    if value in (None, ""):
        return "not recorded"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.hour or value.minute:
            return f"{value.day} {value:%B %Y} at {value:%H:%M}"
        value = value.date()
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def quoted(text: Any) -> str:
    text = " ".join(str(text or "").split())
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT].rstrip() + "…"
    return f"\u201c{text}\u201d"


def _count(n: Any, one: str, many: str) -> str:
    n = int(n or 0)
    return f"{n:,} {one if n == 1 else many}"


def _section(e: Entry, code: Any) -> str:
    title = e.names.section_titles.get(str(code))
    return f"section {code} {title}" if title else f"section {code}"


def _person(e: Entry, email: Any) -> str:
    return e.names.people_by_email.get(str(email), str(email or "someone"))


def _user(e: Entry) -> str:
    return e.names.people_by_id.get(e.entity_id or 0, "a user")  # ids start at 1


def _with_reason(e: Entry, text: str) -> str:
    text = text.rstrip(".")
    return f"{text} \u2014 reason: {quoted(e.reason)}" if e.reason.strip() else f"{text}."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weight_changes(e: Entry, before: dict, after: dict) -> list[str]:
    return [
        f"{_section(e, code)} from {percent(before.get(code))} to {percent(after.get(code))}"
        for code in list(before) + [c for c in after if c not in before]
        if before.get(code) != after.get(code)
    ]


# --- one function per action ----------------------------------------------------------------


def _procurement_created(e: Entry) -> str:
    hidden = "hidden from" if e.get("anonymised") else "shown to"
    return (
        f"Procurement {e.get('reference')} {quoted(e.get('title'))} created {e.by}; "
        f"bidder names are {hidden} patient representatives."
    )


def _procurement_changed(e: Entry) -> str:
    before, after = e.before or {}, e.after or {}
    parts = []
    if before.get("title") != after.get("title"):
        parts.append(f"title changed from {quoted(before.get('title'))} to {quoted(after.get('title'))}")
    if before.get("anonymised") != after.get("anonymised"):
        parts.append(
            "bidder names now hidden from patient representatives"
            if after.get("anonymised")
            else "bidder names now shown to patient representatives"
        )
    return f"Procurement details changed {e.by}: {'; '.join(parts) or 'no visible change'}."


def _procurement_imported(e: Entry) -> str:
    new = e.get("new_accounts") or []
    return (
        f"Procurement {e.get('reference')} imported from Excel {e.by}: "
        f"{_count(e.get('sections'), 'section', 'sections')}, {_count(e.get('bidders'), 'bidder', 'bidders')}, "
        f"{_count(e.get('evaluators'), 'evaluator', 'evaluators')} ({_count(len(new), 'new account', 'new accounts')}), "
        f"{_count(e.get('scores'), 'score', 'scores')} and {_count(e.get('consensus'), 'agreed score', 'agreed scores')}; "
        f"it is now {STAGES.get(e.get('status'), 'being set up')}."
    )


def _status_changed(e: Entry) -> str:
    before, after = (e.before or {}).get("status", ""), (e.after or {}).get("status", "")
    text = {
        ("setup", "scoring"): f"Scoring opened {e.by}",
        ("scoring", "moderation"): f"Scoring closed {e.by}; the procurement moved to moderation",
    }.get(
        (before, after), f"Stage changed from {STAGES.get(before, 'unknown')} to {STAGES.get(after, 'unknown')} {e.by}"
    )
    return _with_reason(e, text)


def _demo_past_loaded(e: Entry) -> str:
    assigned = _count(e.get("assignments"), "assignment", "assignments")
    scores = _count(e.get("scores"), "score", "scores")
    accepted = _count(e.get("acceptances"), "accepted score", "accepted scores")
    return (
        f"Demo data: {assigned}, {scores} and {accepted} (each with its reason) loaded together {e.by} "
        "for a past procurement of the demo region, instead of one at a time."
    )


def _finalised(e: Entry) -> str:
    totals = e.get("totals") or {}
    ranking = ", ".join(
        f"{code} {number(numbers.rounded(total, 1))}"
        for code, total in sorted(totals.items(), key=lambda item: -item[1])
    )
    winner = e.get("winner")
    won = f"{winner} won" if winner else "no single winner"
    return f"Result finalised {e.by}: {won}. Weighted totals out of 100: {ranking or 'none'}."


def _section_summary(fields: dict) -> str:
    parts = []
    if "weight" in fields:
        parts.append(f"weight {percent(fields['weight'])}")
    if "max_score" in fields:
        parts.append(f"maximum score {number(fields['max_score'])}")
    if "scored_by" in fields:
        parts.append(f"scored by {SCORED_BY.get(fields['scored_by'], fields['scored_by'])}")
    if fields.get("threshold") is not None:
        parts.append(f"pass mark {number(fields['threshold'])}")
    return ", ".join(parts)


def _section_added(e: Entry) -> str:
    after = e.after or {}
    return f"Section {after.get('code')} {after.get('title')} added {e.by}: {_section_summary(after)}."


SECTION_WORDS = {
    "code": "code",
    "title": "title",
    "question": "question",
    "guidance": "guidance",
    "weight": "weight",
    "max_score": "maximum score",
    "scored_by": "who scores it",
    "threshold": "pass mark",
}


def _section_value(key: str, value: Any) -> str:
    if key == "weight":
        return percent(value)
    if key in ("max_score", "threshold"):
        return number(value) if value is not None else "none"
    if key == "scored_by":
        return SCORED_BY.get(value, str(value))
    return quoted(value)


def _section_changed(e: Entry) -> str:
    before, after = e.before or {}, e.after or {}
    changes = [
        f"{SECTION_WORDS.get(k, k)} changed from {_section_value(k, before.get(k))} to "
        f"{_section_value(k, after.get(k))}"
        for k in after
    ]
    # Only the changed fields are recorded, so the section is named from its id.
    name = e.names.sections_by_id.get(e.entity_id or 0) or (
        f"section {after['code']}" if "code" in after else "a section"
    )
    return _with_reason(e, f"{_cap(name)}: {', '.join(changes) or 'no visible change'} {e.by}")


def _section_deleted(e: Entry) -> str:
    before = e.before or {}
    return f"Section {before.get('code')} {before.get('title')} deleted {e.by} (it had {_section_summary(before)})."


def _weights_changed(e: Entry) -> str:
    before, after = (e.before or {}).get("weights", {}), (e.after or {}).get("weights", {})
    return _weights_sentence(e, before, after, "Weights changed")


def _weights_sentence(e: Entry, before: dict, after: dict, opening: str) -> str:
    changed = [code for code in after if before.get(code) != after.get(code)]
    if len(changed) == 1:
        code = changed[0]
        return _with_reason(
            e,
            f"{_cap(_section(e, code))}: weight changed from {percent(before.get(code))} "
            f"to {percent(after.get(code))} {e.by}",
        )
    return _with_reason(e, f"{opening} {e.by}: {'; '.join(_weight_changes(e, before, after)) or 'no change'}")


def _weights_applied(e: Entry) -> str:
    return _weights_sentence(e, e.before or {}, e.after or {}, "Weights from a saved what-if scenario applied")


def _scenario_saved(e: Entry) -> str:
    weights = e.get("weights") or {}
    share = e.get("patient_share")
    listed = "; ".join(f"{code} {percent(w)}" for code, w in weights.items())
    share_text = f"; patient-scored sections hold {percent(share * 100)} of the weight" if share is not None else ""
    return f"What-if weights {quoted(e.get('name'))} saved {e.by} for the record (not applied): {listed}{share_text}."


def _scale_changed(e: Entry) -> str:
    points = (e.after or {}).get("scale") or []
    listed = ", ".join(f"{value} {label}" for value, label, *_ in points)
    return f"Scoring scale changed {e.by}: {listed}."


def _bidder_added(e: Entry) -> str:
    return f"Bidder {e.get('code')} ({e.get('name')}) added {e.by}."


def _bidder_changed(e: Entry) -> str:
    before, after = e.before or {}, e.after or {}
    parts = [
        f"{word} changed from {quoted(before.get(key))} to {quoted(after.get(key))}"
        for key, word in (("code", "code"), ("name", "name"))
        if before.get(key) != after.get(key)
    ]
    return f"Bidder {after.get('code')} changed {e.by}: {'; '.join(parts) or 'no visible change'}."


def _price_set(e: Entry) -> str:
    was = (e.before or {}).get("price")
    was_text = f" (was {money(was)})" if was is not None else ""
    return f"Price for {e.get('bidder')} set to {money((e.after or {}).get('price'))}{was_text} {e.by}."


def _response_saved(e: Entry) -> str:
    text = (e.after or {}).get("text") or ""
    verb = "changed" if e.before else "saved"
    return (
        f"{e.get('bidder')}'s written answer to {_section(e, e.get('section'))} {verb} {e.by} "
        f"({_count(len(text), 'character', 'characters')})."
    )


def _document_words(e: Entry) -> str:
    size = e.get("size") or 0
    return f"{quoted(e.get('filename'))} ({str(e.get('kind') or '').upper()}, {number(max(1, round(size / 1024)))} KB)"


def _document_uploaded(e: Entry) -> str:
    return (
        f"Document {_document_words(e)} attached to {e.get('bidder')}'s answer to "
        f"{_section(e, e.get('section'))} {e.by}."
    )


def _document_deleted(e: Entry) -> str:
    return (
        f"Document {_document_words(e)} removed from {e.get('bidder')}'s answer to "
        f"{_section(e, e.get('section'))} {e.by}."
    )


def _assignment_added(e: Entry) -> str:
    return f"{_person(e, e.get('evaluator'))} asked to score {_section(e, e.get('section'))} {e.by}."


def _assignment_removed(e: Entry) -> str:
    return f"{_person(e, e.get('evaluator'))} no longer asked to score {_section(e, e.get('section'))}; changed {e.by}."


def _declaration_made(e: Entry) -> str:
    after = e.after or {}
    who = _person(e, after.get("evaluator"))
    if after.get("has_conflict"):
        text = f"{who} declared a conflict of interest with {after.get('bidder')}: {quoted(after.get('details'))}"
    else:
        text = f"{who} declared no conflict of interest with {after.get('bidder')}"
    if after.get("source") == "paper":
        text += f", from their paper sheet, entered {e.by}"
    return text + "."


def _declaration_withdrawn(e: Entry) -> str:
    return _with_reason(
        e, f"{_person(e, e.get('evaluator'))}'s conflict of interest with {e.get('bidder')} withdrawn {e.by}"
    )


def _score_value(value: Any) -> str:
    return "no score" if value is None else number(value)


def _score_saved(e: Entry) -> str:
    after, before = e.after or {}, e.before or {}
    who = _person(e, after.get("evaluator"))
    was = f" (was {_score_value(before.get('value'))})" if before and before.get("value") != after.get("value") else ""
    reason = (
        f"; reason: {quoted(after.get('rationale'))}" if (after.get("rationale") or "").strip() else "; no reason yet"
    )
    source = f", from paper, entered {e.by}" if after.get("source") == "paper" else ""
    return (
        f"{who}'s draft score for {after.get('bidder')}, {_section(e, after.get('section'))}: "
        f"{_score_value(after.get('value'))}{was}{reason}{source}."
    )


def _score_imported(e: Entry) -> str:
    after = e.after or {}
    state = "submitted" if after.get("status") == "submitted" else "a draft"
    return (
        f"{_person(e, after.get('evaluator'))}'s score for {after.get('bidder')}, "
        f"{_section(e, after.get('section'))} imported from Excel (Scores row {after.get('row')}) {e.by}: "
        f"{_score_value(after.get('value'))}, {state}; reason: {quoted(after.get('rationale'))}."
    )


def _scores_submitted(e: Entry) -> str:
    who = _person(e, e.get("evaluator"))
    scores = _count(e.get("scores"), "score", "scores")
    if e.actor_name and e.actor_name != who:
        return f"{who}'s {scores} submitted for them from their signed paper sheets {e.by}."
    return f"{who} submitted {scores}."


def _scores_reopened(e: Entry) -> str:
    return _with_reason(
        e,
        f"{_person(e, e.get('evaluator'))}'s {_count(e.get('scores'), 'submitted score', 'submitted scores')} "
        f"reopened {e.by} so they can change them",
    )


def _consensus_recorded(e: Entry) -> str:
    after, before = e.after or {}, e.before or {}
    was = f" (was {_score_value(before.get('value'))})" if before else ""
    return _with_reason(
        e,
        f"Agreed score for {after.get('bidder')}, {_section(e, after.get('section'))} "
        f"recorded {e.by}: {_score_value(after.get('value'))}{was}",
    )


def _acceptance_recorded(e: Entry) -> str:
    after, before = e.after or {}, e.before or {}
    was = f" (was {_score_value(before.get('value'))})" if before else ""
    return _with_reason(
        e,
        f"Proposed score for {after.get('bidder')}, {_section(e, after.get('section'))} "
        f"accepted {e.by}: {_score_value(after.get('value'))}{was}",
    )


def _consensus_imported(e: Entry) -> str:
    after = e.after or {}
    return (
        f"Agreed score for {after.get('bidder')}, {_section(e, after.get('section'))} imported from Excel "
        f"(Consensus row {after.get('row')}) {e.by}: {_score_value(after.get('value'))}; "
        f"reason: {quoted(after.get('rationale'))}."
    )


def _user_created(e: Entry) -> str:
    after = e.after or {}
    trained = (
        f", training completed on {when(after['training_completed_on'])}" if after.get("training_completed_on") else ""
    )
    return (
        f"Account created for {after.get('name')} ({after.get('email')}) as a "
        f"{ROLES.get(after.get('role', ''), 'user')}{trained}, {e.by}."
    )


def _user_locked(e: Entry) -> str:
    return (
        f"{_user(e)}'s account locked after too many wrong passwords, until "
        f"{when((e.after or {}).get('locked_until'))} (UTC). An administrator can unlock it by setting a new password."
    )


def _password_set(e: Entry) -> str:
    return f"New password set for {_user(e)} {e.by}; this also unlocks the account."


def _training_recorded(e: Entry) -> str:
    before = (e.before or {}).get("training_completed_on")
    after = (e.after or {}).get("training_completed_on")
    return f"{_user(e)}'s training date recorded as {when(after)} (was {when(before)}) {e.by}."


def _regime_set(e: Entry) -> str:
    from .law import short_name

    after = e.after or {}
    service = f", service type {quoted(after['service_type'])}" if after.get("service_type") else ""
    return f"Procurement run under the {short_name(after.get('regime'))}{service}, set {e.by}."


def _key_criterion_noted(e: Entry) -> str:
    from .law.key_criteria import label as key_label

    return (
        f"Note on the key criterion {quoted(key_label(e.get('key_criterion')))} saved {e.by}: "
        f"{quoted((e.after or {}).get('note'))}."
    )


def _evaluator_experience(e: Entry) -> str:
    return (
        f"Experience of {_person(e, e.get('evaluator'))} recorded {e.by}: {quoted((e.after or {}).get('experience'))}."
    )


def _decision_details(e: Entry) -> str:
    after = e.after or {}
    return (
        f"Decision makers and the reasons for the weighting recorded {e.by}: decided by "
        f"{quoted(after.get('decision_makers'))}; weighting: {quoted(after.get('weighting_rationale'))}."
    )


def _notice_published(e: Entry) -> str:
    return f"Award notice recorded as published on {when((e.after or {}).get('published_on'))} {e.by}."


def _representations(e: Entry) -> str:
    after = e.after or {}
    if not after.get("representations_received"):
        return f"No representations received during the standstill, recorded {e.by}."
    decision = {"proceed": "to go ahead with the award", "not_proceed": "not to go ahead with the award"}.get(
        after.get("further_decision", ""), "not recorded"
    )
    return (
        f"Representations received during the standstill, recorded {e.by}; the decision, told to the "
        f"providers on {when(after.get('further_decision_on'))}, was {decision}."
    )


def _notice_text_saved(e: Entry) -> str:
    text = (e.after or {}).get("notice_text") or ""
    return f"Notice of intention to award saved {e.by} ({_count(len(text), 'character', 'characters')})."


def _invited(e: Entry) -> str:
    return f"{_user(e)} invited by email {e.by}; the link works once, for 7 days."


def _invitation_resent(e: Entry) -> str:
    return f"A new invitation sent to {_user(e)} {e.by}; earlier links no longer work."


def _invitation_accepted(e: Entry) -> str:
    return f"{_user(e)} chose a password from their invitation and signed in."


def _reset_requested(e: Entry) -> str:
    return f"A password reset link was emailed to {_user(e)} at their request."


def _password_reset(e: Entry) -> str:
    return f"{_user(e)} chose a new password from a reset link; their other sessions were ended."


def _deactivated(e: Entry) -> str:
    return _with_reason(e, f"{_user(e)}'s account deactivated {e.by}; they were signed out and their scores kept")


def _reactivated(e: Entry) -> str:
    return f"{_user(e)}'s account reactivated {e.by}."


def _role_changed(e: Entry) -> str:
    before = ROLES.get((e.before or {}).get("role", ""), "unknown")
    after = ROLES.get((e.after or {}).get("role", ""), "unknown")
    return f"{_user(e)}'s role changed from {before} to {after} {e.by}; they were signed out."


def _unlocked(e: Entry) -> str:
    return f"{_user(e)}'s account unlocked {e.by}."


def _dates_set(e: Entry) -> str:
    after = e.after or {}
    return (
        f"Scoring deadline set to {when(after.get('scoring_deadline'))} (UTC) and the moderation meeting "
        f"to {when(after.get('moderation_meeting_on'))} {e.by}."
    )


def _needs_set(e: Entry) -> str:
    from .models import COMMUNICATION_NEEDS

    before, after = e.before or {}, e.after or {}
    need = COMMUNICATION_NEEDS.get(after.get("need", ""), "standard").lower()
    was = COMMUNICATION_NEEDS.get(before.get("need", ""), "standard").lower()
    note = f", note {quoted(after.get('note'))}" if after.get("note") else ""
    by = "by themselves" if e.actor_id == e.entity_id else e.by
    return f"{_user(e)}'s communication needs set to {need} (was {was}){note} {by}."


def _password_changed(e: Entry) -> str:
    return f"{_user(e)} changed their own password; their other sessions were ended."


def _letter_posted(e: Entry) -> str:
    after = e.after or {}
    return (
        f"Letter to {after.get('to')} ({quoted(after.get('subject'))}) marked as posted on "
        f"{when(after.get('posted_on'))} {e.by}."
    )


def _people_invited(e: Entry) -> str:
    after = e.after or {}
    names = after.get("names") or []
    return (
        f"Invitations emailed {e.by} to the {'person' if len(names) == 1 else 'people'} the import added: "
        f"{', '.join(names)}."
    )


SENTENCES: dict[str, Callable[[Entry], str]] = {
    "letter.posted": _letter_posted,
    "procurement.people_invited": _people_invited,
    "user.communication_needs_set": _needs_set,
    "user.password_changed": _password_changed,
    "procurement.regime_set": _regime_set,
    "key_criterion.noted": _key_criterion_noted,
    "evaluator.experience": _evaluator_experience,
    "award.decision_details": _decision_details,
    "award.notice_published": _notice_published,
    "award.representations": _representations,
    "award.notice_text_saved": _notice_text_saved,
    "procurement.created": _procurement_created,
    "procurement.changed": _procurement_changed,
    "procurement.imported": _procurement_imported,
    "procurement.status_changed": _status_changed,
    "procurement.finalised": _finalised,
    "demo.past_loaded": _demo_past_loaded,
    "section.added": _section_added,
    "section.changed": _section_changed,
    "section.deleted": _section_deleted,
    "weights.changed": _weights_changed,
    "weights.applied": _weights_applied,
    "scenario.saved": _scenario_saved,
    "scale.changed": _scale_changed,
    "bidder.added": _bidder_added,
    "bidder.changed": _bidder_changed,
    "price.set": _price_set,
    "response.saved": _response_saved,
    "document.uploaded": _document_uploaded,
    "document.deleted": _document_deleted,
    "assignment.added": _assignment_added,
    "assignment.removed": _assignment_removed,
    "declaration.made": _declaration_made,
    "declaration.withdrawn": _declaration_withdrawn,
    "score.saved": _score_saved,
    "score.imported": _score_imported,
    "scores.submitted": _scores_submitted,
    "scores.reopened": _scores_reopened,
    "consensus.recorded": _consensus_recorded,
    "acceptance.recorded": _acceptance_recorded,
    "consensus.imported": _consensus_imported,
    "procurement.dates_set": _dates_set,
    "user.created": _user_created,
    "user.deactivated": _deactivated,
    "user.invitation_accepted": _invitation_accepted,
    "user.invitation_resent": _invitation_resent,
    "user.invited": _invited,
    "user.locked": _user_locked,
    "user.password_reset": _password_reset,
    "user.password_reset_requested": _reset_requested,
    "user.password_set": _password_set,
    "user.reactivated": _reactivated,
    "user.role_changed": _role_changed,
    "user.training_recorded": _training_recorded,
    "user.unlocked": _unlocked,
}

#: The words the audit log's "Action" filter shows for each action.
LABELS: dict[str, str] = {
    "procurement.regime_set": "Regime set",
    "key_criterion.noted": "Key criterion note saved",
    "evaluator.experience": "Evaluator's experience recorded",
    "award.decision_details": "Decision makers recorded",
    "award.notice_published": "Award notice published",
    "award.representations": "Standstill representations recorded",
    "award.notice_text_saved": "Notice of intention to award saved",
    "procurement.created": "Procurement created",
    "procurement.changed": "Procurement details changed",
    "procurement.imported": "Procurement imported from Excel",
    "procurement.status_changed": "Scoring opened or closed",
    "procurement.finalised": "Result finalised",
    "demo.past_loaded": "Demo data loaded",
    "section.added": "Section added",
    "section.changed": "Section changed",
    "section.deleted": "Section deleted",
    "weights.changed": "Weights changed",
    "weights.applied": "What-if weights applied",
    "scenario.saved": "What-if weights saved",
    "scale.changed": "Scoring scale changed",
    "bidder.added": "Bidder added",
    "bidder.changed": "Bidder changed",
    "price.set": "Price set",
    "response.saved": "Bidder's answer saved",
    "document.uploaded": "Document attached",
    "document.deleted": "Document removed",
    "assignment.added": "Evaluator asked to score a section",
    "assignment.removed": "Evaluator no longer asked to score a section",
    "declaration.made": "Conflict of interest declared",
    "declaration.withdrawn": "Conflict of interest withdrawn",
    "score.saved": "Score saved",
    "score.imported": "Score imported from Excel",
    "scores.submitted": "Scores submitted",
    "scores.reopened": "Scores reopened",
    "consensus.recorded": "Agreed score recorded",
    "acceptance.recorded": "Proposed score accepted",
    "consensus.imported": "Agreed score imported from Excel",
    "procurement.dates_set": "Deadline and meeting dates set",
    "letter.posted": "Letter posted",
    "procurement.people_invited": "New people invited",
    "user.communication_needs_set": "Communication needs set",
    "user.password_changed": "Password changed",
    "user.created": "Account created",
    "user.deactivated": "Account deactivated",
    "user.invitation_accepted": "Invitation accepted",
    "user.invitation_resent": "Invitation sent again",
    "user.invited": "Invited by email",
    "user.locked": "Account locked",
    "user.password_reset": "Password reset from a link",
    "user.password_reset_requested": "Password reset link requested",
    "user.password_set": "Password set",
    "user.reactivated": "Account reactivated",
    "user.role_changed": "Role changed",
    "user.training_recorded": "Training date recorded",
    "user.unlocked": "Account unlocked",
}


def label(action: str) -> str:
    return LABELS.get(action, "Other change")


def _load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def sentence(event, names: Names) -> str:
    """The sentence for one ``AuditEvent``. An action without a sentence still reads as words."""
    actor = event.actor
    entry = Entry(
        action=event.action,
        actor_id=event.actor_id,
        actor_name=actor.name if actor is not None else None,
        actor_role=actor.role if actor is not None else None,
        before=_load(event.before_json),
        after=_load(event.after_json),
        reason=event.reason or "",
        entity_id=event.entity_id,
        names=names,
    )
    describe = SENTENCES.get(event.action)
    if describe is None:
        return _with_reason(entry, f"{label(event.action)} {entry.by}")
    return describe(entry)


def names_for(procurement) -> Names:
    """Names of the people and sections an audit log of ``procurement`` may mention."""
    from sqlalchemy import select

    from .extensions import db
    from .models import User

    people = db.session.execute(select(User.id, User.email, User.name)).all()
    return Names(
        people_by_email={email: name for _, email, name in people},
        people_by_id={user_id: name for user_id, _, name in people},
        section_titles={s.code: s.title for s in procurement.sections},
        sections_by_id={s.id: f"section {s.code} {s.title}" for s in procurement.sections},
        lead_id=procurement.lead_id,
    )
