"""One of everything, for tests that look at every route: each kind of user and a
procurement at each stage, built through the services as the app would build them.

* ``scoring``: scoring open; the rep and the panel evaluator have declared no
  conflicts, ``rep_conflicted`` declared a conflict with Bidder A; Bidder A's
  answer to Q1 has a PDF attached; there is a saved what-if scenario.
* ``moderation``: everyone submitted, scoring closed.
* ``final``: moderated (a consensus for every cell) and finalised.
* ``other``: led by ``other_lead``, still being set up.
* ``setup`` (only when asked for): led by ``lead``, still being set up, evaluators
  assigned, Bidder A's answer to Q1 with a PDF attached and a saved what-if scenario.

Texts that evaluators and leads type (names, rationales, consensus reasons,
bidder names) contain markup, so pages that show them can be checked for escaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.extensions import db
from scoring.models import Procurement, Role, User
from scoring.services import evaluation, setup

from ..helpers import gen_procurement, gen_user

MARKUP = '<script>alert("x")</script>'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ROLES = ("anonymous", "rep", "rep_unassigned", "rep_conflicted", "panel", "lead", "other_lead", "admin", "reviewer")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    procurements: dict[str, Procurement] = field(default_factory=dict)
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # stage -> {url argument: id}
    emails: dict[str, str] = field(default_factory=dict)  # role -> email, usable outside the session


def _declare(user, procurement, conflict_with=()):
    evaluation.declare_conflicts(
        user,
        procurement,
        {
            b.id: (b.code in conflict_with, f"I used to work for {b.code} {MARKUP}" if b.code in conflict_with else "")
            for b in procurement.bidders
        },
    )


def _score_and_submit(procurement, evaluators):
    for user in evaluators:
        for cell in evaluation.cells_for(user, procurement):
            evaluation.save_score(
                evaluator=user,
                procurement=procurement,
                bidder=cell.bidder,
                section=cell.section,
                value=3,
                rationale=f"Clear plan {MARKUP} from {user.name}",
                expected_version=0,
            )
        evaluation.submit_scores(user, procurement)


def build_world(*, stages=("scoring", "moderation", "final", "other")) -> World:
    from scoring.models import Declaration, WeightScenario
    from scoring.services import documents, finalise, mail, moderation

    world = World()
    u = world.users
    u["admin"] = gen_user(Role.ADMIN, "Ada Admin")
    u["lead"] = gen_user(Role.LEAD, "Lee Lead")
    u["other_lead"] = gen_user(Role.LEAD, "Olu Otherlead")
    u["rep"] = gen_user(Role.PATIENT, f"Pat Patel {MARKUP}", email="pat.patel@example.org")
    u["rep_unassigned"] = gen_user(Role.PATIENT, "Una Unassigned")
    u["rep_conflicted"] = gen_user(Role.PATIENT, "Connie Conflicted")
    u["panel"] = gen_user(Role.PANEL, "Morgan Panel")
    u["reviewer"] = gen_user(Role.REVIEWER, "Ines Involvement")
    evaluators = [u["rep"], u["panel"], u["rep_conflicted"]]
    sections = [("Q1", 60, "both"), ("Q2", 40, "patient")]
    bidders = ("Bidder A", "Bidder B")

    def make(reference, *, open_scoring=True):
        return gen_procurement(
            lead=u["lead"],
            reference=reference,
            sections=sections,
            bidders=bidders,
            evaluators=evaluators,
            open_scoring=open_scoring,
        )

    if "setup" in stages:
        p = make("GP-ROUTES-SETUP", open_scoring=False)
        a, q1 = p.bidders[0], p.sections[0]
        document = documents.store_document(a, q1, filename="plan.pdf", data=PDF, actor=u["lead"])
        scenario = WeightScenario(
            procurement_id=p.id,
            name="Patient sections at 50%",
            weights_json='{"Q1": 50, "Q2": 50}',
            created_by_id=u["lead"].id,
        )
        db.session.add(scenario)
        db.session.commit()
        world.procurements["setup"] = p
        world.ids["setup"] = {
            "procurement_id": p.id,
            "bidder_id": a.id,
            "section_id": q1.id,
            "document_id": document.id,
            "scenario_id": scenario.id,
            "user_id": u["rep"].id,
        }

    if "scoring" in stages:
        p = make("GP-ROUTES-SCORING", open_scoring=False)
        a, q1 = p.bidders[0], p.sections[0]
        setup.update_bidder(a, code=a.code, name=f"Acme {MARKUP} Health Ltd", actor=u["lead"])
        document = documents.store_document(a, q1, filename="plan.pdf", data=PDF, actor=u["lead"])
        setup.open_scoring(p, actor=u["lead"])
        db.session.commit()
        _declare(u["rep"], p)
        _declare(u["panel"], p)
        _declare(u["rep_conflicted"], p, conflict_with=("Bidder A",))
        evaluation.save_score(
            evaluator=u["rep"],
            procurement=p,
            bidder=a,
            section=q1,
            value=2,
            rationale=f"Draft {MARKUP}",
            expected_version=0,
        )
        scenario = WeightScenario(
            procurement_id=p.id,
            name="Patient sections at 50%",
            weights_json='{"Q1": 50, "Q2": 50}',
            created_by_id=u["lead"].id,
        )
        db.session.add(scenario)
        db.session.commit()
        # Someone who needs paper by post (not one of the personas): their notice is a letter to post.
        poster = gen_user(Role.PATIENT, f"Paula Post {MARKUP}")
        poster.communication_need, poster.communication_note = "post", f"Phone first {MARKUP}"
        letter = mail.queue(
            poster, "notice", {"heading": f"Scoring is open {MARKUP}", "paragraphs": [MARKUP]}, procurement_id=p.id
        )
        db.session.commit()
        declaration = db.session.scalar(
            db.select(Declaration).where(Declaration.user_id == u["rep_conflicted"].id, Declaration.bidder_id == a.id)
        )
        world.procurements["scoring"] = p
        world.ids["scoring"] = {
            "procurement_id": p.id,
            "bidder_id": a.id,
            "section_id": q1.id,
            "document_id": document.id,
            "declaration_id": declaration.id,
            "scenario_id": scenario.id,
            "user_id": u["rep"].id,
            "message_id": letter.id,
        }

    for stage in ("moderation", "final"):
        if stage not in stages:
            continue
        p = make(f"GP-ROUTES-{stage.upper()}")
        for user, conflicts in ((u["rep"], ()), (u["panel"], ()), (u["rep_conflicted"], ("Bidder A",))):
            _declare(user, p, conflicts)
        _score_and_submit(p, evaluators)
        setup.close_scoring(p, actor=u["lead"])
        if stage == "final":
            for bidder in p.bidders:
                for section in p.sections:
                    moderation.record_consensus(
                        actor=u["lead"],
                        procurement=p,
                        bidder=bidder,
                        section=section,
                        value=3,
                        rationale=f"Agreed {MARKUP}",
                        expected_version=0,
                    )
            finalise.finalise(p, actor=u["lead"])
        declaration = db.session.scalar(
            db.select(Declaration).where(
                Declaration.user_id == u["rep_conflicted"].id, Declaration.bidder_id == p.bidders[0].id
            )
        )
        world.procurements[stage] = p
        world.ids[stage] = {
            "procurement_id": p.id,
            "bidder_id": p.bidders[0].id,
            "section_id": p.sections[0].id,
            "user_id": u["rep"].id,
            "declaration_id": declaration.id,
        }

    if "other" in stages:
        o = gen_procurement(
            lead=u["other_lead"],
            reference="GP-ROUTES-OTHER",
            sections=sections,
            bidders=bidders,
            evaluators=[],
            open_scoring=False,
        )
        world.procurements["other"] = o
        world.ids["other"] = {
            "procurement_id": o.id,
            "bidder_id": o.bidders[0].id,
            "section_id": o.sections[0].id,
            "user_id": u["rep"].id,
        }
    db.session.commit()
    world.emails = {role: user.email for role, user in u.items()}
    return world
