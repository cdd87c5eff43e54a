"""Meetups as the core sees them, and what the core needs from the store for them (a port)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain import Member

YES, MAYBE, NO, WAITLIST, NONE = "yes", "maybe", "no", "waitlist", "none"  # NONE: attended without an RSVP
ANSWERS = (YES, MAYBE, NO)


@dataclass(frozen=True)
class Meetup:
    id: int  # the store's, never shown
    number: int  # what people see and type: "meetup #3", counted per community
    community_id: int
    creator_id: int
    title: str
    description: str
    location: str
    platform: str  # where it is announced and reminded
    workspace_id: str
    channel_id: str
    zone: str
    local_start: datetime  # naive wall time of the first start in `zone`
    duration: timedelta
    rrule: str | None
    capacity: int | None
    offsets: tuple[str, ...]
    scheduled_until: datetime
    cancelled_at: datetime | None = None

    @property
    def repeats(self) -> bool:
        return self.rrule is not None


@dataclass(frozen=True)
class Occurrence:
    id: int
    community_id: int
    meetup_id: int
    original_start: datetime  # UTC, as the rule gives it: the occurrence's identity
    start_at: datetime  # UTC, where it is now
    cancelled_at: datetime | None = None

    @property
    def moved(self) -> bool:
        return self.start_at != self.original_start


@dataclass(frozen=True)
class Rsvp:
    occurrence_id: int
    member_id: int
    status: str
    answered_at: datetime
    attended: bool = False


@dataclass(frozen=True)
class AttendanceLine:
    """One past occurrence for the digest: who said yes, who came."""

    meetup_id: int
    title: str
    start_at: datetime
    said_yes: int
    attended: int
    attended_without_rsvp: int


class MeetupRepo(Protocol):
    async def add(self, community_id: int, **fields) -> Meetup: ...
    async def get(self, community_id: int, meetup_id: int) -> Meetup | None: ...
    async def by_number(self, community_id: int, number: int) -> Meetup | None: ...
    async def update(self, community_id: int, meetup_id: int, **fields) -> Meetup: ...
    async def active(self, community_id: int) -> list[Meetup]: ...
    async def add_occurrences(self, community_id: int, meetup_id: int,
                              starts: Sequence[datetime]) -> list[Occurrence]: ...
    async def occurrences(self, community_id: int, meetup_id: int, *, since: datetime | None = None,
                          until: datetime | None = None) -> list[Occurrence]: ...
    async def upcoming(self, community_id: int, since: datetime, limit: int) -> list[tuple[Occurrence, Meetup]]: ...
    async def next_occurrences(self, community_id: int, since: datetime) -> list[tuple[Occurrence, Meetup]]: ...
    async def occurrence(self, community_id: int, occurrence_id: int) -> tuple[Occurrence, Meetup] | None: ...
    async def occurrences_by_id(self, community_id: int,
                                occurrence_ids: Sequence[int]) -> dict[int, tuple[Occurrence, Meetup]]: ...
    async def update_occurrence(self, community_id: int, occurrence_id: int, **fields) -> None: ...
    async def rsvp(self, community_id: int, occurrence_id: int, member_id: int) -> Rsvp | None: ...
    async def set_rsvp(self, community_id: int, occurrence_id: int, member_id: int, status: str,
                       at: datetime) -> None: ...
    async def rsvps(self, community_id: int, occurrence_id: int) -> list[tuple[Rsvp, Member]]: ...
    async def lock_occurrence(self, community_id: int, occurrence_id: int) -> None: ...
    async def count(self, community_id: int, occurrence_id: int, status: str) -> int: ...
    async def mark_attended(self, community_id: int, occurrence_id: int, member_ids: Sequence[int],
                            at: datetime) -> int: ...
    async def dm_recipients(self, community_id: int, occurrence_ids: Sequence[int],
                            statuses: Sequence[str], *, respect_mute: bool = True) -> list[Member]: ...
    async def going(self, community_id: int,
                    occurrence_ids: Sequence[int]) -> dict[int, list[tuple[Member, bool]]]: ...
    async def set_muted(self, community_id: int, member_id: int, muted: bool, at: datetime) -> bool: ...
    async def attendance(self, community_id: int, since: datetime, until: datetime) -> list[AttendanceLine]: ...
    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        """Move one member's rows onto another (linked identities): none lost, none counted twice."""
