"""communication needs (Accessible Information Standard) and letters posted instead of emails

Revision ID: 3c7e2a9b5d14
Revises: 169dd7f0b057
Create Date: 2026-12-01 23:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3c7e2a9b5d14'
down_revision = '169dd7f0b057'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('communication_need', sa.String(length=20), server_default='standard',
                                      nullable=False))
        batch_op.add_column(sa.Column('communication_note', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('posted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_outbox_messages_posted_by_id_users', 'users', ['posted_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_messages_posted_by_id_users', type_='foreignkey')
        batch_op.drop_column('posted_by_id')
        batch_op.drop_column('posted_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('communication_note')
        batch_op.drop_column('communication_need')
