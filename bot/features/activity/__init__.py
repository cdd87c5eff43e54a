"""Activity without content: how many messages each member posted on each local day. No text is stored.

Every `MessagePosted` a platform delivers (Slack `message` events, Discord messages: counting needs no
message-content intent) adds one to the author's row for the community's local date, in the event's own unit of
work: the core records the event id in that same transaction, so a retried delivery counts once, and a crash
before the commit counts nothing that Slack would not deliver again. Bots and the bot itself never count.
The weekly digest counts active members from the member weeks (`MemberWeeksRepo`).

Active weeks: every counted action (a message, kudos given, an RSVP answered, a question posted or deflected)
calls `mark_active` in its own unit of work, which writes one `member_weeks` row the first time a member acts in
a local week and links it to their previous active week; the digest counts active, retained and gone-quiet
members from those rows (docs/digest.md). A zone change moves the weeks: the community's rows are derived again
from what the tables hold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.clock import local_midnight_utc, local_today
from bot.context import Context, Feature
from bot.domain import Member
from bot.events import MessagePosted
from bot.ports import UnitOfWork
from bot.settings import Settings


class ActivityRepo(Protocol):
    """Messages per member per local day (storage/repositories/activity.py)."""

    async def record(self, community_id: int, member_id: int, day: date, messages: int = 1) -> None:
        """Add `messages` to the member's count of `day` (the row is created on the first)."""

    async def active_members(self, community_id: int, since: date, until: date) -> dict[int, int]:
        """Member id -> messages posted on the days in [since, until); members with none are absent."""

    async def daily_totals(self, community_id: int, since: date, until: date) -> dict[date, tuple[int, int]]:
        """Day in [since, until) -> (messages, distinct members who posted); days with none are absent."""

    async def erase(self, community_id: int, member_id: int) -> None:
        """Delete every counter of one member."""

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int) -> None:
        """Move one member's counters onto another's, adding up the days both posted on."""


class MemberWeeksRepo(Protocol):
    """Who was active in which local week (storage/repositories/member_weeks.py). Weeks are local Mondays."""

    async def mark(self, community_id: int, member_id: int, day: date) -> None:
        """The member acted on this local day: their week's row, if it is not there yet, and its chain."""

    async def span(self, community_id: int) -> tuple[datetime, datetime] | None:
        """The earliest and latest counted action the tables hold (None: none)."""

    async def rebuild(self, community_id: int, weeks: Sequence[tuple[date, datetime, datetime]]) -> None:
        """Every row again from the tables, for these (Monday, start, end) weeks."""

    async def erase(self, community_id: int, member_id: int) -> None: ...
    async def merge(self, community_id: int, from_member_id: int, into_member_id: int) -> None: ...

    async def active(self, community_id: int, weeks: Sequence[date]) -> list[int]:
        """Members active in each week."""

    async def quiet(self, community_id: int, week: date, last: date) -> int:
        """Members active in `week` and in no later week up to `last`."""

    async def retained(self, community_id: int, joined: Sequence[datetime], weeks: Sequence[date]) -> list[int]:
        """Per i: members who joined in [joined[i], joined[i + 1]) and were active in weeks[i]."""


async def mark_active(ctx: Context, member: Member | None = None) -> None:
    """`member` (default: who acted) was active in this local week. Bots never are."""
    member = member or ctx.member
    if not member.is_bot:
        await ctx.uow.member_weeks.mark(ctx.community.id, member.id, local_today(ctx.now, ctx.zone))


def local_weeks(since: datetime, until: datetime, zone: str) -> list[tuple[date, datetime, datetime]]:
    """(Monday, start, end) of every local week from the one holding `since` to the one holding `until`, with a
    week to spare on each side."""
    first = local_today(since, zone) - timedelta(days=local_today(since, zone).weekday() + 7)
    count = (local_today(until, zone) - first).days // 7 + 2
    mondays = [first + timedelta(weeks=n) for n in range(count + 1)]
    bounds = [local_midnight_utc(day, zone) for day in mondays]
    return list(zip(mondays, bounds, bounds[1:], strict=False))


async def rebuild_weeks(uow: UnitOfWork, community_id: int, zone: str, now: datetime) -> None:
    """The zone moved the weeks' bounds: the community's active weeks again from what the tables hold."""
    span = await uow.member_weeks.span(community_id)
    await uow.member_weeks.rebuild(community_id, local_weeks(*span, zone) if span else [])


async def count_message(event: MessagePosted, ctx: Context) -> None:
    if event.actor.is_bot or ctx.member.is_bot:  # ctx.member: the bot itself is a bot member (Core.know_bot)
        return
    await ctx.uow.activity.record(ctx.community.id, ctx.member.id, local_today(ctx.now, ctx.zone))
    await mark_active(ctx)


async def erase_activity(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    await uow.activity.erase(community_id, member_id)
    await uow.member_weeks.erase(community_id, member_id)


async def merge_activity(uow: UnitOfWork, community_id: int, from_member_id: int, into_member_id: int,
                         at: datetime) -> None:
    await uow.activity.merge(community_id, from_member_id, into_member_id)
    await uow.member_weeks.merge(community_id, from_member_id, into_member_id)


FEATURE = Feature(
    name="activity",
    on_event={MessagePosted: count_message},
    settings=Settings,
    erase=erase_activity,
    merge=merge_activity,
    repositories={"activity": ActivityRepo, "member_weeks": MemberWeeksRepo},
    on_zone_changed=rebuild_weeks,
)
