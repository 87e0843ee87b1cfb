"""Reasons for every agreed score: acceptances of the proposed score, kept reason warnings

Revision ID: f15a0c0e7d21
Revises: b12a5e551071
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f15a0c0e7d21'
down_revision = 'b12a5e551071'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bidder_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('kept_warnings', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bidder_id'], ['bidders.id'], name=op.f('fk_acceptances_bidder_id_bidders')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_acceptances_decided_by_id_users')),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_acceptances_section_id_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptances')),
    sa.UniqueConstraint('bidder_id', 'section_id', name=op.f('uq_acceptances_bidder_id_section_id'))
    )
    with op.batch_alter_table('consensus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_warnings', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('consensus', schema=None) as batch_op:
        batch_op.drop_column('kept_warnings')
    op.drop_table('acceptances')
