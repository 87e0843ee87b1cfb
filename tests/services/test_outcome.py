"""The outcome gateway: one engine run per data version, and no change can be missed.

Each step makes one kind of change through its own service (as the web and the
command line do), then checks that the next request recomputes, that it sees the
change, and that the request after that is served from the cache.
"""

from __future__ import annotations

import pytest

from scoring.extensions import db
from scoring.models import Role, Score
from scoring.services import assignments, evaluation, finalise, moderation, outcome, pricing, setup
from scoring.services.errors import Refused

from ..helpers import accept_the_rest, gen_procurement, gen_user, sign_in


def runs():
    return dict(outcome.cache().runs)


class Watch:
    """Counts engine loads between two looks."""

    def __init__(self, procurement):
        self.procurement = procurement
        outcome.outcome(procurement)  # warm
        self.seen = runs()

    def recomputes(self):
        """The next request loads the inputs again and runs the engine once; the one after, neither."""
        db.session.expire_all()  # as a new request would: nothing kept from before
        first = outcome.outcome(self.procurement)
        now = runs()
        assert now["inputs"] == self.seen["inputs"] + 1, "the change was not noticed"
        assert now["outcome"] == self.seen["outcome"] + 1
        again = outcome.outcome(self.procurement)
        assert again is first and runs() == now, "an unchanged procurement was computed twice"
        self.seen = now
        return first

    def cached(self):
        db.session.expire_all()
        result = outcome.outcome(self.procurement)
        assert runs() == self.seen, "nothing changed, yet the engine ran"
        return result


def totals(result):
    return {row["code"]: round(row["total"], 6) for row in result.document["bidders"]}


@pytest.fixture
def world(app, lead):
    rep = gen_user(Role.PATIENT, "Rita Rep")
    panel = gen_user(Role.PANEL, "Pat Panel")
    procurement = gen_procurement(
        lead=lead,
        evaluators=[rep, panel],
        open_scoring=False,
        sections=[("Q1", 50, "both"), ("Q2", 30, "patient"), ("P", 20, "price")],
    )
    return procurement, rep, panel


def score_everything(procurement, people, value_of):
    """Each person declares no conflicts, scores every cell assigned to them and submits."""
    for person in people:
        evaluation.declare_conflicts(person, procurement, {b.id: (False, "") for b in procurement.bidders})
        for cell in evaluation.cells_for(person, procurement):
            evaluation.save_score(
                evaluator=person,
                procurement=procurement,
                bidder=cell.bidder,
                section=cell.section,
                value=value_of(person, cell),
                rationale="Because.",
                expected_version=0,
            )
        evaluation.submit_scores(person, procurement)


