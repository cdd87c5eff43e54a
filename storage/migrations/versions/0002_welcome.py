"""Welcome and onboarding: templates, onboardings, steps done, joins seen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('welcome_templates',
    sa.Column('id', ID, nullable=False),
    sa.Column('community_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', ID, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'kind')
    )
    op.create_table('onboardings',
    sa.Column('id', ID, nullable=False),
    sa.Column('community_id', ID, nullable=False),
    sa.Column('member_id', ID, nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drips_stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('buddy_id', ID, nullable=True),
    sa.Column('buddy_paired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['buddy_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('community_id', 'member_id')
    )
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.create_index('ix_onboardings_buddy_time', ['community_id', 'buddy_id', 'buddy_paired_at'],
                              unique=False)

    op.create_table('onboarding_steps',
    sa.Column('community_id', ID, nullable=False),
    sa.Column('member_id', ID, nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('member_id', 'step')
    )
    with op.batch_alter_table('onboarding_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_steps_community_id'), ['community_id'], unique=False)

    op.create_table('welcome_joins',
    sa.Column('id', ID, nullable=False),
    sa.Column('community_id', ID, nullable=False),
    sa.Column('member_id', ID, nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_return', sa.Boolean(), nullable=False),
    sa.Column('greeting', sa.String(length=16), nullable=False),
    sa.Column('greet_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('welcome_joins', schema=None) as batch_op:
        batch_op.create_index('ix_welcome_joins_time', ['community_id', 'joined_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('welcome_joins', schema=None) as batch_op:
        batch_op.drop_index('ix_welcome_joins_time')
    op.drop_table('welcome_joins')
    with op.batch_alter_table('onboarding_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onboarding_steps_community_id'))
    op.drop_table('onboarding_steps')
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.drop_index('ix_onboardings_buddy_time')
    op.drop_table('onboardings')
    op.drop_table('welcome_templates')
