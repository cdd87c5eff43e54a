"""What happens when someone joins: the rejoin rule, the burst guard, the welcome itself.

Handlers run in catalog order, but neither order matters here: `ctx.member` is the member as
they were *before* this join (features/members.py updates the row, not this snapshot), so a
returning member still shows when they left."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.context import Context, json_target, target_json
from bot.domain import Member, OutboxItem
from bot.events import MemberJoined, MessagePosted
from bot.features.welcome.checklist import INTRO, progress
from bot.features.welcome.drip import schedule_drips
from bot.features.welcome.messages import (
    direct_with_fallback,
    greeting,
    welcome_back,
    welcome_channel,
    welcome_dm,
)
from bot.identity import ChannelTarget, Target
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import channel_here

COMBINED_GREETING = "welcome_greetings"


class Arrival(StrEnum):
    NEW = "new"  # first time, or back after longer than welcome_back_days: onboarded (again)
    BACK = "back"  # back within welcome_back_days: welcomed back, not onboarded twice


def arrival(member: Member, now: datetime, back_days: int) -> Arrival | None:
    """None: already here (a second join event for the same stay), so nothing to say."""
    if member.joined_at is not None and member.left_at is None:
        return None
    if member.left_at is not None and now - member.left_at <= timedelta(days=back_days):
        return Arrival.BACK
    return Arrival.NEW


async def on_member_joined(event: MemberJoined, ctx: Context) -> None:
    member, settings = ctx.member, ctx.settings
    if member.is_bot or member.erased or not settings.welcome_enabled:
        return None
    kind = arrival(member, ctx.now, settings.welcome_back_days)
    if kind is None:
        return None
    channel = welcome_channel(ctx.community, event.place)
    recent = await ctx.uow.onboarding.joins_since(ctx.community.id, ctx.now - timedelta(
        seconds=settings.welcome_burst_seconds)) + 1
    over = max(0, recent - settings.welcome_burst_joins)  # >0: a burst, and how far into it we are
    await _greet(ctx, member, kind, channel, in_burst=over > 0)
    dm_due = ctx.now + timedelta(seconds=over * settings.welcome_dm_spacing_seconds)
    target = direct_with_fallback(member, channel)
    if kind is Arrival.BACK:
        ctx.send_later(target, await welcome_back(ctx.uow, ctx.community, member), due_at=dm_due)
        return None
    onboarding = await ctx.uow.onboarding.start(ctx.community.id, member.id, ctx.now)
    ctx.send_later(target, await welcome_dm(ctx.uow, ctx.community, member), due_at=dm_due)
    schedule_drips(ctx, member, onboarding.started_at)
    return None


async def _greet(ctx: Context, member: Member, kind: Arrival, channel: ChannelTarget | None, *,
                 in_burst: bool) -> None:
    """A public greeting of its own, or a place in the one combined greeting of a burst."""
    cid = ctx.community.id
    if kind is Arrival.BACK or not ctx.settings.welcome_greeting or channel is None:
        await ctx.uow.onboarding.record_join(cid, member.id, ctx.now, returning=kind is Arrival.BACK,
                                             greeting="none", greet_at=None)
        return
    if not in_burst:
        await ctx.uow.onboarding.record_join(cid, member.id, ctx.now, returning=False, greeting="single",
                                             greet_at=ctx.now)
        ctx.send_later(channel, await greeting(ctx.uow, ctx.community, [member.name]))
        return
    greet_at = await ctx.uow.onboarding.open_combined_greeting(cid, ctx.now)
    if greet_at is None:  # the first of this burst to wait: schedule the one greeting for everyone
        greet_at = ctx.now + timedelta(seconds=ctx.settings.welcome_burst_seconds)
        ctx.uow.outbox.add(cid, COMBINED_GREETING, {"greet_at": greet_at.isoformat(), "channel": target_json(channel)},
                           due_at=greet_at, key=f"greetings:{cid}:{greet_at.isoformat()}")
    await ctx.uow.onboarding.record_join(cid, member.id, ctx.now, returning=False, greeting="combined",
                                         greet_at=greet_at)


async def plan_combined_greeting(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list[tuple[Target, Reply]]:
    """Read-only, so a failed send is simply retried with the same names."""
    greet_at = datetime.fromisoformat(item.payload["greet_at"])
    members = [m for m in await uow.onboarding.combined_greeting(item.community_id, greet_at) if m.active]
    if not members:
        return []
    community = await uow.communities.get(item.community_id)
    return [(json_target(item.payload["channel"]), await greeting(uow, community, [m.name for m in members]))]


async def on_message(event: MessagePosted, ctx: Context) -> Reply | None:
    """A post in the intro channel completes the intro step."""
    settings = ctx.settings
    intro = channel_here(settings.intro_channel, event.place.platform, event.place.workspace_id)
    if ctx.member.is_bot or not intro or event.place.channel_id != intro or INTRO not in settings.onboarding_steps:
        return None
    if not await ctx.uow.onboarding.mark_step(ctx.community.id, ctx.member.id, INTRO, ctx.now):
        return None
    done = await ctx.uow.onboarding.steps_done(ctx.community.id, ctx.member.id)
    return Reply.ephemeral(f"Thanks for introducing yourself! Onboarding: {progress(settings, done)}.")
