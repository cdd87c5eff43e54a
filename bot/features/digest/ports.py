"""What the digest reads, as protocols: its own repository (storage/repositories/digest.py), and those of the
questions feature, which the digest uses when the unit of work has it (`uow.question_metrics`, whose Protocol is
the questions feature's: bot/features/questions/metrics.py) and goes without otherwise. Active members come from
the activity feature's member weeks (`uow.member_weeks`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from bot.features.questions.metrics import OpenQuestion, QuestionMetricsRepo, QuestionWeek

__all__ = ["ACTIVATION_DAYS", "DigestRepo", "KudosFacts", "MeetupFacts", "MemberCounts", "Newcomer", "OpenQuestion",
           "QuestionMetricsRepo", "QuestionWeek"]

ACTIVATION_DAYS = 7  # activated: posted (first message) or did every onboarding step within 7 days of joining


@dataclass(frozen=True)
class Newcomer:
    """A member (never a bot) who joined in the span asked for."""

    id: int
    name: str


@dataclass(frozen=True)
class MemberCounts:
    """One week's members who joined, how many of them are activated (by now), and the members who left."""

    new: int = 0
    activated: int = 0
    left: int = 0


@dataclass(frozen=True)
class KudosFacts:
    given: int = 0
    givers: int = 0
    receivers: int = 0
    received: dict[int, int] = field(default_factory=dict)  # the top receivers (at most TOP_RECEIVERS) -> kudos


TOP_RECEIVERS = 10


@dataclass(frozen=True)
class MeetupFacts:
    held: int = 0
    said_yes: int = 0
    yes_recorded: int = 0  # yes answers to meetups whose attendance was taken
    came_after_yes: int = 0
    waitlist: int = 0
    no_shows: tuple[int, ...] = ()  # members who said yes and did not come


class DigestRepo(Protocol):
    async def newcomer_weeks(self, community_id: int, bounds: Sequence[datetime],
                             required_steps: int) -> list[MemberCounts]:
        """Per week [bounds[i], bounds[i + 1]), counted (members, not bots)."""
    async def newcomers(self, community_id: int, since: datetime, until: datetime, *,
                        waiting_steps: int | None = None, limit: int | None = None) -> list[Newcomer]:
        """Members (not bots) who joined in [since, until), in the order they joined; with `waiting_steps` (the
        onboarding steps required), only those still here and not activated."""
    async def kudos_weeks(self, community_id: int, weeks: Sequence[date],
                          tag: str | None = None) -> list[KudosFacts]:
        """Per local week (its Monday), live kudos only: given, distinct givers and receivers, the top receivers."""
    # Per week [bounds[i], bounds[i + 1]):
    async def received(self, community_id: int, weeks: Sequence[date], *,
                       member_ids: Sequence[int] | None = None, limit: int = TOP_RECEIVERS) -> list[tuple[int, int]]:
        """(member, live kudos received) in these local weeks (Mondays), most first: of these members, or the
        top `limit`."""
    async def meetup_weeks(self, community_id: int, bounds: Sequence[datetime]) -> list[MeetupFacts]:
        """Per week; `no_shows` left empty (see `no_shows`)."""
    async def no_shows(self, community_id: int, since: datetime, until: datetime) -> list[int]: ...
    async def top_tags(self, community_id: int, since: datetime, until: datetime, limit: int) -> list[tuple[str, int]]:
        """Tags of live kudos in [since, until), most used first."""
    async def opted_out(self, community_id: int, member_ids: Sequence[int]) -> set[int]:
        """Those of these members who are on no leaderboard: opted out, or erased."""

