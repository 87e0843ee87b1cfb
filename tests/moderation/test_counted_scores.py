"""Which scores count is one rule (`scoring/services/counted.py`): the engine adapter, the
moderation pages and the export's Scores sheet count exactly the same scores."""

from __future__ import annotations

import numpy as np

from scoring.extensions import db
from scoring.models import Declaration, Role, Score, ScoreStatus
from scoring.services import engine_adapter, evaluation, moderation
from scoring.services.export import data as export_data

from ..helpers import gen_procurement, gen_scores, gen_user


def test_the_adapter_moderation_and_the_export_count_the_same_scores(app, lead):
    rep, late, conflicted = (gen_user(Role.PATIENT, name) for name in ("Pat Patel", "Lee Late", "Con Flicted"))
    panel = gen_user(Role.PANEL, "Morgan Panel")
    procurement = gen_procurement(lead=lead, evaluators=[rep, late, conflicted, panel])
    bidder_a, bidder_b = procurement.bidders
    gen_scores(procurement, {rep: 3, panel: 2})
    gen_scores(procurement, {late: 4}, submit=False)  # drafts: never counted
    evaluation.declare_conflicts(
        conflicted, procurement, {bidder_a.id: (True, "I used to work there"), bidder_b.id: (False, "")}
    )
    gen_scores(procurement, {conflicted: 1})
    # A submitted score for the bidder the evaluator declared a conflict with (given before the
    # declaration, say) still never counts.
    db.session.add(
        Score(
            bidder_id=bidder_a.id,
            section_id=procurement.sections[0].id,
            evaluator_id=conflicted.id,
            value=4,
            rationale="Before declaring",
            status=ScoreStatus.SUBMITTED.value,
        )
    )
    db.session.commit()
    assert db.session.query(Declaration).filter_by(has_conflict=True).count() == 1

    everything = db.session.query(Score).all()
    pairs = moderation.conflict_pairs(procurement)
    by_moderation = sorted(
        (s.evaluator_id, s.bidder_id, s.section_id, s.value) for s in everything if moderation.counted_score(s, pairs)
    )
    # rep: 2 bidders x 2 sections; panel: 2 x Q1; conflicted: Bidder B x 2 sections
    assert len(by_moderation) == 4 + 2 + 2
    assert all(who != late.id for who, *_ in by_moderation)
    assert (conflicted.id, bidder_a.id, procurement.sections[0].id, 4) not in by_moderation

    inputs, info = engine_adapter.load_inputs(db.session, procurement)
    assert int(np.count_nonzero(~np.isnan(inputs.scores))) == len(by_moderation)
    assert info["conflicted"] == 1

    rows = list(export_data.score_rows(db.session, procurement))
    emails = {u.id: u.email for u in (rep, late, conflicted, panel)}
    bidders, sections = ({x.id: x.code for x in xs} for xs in (procurement.bidders, procurement.sections))
    assert sorted((email, bidder, section, value) for _, email, _, bidder, section, value, *_ in rows) == sorted(
        (emails[e], bidders[b], sections[s], v) for e, b, s, v in by_moderation
    )
