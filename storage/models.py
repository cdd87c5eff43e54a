"""Tables. Times are stored in UTC; every community-owned row carries community_id."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite has no 64-bit autoincrement distinct from INTEGER; PostgreSQL gets BIGINT identities.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


def modelled(_object, name, _type, _reflected, _compare_to) -> bool:
    """For schema comparisons (Alembic's include_object): False for what the store makes that is no model,
    named in `Base.metadata.info["unmodelled"]` (a full-text index and its shadow tables)."""
    return not any(name == n or (name or "").startswith(n + "_") for n in Base.metadata.info.get("unmodelled", ()))


class CommunityRow(Base):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    zone: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    # The last kudos and meetup numbers given out: each community counts its own from 1 (migration 0005)
    last_kudos_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_meetup_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BindingRow(Base):
    """A Slack workspace or Discord guild (or the console) that belongs to a community."""

    __tablename__ = "community_bindings"
    __table_args__ = (UniqueConstraint("platform", "workspace_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))


# a partial index's condition, written the same in the queries that use it (a bound parameter would not match)
MEMBERS_WITH_ROLE = text("(granted_role >= 1 OR platform_role >= 1)")


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("community_id", "platform", "workspace_id", "user_id"),
        # the digest's weeks (0017), with what its counts read of them (0021)
        Index("ix_members_joined", "community_id", "joined_at", "is_bot", "first_message_at", "left_at", "id"),
        Index("ix_members_left", "community_id", "left_at"),
        # champions and above, in name order (0019): the query repeats the condition as text (MEMBERS_WITH_ROLE)
        Index("ix_members_champions", "community_id", "name", sqlite_where=MEMBERS_WITH_ROLE,
              postgresql_where=MEMBERS_WITH_ROLE),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    zone: Mapped[str | None] = mapped_column(String(64))
    granted_role: Mapped[int] = mapped_column(Integer, default=0)
    platform_role: Mapped[int] = mapped_column(Integer, default=0)
    leaderboard_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    first_message_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Of one person's identities (this member and those linked into it), the one they last acted through: their
    # direct messages go there. Exactly one is true per person; written only when it changes (docs/linking.md).
    dm_here: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class MemberLinkRow(Base):
    """One person's identity on another platform (or workspace), linked into the member who holds their history.

    The identity keeps its own members row (its ref, name and platform role); lookups by its ref, or by its id,
    give the member it is linked into, seen through this identity (storage/repositories/communities.py)."""

    __tablename__ = "member_links"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)  # the linked identity
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)  # the member holding the history
    linked_at: Mapped[datetime]


class TagRow(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("community_id", "name"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class MemberTagRow(Base):
    """Tags a member follows (their interests): later features route questions and meetups by them."""

    __tablename__ = "member_tags"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)


class KudosRow(Base):
    __tablename__ = "kudos"
    __table_args__ = (
        # revoked_at too: every read counts live kudos only, and then reads the index alone (migration 0004)
        Index("ix_kudos_giver_live", "community_id", "giver_id", "created_at", "revoked_at"),
        Index("ix_kudos_receiver_live", "community_id", "receiver_id", "created_at", "revoked_at"),
        # the digest's weeks: who gave and who received, from the index alone (migration 0012)
        Index("ix_kudos_community_time_live", "community_id", "created_at", "revoked_at", "giver_id", "receiver_id"),
        Index("uq_kudos_community_number", "community_id", "number", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)  # internal; people see `number`
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int] = mapped_column(Integer)  # "kudos #3": counted per community
    batch: Mapped[str] = mapped_column(String(32), index=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))  # command | message | reaction | solution
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoke_kind: Mapped[str | None] = mapped_column(String(16))  # undo | void
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class KudosTagRow(Base):
    __tablename__ = "kudos_tags"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)


class KudosTotalRow(Base):
    """Running leaderboard totals: live kudos per member, direction, local calendar period and tag (0: any tag),
    kept in the kudos' own transaction (storage/repositories/kudos_totals.py, migration 0007). The primary key
    starts with what a board asks for, so a board reads one community-period-tag slice of it."""

    __tablename__ = "kudos_totals"
    __table_args__ = (  # a week's top receivers, read in board order (the digest, migration 0016)
        Index("ix_kudos_totals_week_top", "community_id", "period_start", "tag_id", "count", "member_id",
              sqlite_where=text("period = 'week' AND direction = 'received'"),
              postgresql_where=text("period = 'week' AND direction = 'received'")),
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), primary_key=True)  # received | given
    period: Mapped[str] = mapped_column(String(8), primary_key=True)  # week | month | quarter | all
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)  # local first day; 1970-01-01 for all
    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: every kudos, else kudos with that tag
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    reached_at: Mapped[datetime]  # the time of the member's latest counted kudos in the slice: ties go to the earlier


class KudosWeekRow(Base):
    """A community's live kudos of one local week (its Monday) and tag (0: every kudos): given, and how many
    members gave and received, kept with kudos_totals' week rows (storage/repositories/kudos_totals.py, migration
    0016): the digest reads its weeks' counts here instead of the week rows of every member."""

    __tablename__ = "kudos_weeks"
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given: Mapped[int] = mapped_column(Integer)
    givers: Mapped[int] = mapped_column(Integer)
    receivers: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    """Messages (and scheduled work that produces messages) that must not be lost."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "due_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(40))  # the dispatcher holding the lease (0006)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ProcessedEventRow(Base):
    """Platform event ids already handled: Slack and Discord may deliver an event more than once."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(index=True)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]
