"""Stages, roles and score kinds are typed: each column accepts only its enum's values.

The columns stay VARCHAR of the same lengths (the values were always these strings); what is
new is the CHECK constraint a new database gets from the models (`models.stored_enum`), added
here to an existing PostgreSQL database. Any row holding another value stops the upgrade with
the table, column and value named, so nothing is changed silently.

SQLite cannot add a constraint to a table without rebuilding it, and rebuilding `procurements`
or `users` with foreign keys on would cascade-delete their children; on SQLite the values are
checked by the application (the columns are SQLAlchemy `Enum`s with `validate_strings`, and
models.py turns every assignment into a member), as they were before.

Revision ID: 9b4e6d2c1a57
Revises: 7d3c1f2a9e40
"""
import sqlalchemy as sa
from alembic import op

revision = "9b4e6d2c1a57"
down_revision = "7d3c1f2a9e40"
branch_labels = None
depends_on = None

# Frozen here, not imported from models.py, so this migration keeps meaning what it meant.
CHECKS = [
    ("users", "role", ("admin", "lead", "panel", "patient", "reviewer")),
    ("procurements", "status", ("setup", "scoring", "moderation", "final")),
    ("sections", "scored_by", ("patient", "panel", "both", "price")),
    ("scores", "status", ("draft", "submitted")),
    ("scores", "source", ("online", "paper", "import")),
    ("consensus", "source", ("online", "paper", "import")),
]


def _in(values):
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table, column, values in CHECKS:
        stray = connection.execute(sa.text(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} NOT IN ({_in(values)})")).scalars().all()
        if stray:
            raise RuntimeError(f"{table}.{column} holds {', '.join(map(repr, stray))}, which is not one of "
                               f"{', '.join(values)}. Correct those rows, then run the upgrade again.")
        op.create_check_constraint(op.f(f"ck_{table}_{column}"), table, f"{column} IN ({_in(values)})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, _values in reversed(CHECKS):
        op.drop_constraint(op.f(f"ck_{table}_{column}"), table, type_="check")
