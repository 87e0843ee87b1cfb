"""The review row's figures stored beside each final result.

The regional review reads a few hundred bytes per procurement instead of parsing every
whole final result document; procurements finalised before this are filled in here from
their stored document. The extraction is frozen here rather than imported from
`services/review.stored_figures`, so this migration keeps working as that code changes;
the review falls back to the whole document for any row left empty.

Revision ID: 7d3c1f2a9e40
Revises: 3c7e2a9b5d14
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "7d3c1f2a9e40"
down_revision = "3c7e2a9b5d14"
branch_labels = None
depends_on = None


def _figures(document):
    inf = document["influence"]
    counts = document.get("view", {}).get("review") or {}
    return json.dumps({
        "bidders": counts.get("bidders", len(document.get("bidders", []))),
        "sections": counts.get("sections", len(document.get("sections", []))),
        "patient_reps_taking_part": counts.get("patient_reps_taking_part"),
        "patient_reps_on_paper": counts.get("patient_reps_on_paper"),
        "submitted_all_share": counts.get("submitted_all_share"),
        "winner_code": document.get("winner"),
        "influence": {key: inf.get(key) for key in (
            "patient_weight_share", "nearest_tipping_point", "margin", "shapley", "counterfactual_winner",
            "winner_changed", "kendall_tau", "krippendorff_alpha", "decisive_intervals")},
    }, sort_keys=True)


def upgrade():
    with op.batch_alter_table("procurements") as batch:
        batch.add_column(sa.Column("review_figures_json", sa.Text(), nullable=True))
    bind = op.get_bind()
    table = sa.table("procurements", sa.column("id", sa.Integer), sa.column("final_result_json", sa.Text),
                     sa.column("review_figures_json", sa.Text))
    for pid, text in bind.execute(sa.select(table.c.id, table.c.final_result_json)
                                  .where(table.c.final_result_json.is_not(None))).all():
        bind.execute(table.update().where(table.c.id == pid)
                     .values(review_figures_json=_figures(json.loads(text))))


def downgrade():
    with op.batch_alter_table("procurements") as batch:
        batch.drop_column("review_figures_json")
