"""Activity without content: how many messages each member posted on each local day. No text is stored.

Every `MessagePosted` a platform delivers (Slack `message` events, Discord messages: counting needs no
message-content intent) adds one to the author's row for the community's local date, in the event's own unit of
work: the core records the event id in that same transaction, so a retried delivery counts once, and a crash
before the commit counts nothing that Slack would not deliver again. Bots and the bot itself never count.
The weekly digest reads the counters through `ActivityRepo`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.clock import local_today
from bot.context import Context, Feature
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


async def count_message(event: MessagePosted, ctx: Context) -> None:
    if event.actor.is_bot or ctx.member.is_bot:  # ctx.member: the bot itself is a bot member (Core.know_bot)
        return
    await ctx.uow.activity.record(ctx.community.id, ctx.member.id, local_today(ctx.now, ctx.zone))


async def erase_activity(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    await uow.activity.erase(community_id, member_id)


async def merge_activity(uow: UnitOfWork, community_id: int, from_member_id: int, into_member_id: int,
                         at: datetime) -> None:
    await uow.activity.merge(community_id, from_member_id, into_member_id)


FEATURE = Feature(
    name="activity",
    on_event={MessagePosted: count_message},
    settings=Settings,
    erase=erase_activity,
    merge=merge_activity,
    repositories={"activity": ActivityRepo},
)
