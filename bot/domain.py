"""The core's view of stored things: plain dataclasses that repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.identity import MemberRef, Role
from bot.settings import Settings


@dataclass(frozen=True)
class Community:
    id: int
    name: str
    zone: str
    settings: Settings  # the sections of every feature, composed (bot/settings.py)


@dataclass(frozen=True)
class Member:
    id: int
    community_id: int
    ref: MemberRef
    name: str
    is_bot: bool = False
    zone: str | None = None
    granted_role: Role = Role.MEMBER
    platform_role: Role = Role.MEMBER
    leaderboard_opt_out: bool = False
    joined_at: datetime | None = None
    left_at: datetime | None = None
    first_message_at: datetime | None = None
    erased: bool = False
    dm_here: bool = True  # a linked person last acted through this identity: direct messages reach them here

    @property
    def active(self) -> bool:
        return self.left_at is None and not self.erased


@dataclass(frozen=True)
class Kudos:
    id: int  # the store's, never shown
    number: int  # what people see and type: "kudos #3", counted per community
    community_id: int
    batch: str
    giver_id: int
    receiver_id: int
    reason: str
    created_at: datetime
    tags: tuple[str, ...] = ()
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class KudosCounts:
    """A member's live kudos received and given, since a moment (this week) and in all."""

    received_since: int
    received_all: int
    given_since: int
    given_all: int


@dataclass(frozen=True)
class Standing:
    """One line of a leaderboard."""

    member_id: int
    name: str
    count: int


@dataclass(frozen=True)
class OutboxItem:
    id: int
    community_id: int | None
    kind: str
    payload: dict
    due_at: datetime
    attempts: int
