"""Buddies: a newcomer who picks interests is introduced to someone who shares one (or a champion).

There is no group-DM target in the core, so the introduction is one direct message to each of
the two, each naming the other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.context import Context
from bot.domain import Member
from bot.features.welcome.templates import join_names
from bot.identity import MemberTarget
from bot.reply import Reply

WEEK = timedelta(days=7)


async def find_buddy(ctx: Context, newcomer: Member, tag_ids: Sequence[int]) -> Member | None:
    """Someone active who shares an interest, else a champion; never past the weekly cap.

    Among those, whoever has been given the fewest newcomers this week, then the longest-standing."""
    cid = ctx.community.id
    sharing = [m for m in await ctx.uow.interests.followers(cid, tag_ids)
               if m.id != newcomer.id and m.first_message_at is not None]
    champions = [m for m in await ctx.uow.onboarding.champions(cid) if m.id != newcomer.id]
    candidates = list({m.id: m for m in [*sharing, *champions]}.values())
    if not candidates:
        return None
    load = await ctx.uow.onboarding.buddy_load(cid, [m.id for m in candidates], ctx.now - WEEK)
    sharing_ids = {m.id for m in sharing}
    free = [m for m in candidates if load.get(m.id, 0) < ctx.settings.buddy_weekly_cap]
    free.sort(key=lambda m: (m.id not in sharing_ids, load.get(m.id, 0), m.id))
    return free[0] if free else None


async def pair_with_buddy(ctx: Context, newcomer: Member, tag_ids: Sequence[int],
                          tag_names: Sequence[str]) -> Member | None:
    """Pair once per onboarding, if the community wants buddies; introduce the two to each other."""
    if not ctx.settings.buddy_enabled:
        return None
    onboarding = await ctx.uow.onboarding.get(ctx.community.id, newcomer.id)
    if onboarding is None or onboarding.buddy_id is not None:
        return None
    buddy = await find_buddy(ctx, newcomer, tag_ids)
    if buddy is None:
        return None
    await ctx.uow.onboarding.pair_buddy(ctx.community.id, newcomer.id, buddy.id, ctx.now)
    topics = join_names([f"#{t}" for t in tag_names]) if tag_names else "the community"
    ctx.send_later(MemberTarget(newcomer.ref), Reply.public(
        f"🤝 Meet your buddy, {buddy.name}: they know their way around {ctx.community.name} and care about"
        f" {topics} too. Say hello and ask them anything."))
    ctx.send_later(MemberTarget(buddy.ref), Reply.public(
        f"🤝 {newcomer.name} just joined {ctx.community.name} and is into {topics}. You are their buddy this"
        " week: a short hello makes a big difference."))
    return buddy