def test_every_kind_of_change_makes_the_next_request_recompute(world, lead):
    procurement, rep, panel = world
    q1, q2, price = procurement.sections
    a, b = procurement.bidders

    # Set-up: prices, a section, a bidder, weights, an assignment.
    pricing.set_prices(procurement, {a.id: "100000", b.id: "80000"}, actor=lead)
    watch = Watch(procurement)
    watch.cached()
    before = totals(watch.cached())
    pricing.set_prices(procurement, {a.id: "80000", b.id: "100000"}, actor=lead)  # price
    assert totals(watch.recomputes()) != before

    setup.update_section(q2, max_score=5, actor=lead)  # section
    result = watch.recomputes()
    assert {s["code"]: s["max_score"] for s in result.document["sections"]}["Q2"] == 5
    setup.update_section(q2, max_score=4, actor=lead)
    watch.recomputes()

    setup.update_bidder(b, code="Bidder Z", name=b.name, actor=lead)  # bidder
    assert "Bidder Z" in totals(watch.recomputes())

    setup.set_weights(procurement, {q1.id: 60, q2.id: 20, price.id: 20}, actor=lead)  # weight
    assert {s["code"]: s["weight"] for s in watch.recomputes().document["sections"]}["Q1"] == 60

    extra = gen_user(Role.PANEL, "Extra Panel")
    watch.seen = runs()  # creating a user touches no procurement
    watch.cached()
    setup.assign_evaluator(q1, extra, actor=lead)  # assignment
    db.session.commit()
    watch.recomputes()
    assignments.remove_assignment(q1, extra, actor=lead)
    watch.recomputes()

    # Scoring: declarations and scores.
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    watch.recomputes()
    score_everything(procurement, [rep, panel], lambda person, cell: 3 if person is rep else 1)
    scored = totals(watch.recomputes())

    score = db.session.scalar(
        db.select(Score).where(Score.evaluator_id == rep.id, Score.bidder_id == a.id, Score.section_id == q1.id)
    )
    evaluation.reopen_scores(lead=lead, procurement=procurement, evaluator=rep, reason="Typo in Q1.")
    watch.recomputes()
    evaluation.save_score(
        evaluator=rep,
        procurement=procurement,
        bidder=a,
        section=q1,
        value=0,  # score
        rationale="Second look.",
        expected_version=score.version,
    )
    evaluation.submit_scores(rep, procurement)
    assert totals(watch.recomputes())["Bidder A"] < scored["Bidder A"]

    declaration = evaluation.declarations_for(panel, procurement)[b.id]
    evaluation.declare_conflicts(panel, procurement, {a.id: (False, ""), b.id: (True, "My sister works there.")})
    watch.recomputes()  # declaration
    declaration = evaluation.declarations_for(panel, procurement)[b.id]
    assert declaration.has_conflict
    assignments.withdraw_conflict(declaration, reason="Checked: no conflict after all.", actor=lead)
    watch.recomputes()

    # Moderation: consensus.
    setup.close_scoring(procurement, actor=lead)
    watch.recomputes()
    moderation.record_consensus(
        actor=lead,
        procurement=procurement,
        bidder=a,
        section=q1,
        value=4,  # consensus
        rationale="The panel agreed a 4.",
        expected_version=0,
    )
    result = watch.recomputes()
    assert next(r for r in result.document["bidders"] if r["code"] == "Bidder A")["moderated"]["Q1"] == 4

    # Final: the stored result, with no engine run at all, however often it is read.
    accept_the_rest(procurement, lead)
    finalise.finalise(procurement, actor=lead)
    db.session.expire_all()
    seen = runs()
    stored = outcome.outcome(procurement)
    assert stored.final and stored.analysis is None
    assert outcome.outcome(procurement) is stored
    after = runs()
    assert (after["inputs"], after["outcome"]) == (seen["inputs"], seen["outcome"])
    assert stored.document["view"]["final"] is True


def test_a_request_that_wrote_something_neither_reads_nor_fills_the_cache(world, lead):
    procurement, rep, panel = world
    q1, q2 = procurement.sections[:2]
    watch = Watch(procurement)
    q1.weight, q2.weight = 40, 40  # not committed: it may yet be rolled back
    db.session.flush()
    trial = outcome.outcome(procurement)
    assert trial.document["sections"][0]["weight"] == 40  # this transaction's own view...
    db.session.rollback()
    watch.seen = runs()  # that run was counted, but not kept
    assert watch.cached().document["sections"][0]["weight"] == 50  # ...never served to the next one


def test_the_results_page_runs_the_engine_once_for_the_page_and_its_charts(client, world, lead):
    procurement, rep, panel = world
    setup.set_weights(procurement, {s.id: w for s, w in zip(procurement.sections, (60, 40, 0))}, actor=lead)
    a, b = procurement.bidders
    pricing.set_prices(procurement, {a.id: "100000", b.id: "80000"}, actor=lead)
    setup.open_scoring(procurement, actor=lead)
    db.session.commit()
    score_everything(procurement, [rep, panel], lambda person, cell: 2)
    sign_in(client, lead)
    seen = runs()
    page = client.get(f"/procurements/{procurement.id}/results")
    assert page.status_code == 200
    for name in ("totals-by-section", "totals-by-group", "winner-sweep", "win-probabilities"):
        assert client.get(f"/procurements/{procurement.id}/results/charts/{name}.svg").status_code == 200
    assert client.get(f"/procurements/{procurement.id}/results").status_code == 200
    now = runs()
    assert now["outcome"] == seen["outcome"] + 1 and now["inputs"] == seen["inputs"] + 1


def test_a_procurement_that_cannot_be_analysed_is_refused_in_words(world):
    procurement, rep, panel = world
    setup.set_weights(procurement, {procurement.sections[0].id: 10}, actor=None)
    with pytest.raises(Refused, match="weights sum to 60"):
        outcome.outcome(procurement)
