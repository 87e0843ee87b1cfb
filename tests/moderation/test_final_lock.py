"""Once final, nothing in a procurement can change, whatever route is posted to and by whom.

Every POST rule in the app's URL map that names something inside a procurement
is tried, by the lead, an administrator and a patient rep, with plausible form
data; each must be refused (400, 403, 404 or 409) and leave every table as it was.
Rules that only compute (the what-if preview) may answer 200, but must change nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Declaration, Role, WeightScenario

from ..helpers import gen_user
from .conftest import client_for

#: Arguments that place a rule inside one procurement.
SCOPED = {"procurement_id", "section_id", "bidder_id", "document_id", "declaration_id", "scenario_id"}
#: POST routes that only compute and never write (what-if previews).
READ_ONLY = {"planning.whatif_page", "planning.whatif_json"}
REFUSED = {400, 403, 404, 409}
#: Tables that sign-in itself writes to; they say nothing about the procurement.
IGNORED_TABLES = {"login_attempts"}


def snapshot() -> dict[str, list]:
    db.session.expire_all()
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            tables[table.name] = sorted(map(tuple, connection.execute(sa.select(table)).all()), key=repr)
    return tables


def form_for(p, rep) -> dict[str, str]:
    """Fields that the state-changing forms of every blueprint use, all filled in validly."""
    data = {
        "score": "1",
        "rationale": "A change after the result was final",
        "version": "1",
        "reason": "Trying to change a final procurement",
        "title": "A new title",
        "code": "Z9",
        "name": "New Name Ltd",
        "weight": "10",
        "max_score": "4",
        "scored_by": "both",
        "threshold": "1",
        "question": "Q?",
        "guidance": "G",
        "text": "A new answer",
        "anonymised": "no",
        "confirm": "y",
        "share": "50",
        "note": "n",
        "email": "new.person@example.org",
        "value": "2",
        "save": "y",
        "save_draft": "y",
        "apply": "y",
    }
    for s in p.sections:
        data[f"weight-{s.id}"] = "50"
        for u in (rep,):
            data[f"assign-{s.id}-{u.id}"] = "y"
    for b in p.bidders:
        data[f"bidder-{b.id}"] = "yes"
        data[f"details-{b.id}"] = "A new conflict"
        data[f"price-{b.id}"] = "1000"
    for i in range(5):
        data[f"label-{i}"] = f"Point {i}"
        data[f"descriptor-{i}"] = "d"
    return data


def url_values(rule, p, rep, declaration_id, scenario_id):
    values = {}
    for argument in rule.arguments:
        values[argument] = {
            "procurement_id": p.id,
            "section_id": p.sections[0].id,
            "bidder_id": p.bidders[0].id,
            "user_id": rep.id,
            "evaluator_id": rep.id,
            "declaration_id": declaration_id,
            "scenario_id": scenario_id,
            "document_id": 1,
        }.get(argument, 1)
    return values


def test_no_route_changes_a_final_procurement(app, finalised, lead, rep):
    p = finalised
    admin = gen_user(Role.ADMIN, "Alex Admin")
    declaration = db.session.query(Declaration).filter_by(user_id=rep.id).first()
    scenario = WeightScenario(
        procurement_id=p.id, name="Equal", weights_json='{"Q1": 50, "Q2": 50}', created_by_id=lead.id
    )
    db.session.add(scenario)
    db.session.commit()
    clients = {"lead": client_for(app, lead), "admin": client_for(app, admin), "rep": client_for(app, rep)}
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods and SCOPED & set(r.arguments)]
    assert {"moderation.cell", "moderation.finalise", "evaluate.score"} <= {r.endpoint for r in rules}

    before = snapshot()
    data = form_for(p, rep)
    problems = []
    for rule in rules:
        url = rule.build(url_values(rule, p, rep, declaration.id, scenario.id), append_unknown=False)[1]
        for who, client in clients.items():
            response = client.post(url, data=data)
            if response.status_code not in REFUSED and rule.endpoint not in READ_ONLY:
                problems.append(f"{rule.endpoint} as {who}: HTTP {response.status_code}")
            after = snapshot()
            if after != before:
                changed = [name for name in before if before[name] != after[name]]
                problems.append(f"{rule.endpoint} as {who}: changed {', '.join(changed)}")
                before = after
    assert problems == [], "\n".join(problems)
    assert len(rules) >= 3
