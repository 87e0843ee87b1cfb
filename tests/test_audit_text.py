"""Every audit action the code writes reads as a sentence, in words a governance reviewer knows."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from scoring import audit_text
from scoring.audit_text import Names

SOURCE = Path(audit_text.__file__).parent


def actions_the_code_writes() -> dict[str, str]:
    """Every action passed to ``audit.record(...)`` in the package, with where it is written.

    The action is a literal string, or a parameter of a small helper that passes it on
    (``_change(procurement, notice, "award.notice_published", ...)``): then every literal the
    helper is called with counts.
    """
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in SOURCE.rglob("*.py")}
    found: dict[str, str] = {}
    helpers: dict[str, int] = {}  # function name -> position of the parameter it passes on as the action
    for path, tree in trees.items():
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            params = [a.arg for a in function.args.args]
            for node in ast.walk(function):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"
                ):
                    continue
                where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, where)
                elif isinstance(first, ast.Name) and first.id in params:
                    helpers[function.name] = params.index(first.id)
                else:
                    raise AssertionError(
                        f"{where}: audit.record's action must be a literal string or a "
                        "parameter of its function, so this test can find it"
                    )
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
                position = helpers[node.func.id]
                where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
                given = node.args[position] if len(node.args) > position else None
                assert isinstance(given, ast.Constant) and isinstance(given.value, str), (
                    f"{where}: pass {node.func.id}'s action as a literal string"
                )
                found.setdefault(given.value, where)
    return found


def test_the_collector_finds_the_actions_it_should():
    found = actions_the_code_writes()
    # A few written in very different places: if these vanish, the collector is broken, not the code.
    assert {
        "score.saved",
        "consensus.recorded",
        "user.locked",
        "procurement.finalised",
        "award.notice_published",
    } <= set(found)
    assert len(found) >= 30


def test_every_action_the_code_writes_has_a_sentence_and_a_filter_label():
    found = actions_the_code_writes()
    missing = {a: w for a, w in found.items() if a not in audit_text.SENTENCES or a not in audit_text.LABELS}
    assert not missing, f"Give these audit actions a sentence and a label in scoring/audit_text.py: {missing}"


NAMES = Names(
    people_by_email={"pat@example.org": "Pat Patel", "morgan@example.org": "Morgan Ellis"},
    people_by_id={7: "Pat Patel"},
    section_titles={"Q1": "Access", "Q3": "Access to appointments"},
    sections_by_id={3: "section Q3 Access to appointments"},
    lead_id=1,
)
LEAD = SimpleNamespace(name="Lee Lead", role="lead")
ADMIN = SimpleNamespace(name="Ada Admin", role="admin")

# One realistic event per action, shaped as its service writes it: (actor, before, after, reason, entity id).
SAMPLES = {
    "procurement.created": (LEAD, None, {"reference": "GP-1", "title": "GP services", "anonymised": True}, "", 1),
    "procurement.changed": (LEAD, {"title": "A", "anonymised": True}, {"title": "B", "anonymised": False}, "", 1),
    "procurement.imported": (
        LEAD,
        None,
        {
            "reference": "GP-1",
            "sections": 3,
            "bidders": 2,
            "evaluators": 4,
            "new_accounts": ["a@x.org"],
            "scores": 9000,
            "consensus": 0,
            "status": "scoring",
        },
        "",
        1,
    ),
    "procurement.status_changed": (LEAD, {"status": "scoring"}, {"status": "moderation"}, "Sam is ill.", 1),
    "procurement.finalised": (
        LEAD,
        {"status": "moderation"},
        {
            "status": "final",
            "winner": "Bidder C",
            "engine_version": "1.0",
            "totals": {"Bidder A": 73.2549, "Bidder C": 80.0},
        },
        "",
        1,
    ),
    "demo.past_loaded": (LEAD, None, {"assignments": 20, "scores": 1, "acceptances": 15}, "", 1),
    "section.added": (
        LEAD,
        None,
        {
            "code": "Q1",
            "title": "Access",
            "weight": 33.333333333,
            "max_score": 4,
            "scored_by": "both",
            "threshold": None,
        },
        "",
        3,
    ),
    "section.changed": (LEAD, {"weight": 40.0, "title": "Old"}, {"weight": 50.0, "title": "New"}, "", 3),
    "section.deleted": (
        LEAD,
        {
            "code": "Q9",
            "title": "Gone",
            "weight": 0.0,
            "max_score": 4,
            "scored_by": "panel",
            "threshold": 1.0,
            "question": "",
            "guidance": "",
        },
        None,
        "",
        9,
    ),
    "weights.changed": (
        LEAD,
        {"weights": {"Q1": 60.0, "Q3": 40.0}},
        {"weights": {"Q1": 50.0, "Q3": 50.0}},
        "The board asked.",
        1,
    ),
    "weights.applied": (LEAD, {"Q1": 60.0, "Q3": 40.0}, {"Q1": 60.0, "Q3": 40.0000001}, "Rounding.", 2),
    "scenario.saved": (
        LEAD,
        None,
        {"name": "More access", "weights": {"Q1": 70.0, "Q3": 30.0}, "note": "", "patient_share": 0.123456},
        "",
        2,
    ),
    "scale.changed": (
        LEAD,
        {"scale": [[0, "Bad", ""], [1, "Good", ""]]},
        {"scale": [[0, "Unacceptable", "x"], [1, "Poor", "y"]]},
        "",
        1,
    ),
    "bidder.added": (LEAD, None, {"code": "Bidder A", "name": "Alpha Health Ltd"}, "", 4),
    "bidder.changed": (LEAD, {"code": "Bidder A", "name": "Alpha"}, {"code": "Bidder A", "name": "Alpha Ltd"}, "", 4),
    "price.set": (LEAD, {"bidder": "Bidder B", "price": 1000000.0}, {"bidder": "Bidder B", "price": 1100000.0}, "", 5),
    "response.saved": (LEAD, None, {"bidder": "Bidder A", "section": "Q1", "text": "We will open at 8."}, "", 6),
    "document.uploaded": (
        LEAD,
        None,
        {"bidder": "Bidder A", "section": "Q1", "filename": "plan.pdf", "kind": "pdf", "size": 123456},
        "",
        8,
    ),
    "document.deleted": (
        LEAD,
        {"bidder": "Bidder A", "section": "Q1", "filename": "plan.pdf", "kind": "pdf", "size": 123456},
        None,
        "",
        8,
    ),
    "assignment.added": (LEAD, None, {"section": "Q1", "evaluator": "pat@example.org"}, "", 10),
    "assignment.removed": (LEAD, {"section": "Q1", "evaluator": "pat@example.org"}, None, "", 10),
    "declaration.made": (
        LEAD,
        None,
        {
            "has_conflict": True,
            "details": "My sister works there.",
            "bidder": "Bidder A",
            "evaluator": "pat@example.org",
            "source": "paper",
        },
        "",
        11,
    ),
    "declaration.withdrawn": (
        LEAD,
        {"has_conflict": True, "details": "x"},
        {"has_conflict": False, "bidder": "Bidder A", "evaluator": "pat@example.org"},
        "She left in 2019.",
        11,
    ),
    "score.saved": (
        LEAD,
        {"value": 2, "rationale": "", "status": "draft", "version": 1, "source": "online"},
        {
            "value": 3,
            "rationale": "Clear plan.",
            "status": "draft",
            "version": 2,
            "source": "paper",
            "evaluator": "pat@example.org",
            "bidder": "Bidder A",
            "section": "Q1",
        },
        "",
        12,
    ),
    "score.imported": (
        LEAD,
        None,
        {
            "value": 4,
            "rationale": "Good.",
            "status": "submitted",
            "version": 1,
            "source": "import",
            "evaluator": "morgan@example.org",
            "bidder": "Bidder A",
            "section": "Q3",
            "row": 14,
        },
        "",
        13,
    ),
    "scores.submitted": (LEAD, None, {"evaluator": "pat@example.org", "scores": 18}, "", 7),
    "scores.reopened": (LEAD, None, {"evaluator": "pat@example.org", "scores": 18}, "Pat asked to look again.", 7),
    "consensus.recorded": (
        LEAD,
        None,
        {"value": 3, "rationale": "Agreed.", "status": "agreed", "version": 1, "bidder": "Bidder A", "section": "Q1"},
        "Agreed after discussion.",
        14,
    ),
    "acceptance.recorded": (
        LEAD,
        None,
        {"value": 2.5, "rationale": "Matches the criteria.", "version": 1, "bidder": "Bidder A", "section": "Q1"},
        "Matches the criteria.",
        16,
    ),
    "consensus.imported": (
        LEAD,
        None,
        {
            "value": 3,
            "rationale": "Agreed.",
            "version": 1,
            "source": "import",
            "bidder": "Bidder A",
            "section": "Q1",
            "row": 3,
        },
        "",
        15,
    ),
    "user.created": (
        ADMIN,
        None,
        {"email": "pat@example.org", "name": "Pat Patel", "role": "patient", "training_completed_on": "2026-02-01"},
        "",
        7,
    ),
    "user.locked": (None, None, {"locked_until": "2026-12-01 20:15:00.123456", "ip": "10.0.0.1"}, "", 7),
    "user.password_set": (ADMIN, None, None, "", 7),
    "procurement.regime_set": (
        LEAD,
        {"regime": "psr", "service_type": ""},
        {"regime": "pa23", "service_type": "Community pharmacy"},
        "",
        1,
    ),
    "key_criterion.noted": (
        LEAD,
        {"key_criterion": "access", "note": ""},
        {"key_criterion": "access", "note": "Q1 and Q3 cover access."},
        "",
        2,
    ),
    "evaluator.experience": (
        LEAD,
        {"evaluator": "pat@example.org", "experience": ""},
        {"evaluator": "pat@example.org", "experience": "Ten years on the PPG."},
        "",
        3,
    ),
    "award.decision_details": (
        LEAD,
        {"decision_makers": "", "weighting_rationale": ""},
        {"decision_makers": "The ICB board", "weighting_rationale": "Access first."},
        "",
        4,
    ),
    "award.notice_published": (LEAD, {"published_on": None}, {"published_on": "2027-03-03"}, "", 4),
    "award.representations": (
        LEAD,
        {"representations_received": False, "further_decision": None, "further_decision_on": None},
        {"representations_received": True, "further_decision": "proceed", "further_decision_on": "2027-03-20"},
        "",
        4,
    ),
    "award.notice_text_saved": (LEAD, {"notice_text": ""}, {"notice_text": "We intend to award..."}, "", 4),
    "user.training_recorded": (LEAD, {"training_completed_on": None}, {"training_completed_on": "2026-02-01"}, "", 7),
    "procurement.dates_set": (
        LEAD,
        {"scoring_deadline": None, "moderation_meeting_on": None},
        {"scoring_deadline": "2027-03-12 17:00:00", "moderation_meeting_on": "2027-03-19"},
        "",
        1,
    ),
    "user.invited": (ADMIN, None, {"email": "pat@example.org"}, "", 7),
    "user.invitation_resent": (ADMIN, None, None, "", 7),
    "user.invitation_accepted": (None, None, None, "", 7),
    "user.password_reset_requested": (None, None, None, "", 7),
    "user.password_reset": (None, None, None, "", 7),
    "user.deactivated": (ADMIN, {"active": True}, {"active": False}, "Moved away.", 7),
    "user.reactivated": (ADMIN, {"active": False}, {"active": True}, "", 7),
    "user.role_changed": (ADMIN, {"role": "panel"}, {"role": "lead"}, "", 7),
    "user.unlocked": (ADMIN, None, None, "", 7),
    "user.communication_needs_set": (
        ADMIN,
        {"need": "standard", "note": ""},
        {"need": "post", "note": "Phone before sending"},
        "",
        7,
    ),
    "user.password_changed": (None, None, None, "", 7),
    "letter.posted": (
        LEAD,
        None,
        {"to": "Pat Patel", "subject": "Scoring is open: GP services", "posted_on": "2027-03-02"},
        "",
        4,
    ),
    "procurement.people_invited": (
        LEAD,
        None,
        {"names": ["Pat Patel", "Morgan Ellis"], "emails": ["pat@example.org", "morgan@example.org"]},
        "",
        1,
    ),
}


def event(action: str):
    actor, before, after, reason, entity_id = SAMPLES[action]
    return SimpleNamespace(
        action=action,
        actor=actor,
        actor_id=1 if actor is LEAD else 2,
        before_json=None if before is None else json.dumps(before),
        after_json=None if after is None else json.dumps(after),
        reason=reason,
        entity_id=entity_id,
    )


def test_every_sentence_has_a_sample_here():
    assert set(SAMPLES) == set(audit_text.SENTENCES) == set(audit_text.LABELS)


@pytest.mark.parametrize("action", sorted(SAMPLES))
def test_a_sentence_shows_no_codes_ids_or_scientific_notation(action):
    text = audit_text.sentence(event(action), NAMES)
    assert action not in text
    assert not re.search(r"\d[eE][+-]?\d", text), text  # 1.1e+06
    assert "None" not in text and "{" not in text and "[" not in text and "_" not in text, text
    assert "@" not in text or action == "user.created", text  # people by name, not email
    assert "123456" not in text and "0.123456" not in text, text
    assert text[0].isupper() and text.endswith((".", "\u201d")), text


@pytest.mark.parametrize(
    "action, expected",
    [
        ("price.set", "Price for Bidder B set to £1,100,000 (was £1,000,000) by the lead, Lee Lead."),
        (
            "section.changed",
            "Section Q3 Access to appointments: weight changed from 40% to 50%, title changed from "
            "\u201cOld\u201d to \u201cNew\u201d by the lead, Lee Lead.",
        ),
        (
            "weights.applied",
            "Section Q3 Access to appointments: weight changed from 40% to 40% by the lead, Lee Lead "
            "\u2014 reason: \u201cRounding.\u201d",
        ),
        (
            "procurement.status_changed",
            "Scoring closed by the lead, Lee Lead; the procurement moved to moderation "
            "\u2014 reason: \u201cSam is ill.\u201d",
        ),
        (
            "procurement.finalised",
            "Result finalised by the lead, Lee Lead: Bidder C won. Weighted totals out of 100: "
            "Bidder C 80, Bidder A 73.3.",
        ),
        (
            "demo.past_loaded",
            "Demo data: 20 assignments, 1 score and 15 accepted scores (each with its reason) loaded "
            "together by the lead, Lee Lead for a past procurement of the demo region, instead of one "
            "at a time.",
        ),
        (
            "scenario.saved",
            "What-if weights \u201cMore access\u201d saved by the lead, Lee Lead for the record (not "
            "applied): Q1 70%; Q3 30%; patient-scored sections hold 12.35% of the weight.",
        ),
        (
            "user.locked",
            "Pat Patel's account locked after too many wrong passwords, until 1 December 2026 at 20:15 (UTC). "
            "An administrator can unlock it by setting a new password.",
        ),
        (
            "section.added",
            "Section Q1 Access added by the lead, Lee Lead: weight 33.33%, maximum score 4, scored by "
            "patient representatives and the panel.",
        ),
        (
            "scores.submitted",
            "Pat Patel's 18 scores submitted for them from their signed paper sheets by the lead, Lee Lead.",
        ),
    ],
)
def test_sentences_read_as_a_reviewer_expects(action, expected):
    assert audit_text.sentence(event(action), NAMES) == expected


def test_a_one_weight_change_reads_as_one_sentence():
    weights = SimpleNamespace(
        action="weights.changed",
        actor=LEAD,
        actor_id=1,
        before_json=json.dumps({"weights": {"Q1": 60.0, "Q3": 40.0}}),
        after_json=json.dumps({"weights": {"Q1": 60.0, "Q3": 50.0}}),
        reason="Access matters more.",
        entity_id=1,
    )
    assert audit_text.sentence(weights, NAMES) == (
        "Section Q3 Access to appointments: weight changed from 40% to 50% by the lead, Lee Lead "
        "\u2014 reason: \u201cAccess matters more.\u201d"
    )


def test_someone_other_than_the_lead_is_named_with_their_role():
    admin_event = event("price.set")
    admin_event.actor, admin_event.actor_id = ADMIN, 2
    assert audit_text.sentence(admin_event, NAMES).endswith("by administrator Ada Admin.")


def test_a_whole_procurements_audit_log_reads_as_sentences(client, app):
    """Set up, score, price, reopen, close, moderate and finalise the demo; every line of its log is words."""
    from scoring.extensions import db
    from scoring.models import AuditEvent
    from scoring.services import evaluation, finalise, setup
    from scoring.services.demo import seed_demo
    from tests.helpers import sign_in
    from tests.leads.pages import text

    procurement, _ = seed_demo()
    lead = procurement.lead
    rep = next(
        u for s in procurement.sections for u in (a.user for a in s.assignments) if u.email == "rep2@example.org"
    )
    evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason="Rowan asked to look again.")
    setup.close_scoring(procurement, actor=lead, reason="Pat is unwell.")
    from .helpers import accept_the_rest

    accept_the_rest(procurement, lead)
    finalise.finalise(procurement, actor=lead)
    db.session.commit()
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.procurement_id == procurement.id)))
    assert {"score.saved", "scores.submitted", "scores.reopened", "procurement.finalised"} <= actions

    sign_in(client, "lead@example.org", "demo-scoring-2027")
    page = text(client.get(f"/procurements/{procurement.id}/audit"))
    table = page[page.index("<tbody") : page.index("</tbody>")]
    cells = [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', table, re.S)
    ]
    sentences = cells[1::2]
    assert len(sentences) == 50  # one page
    for sentence in sentences:
        assert not any(action in sentence for action in actions), sentence
        assert not re.search(r"\d[eE][+-]?\d", sentence) and "None" not in sentence and "_" not in sentence, sentence
        assert "@" not in sentence, sentence
    assert any(s.startswith("Result finalised by the lead, Lee Lead: ") for s in sentences)
    assert any(
        "Rowan Reid's 12 submitted scores reopened by the lead, Lee Lead so they can change them "
        "\u2014 reason: \u201cRowan asked to look again.\u201d" == s
        for s in sentences
    )
