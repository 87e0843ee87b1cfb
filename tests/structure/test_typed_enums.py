"""Stages, roles and score kinds are enum members everywhere, and nothing compares them with a string.

The columns are typed (`models.stored_enum`): a value set from a form or a seed becomes its
member at once, a value that is not a member is refused where it is set and by the database,
and what is read back is the member, so code and templates ask `status is Status.SCORING`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import Procurement, Role, Score, ScoredBy, ScoreSource, ScoreStatus, Section, Status, User

ROOT = Path(__file__).resolve().parents[2]
VALUES = {member.value for enum in (Role, Status, ScoredBy, ScoreStatus, ScoreSource) for member in enum}
# An attribute holding one of these, compared with (or looked up in) a string literal of a member's value.
STRING_COMPARISON = re.compile(
    r"\b(?:status|role|scored_by|source)\s*(?:==|!=|\bin\b|\bnot in\b)\s*[\(\[\{]?\s*['\"](%s)['\"]"
    % "|".join(sorted(VALUES))
)


def test_a_value_set_as_text_is_the_member_at_once_and_after_a_reload(app, procurement, rep):
    procurement.status = "scoring"
    assert procurement.status is Status.SCORING
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).status is Status.SCORING
    assert db.session.get(User, rep.id).role is Role.PATIENT
    assert {s.scored_by for s in procurement.sections} <= set(ScoredBy)
    score = db.session.scalars(sa.select(Score)).first()
    if score is not None:
        assert score.status in ScoreStatus and score.source in ScoreSource
    # Printed, it is its value, as the pages, the workbook and the audit log always showed it.
    assert f"{procurement.status}" == "scoring" and str(Role.PATIENT) == "patient"


@pytest.mark.parametrize(
    "model, field",
    [(Procurement, "status"), (User, "role"), (Section, "scored_by"), (Score, "status"), (Score, "source")],
)
def test_a_value_that_is_not_a_member_is_refused_where_it_is_set(model, field):
    with pytest.raises(ValueError, match="is not a valid"):
        model(**{field: "nonsense"})


def test_the_database_refuses_a_value_that_is_not_a_member(app, procurement):
    before = procurement.status
    # Past the ORM (a hand-written UPDATE): the column's CHECK constraint still holds.
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(
                sa.text("UPDATE procurements SET status = 'nearly-final' WHERE id = :id"), {"id": procurement.id}
            )
    db.session.expire_all()
    assert db.session.get(Procurement, procurement.id).status is before


def test_no_code_or_template_compares_a_stage_or_role_with_a_string():
    offenders = []
    for path in [*ROOT.glob("scoring/**/*.py"), *ROOT.glob("templates/**/*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STRING_COMPARISON.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "Compare with the enum member instead:\n" + "\n".join(offenders)


def test_the_check_finds_a_string_comparison():
    assert STRING_COMPARISON.search('{% if procurement.status == "scoring" %}')
    assert STRING_COMPARISON.search("if user.role in ('lead', 'admin'):")
    assert not STRING_COMPARISON.search("{% if procurement.status is sameas Status.SCORING %}")


def test_the_migrations_frozen_values_are_the_enums_values():
    import importlib.util

    path = next(ROOT.glob("migrations/versions/9b4e6d2c1a57_*.py"))
    spec = importlib.util.spec_from_file_location("typed_columns_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    model_columns = {
        ("users", "role"): Role,
        ("procurements", "status"): Status,
        ("sections", "scored_by"): ScoredBy,
        ("scores", "status"): ScoreStatus,
        ("scores", "source"): ScoreSource,
        ("consensus", "source"): ScoreSource,
    }
    assert {(table, column): set(values) for table, column, values in migration.CHECKS} == {
        key: {m.value for m in enum} for key, enum in model_columns.items()
    }
