"""Leaderboards and profiles: recognition made visible, without pinging anyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.clock import local_midnight_utc, local_today
from bot.commands import CommandSpec, Kind, Param
from bot.context import Context, Feature, erases_nothing, merges_nothing
from bot.domain import Member
from bot.errors import Refusal
from bot.features.kudos import KudosRepo
from bot.periods import PERIODS, describe, first_day, period_start, week_streak
from bot.reply import Field, Reply, Section, Visibility
from bot.settings import Settings

SHOWN = 10


@dataclass(frozen=True)
class ShowLeaderboard:
    period: str | None = None
    given: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetLeaderboardOptOut:
    pass


@dataclass(frozen=True)
class SetLeaderboardOptIn:
    pass


@dataclass(frozen=True)
class ShowProfile:
    member: Member | None = None


async def show_leaderboard(cmd: ShowLeaderboard, ctx: Context) -> Reply:
    period = cmd.period or "month"
    tag_id = None
    if cmd.tags:
        if len(cmd.tags) > 1:
            raise Refusal("One tag at a time, please: `/leaderboard month #seo`.")
        tag_id = await ctx.uow.tags.find(ctx.community.id, cmd.tags[0])
    given = cmd.given == "given"
    start = first_day(period, ctx.now, ctx.zone)
    standings = [] if cmd.tags and tag_id is None else await ctx.uow.kudos.standings(
        ctx.community.id, period=period, start=start, tag_id=tag_id, given=given, limit=SHOWN)
    title = (f"Kudos leaderboard, {describe(period, ctx.now, ctx.zone)}, {'given' if given else 'received'}"
             + (f", #{cmd.tags[0]}" if cmd.tags else ""))
    if not standings:
        return Reply.public(f"{title}\nNo kudos yet. Be the first: `/kudos @someone thanks for …`")
    lines = [f"{n}. {s.name} — {s.count}" for n, s in enumerate(standings, start=1)]
    if len(standings) == SHOWN and all(s.member_id != ctx.member.id for s in standings):
        lines.extend(await _asker_line(ctx, period, start, tag_id, given))
    return Reply.public(title + "\n" + "\n".join(lines))


async def _asker_line(ctx: Context, period: str, start: date | None, tag_id: int | None,
                      given: bool) -> list[str]:
    """The asker's own place below the top ones ("…\n14. carol — 3"), when they have one."""
    found = await ctx.uow.kudos.place_of(ctx.community.id, ctx.member.id, period=period, start=start,
                                         tag_id=tag_id, given=given)
    if found is None:
        return []
    place, line = found
    return ["…", f"{place}. {line.name} — {line.count}"]


async def opt_out(cmd: SetLeaderboardOptOut, ctx: Context) -> Reply:
    if ctx.member.leaderboard_opt_out:
        raise Refusal("You are already off leaderboards; `/leaderboard optin` brings you back.")
    await ctx.uow.members.update(ctx.community.id, ctx.member.id, leaderboard_opt_out=True)
    return Reply.ephemeral("Done: you won't appear on leaderboards. Your kudos still count; "
                           "`/leaderboard optin` brings you back.")


async def opt_in(cmd: SetLeaderboardOptIn, ctx: Context) -> Reply:
    if not ctx.member.leaderboard_opt_out:
        raise Refusal("You are already on leaderboards.")
    await ctx.uow.members.update(ctx.community.id, ctx.member.id, leaderboard_opt_out=False)
    return Reply.ephemeral("Welcome back: you appear on leaderboards again.")


async def show_profile(cmd: ShowProfile, ctx: Context) -> Reply:
    member = cmd.member or ctx.member
    if member.erased:
        raise Refusal("That member's data was erased.")
    kudos, cid = ctx.uow.kudos, ctx.community.id
    week = period_start("week", ctx.now, ctx.zone)
    n = await kudos.counts(cid, member.id, since=week)  # received and given, this week and in all: one query
    tags = await kudos.top_tags(cid, member.id, limit=3)
    times = await kudos.received_times(cid, member.id, since=ctx.now - timedelta(weeks=104))
    streak = week_streak(times, ctx.now, ctx.zone)
    fields = (
        Field("Kudos received", f"{n.received_since} this week, {n.received_all} in all"),
        Field("Kudos given", f"{n.given_since} this week, {n.given_all} in all"),
        Field("Top tags", ", ".join(f"#{name} ({count})" for name, count in tags) or "none yet"),
        Field("Streak", f"{streak} week{'s' if streak != 1 else ''} in a row with kudos received"),
    )
    if member.id == ctx.member.id:
        fields += (Field("Kudos left today", await _left_today(ctx)),)
    return Reply.public(f"Profile of {member.name}", sections=(Section("", fields),))


async def _left_today(ctx: Context) -> str:
    allowance = ctx.settings.kudos_daily_allowance
    today = local_midnight_utc(local_today(ctx.now, ctx.zone), ctx.zone)
    used = sum((await ctx.uow.kudos.given_since(ctx.community.id, ctx.member.id, today)).values())
    return f"{max(allowance - used, 0)} of {allowance}"


FEATURE = Feature(
    name="leaderboard",
    commands=(
        CommandSpec(
            "leaderboard", "Who received (or gave) the most kudos", ShowLeaderboard, show_leaderboard,
            params=(
                Param("period", Kind.CHOICE, "a period", optional=True, choices=PERIODS),
                Param("given", Kind.CHOICE, "`given` to rank givers", optional=True, choices=("given",)),
                Param("tags", Kind.TAGS, "a topic tag", optional=True),
            ),
            examples=("/leaderboard", "/leaderboard week", "/leaderboard all given #seo"),
        ),
        CommandSpec("leaderboard optout", "Stop appearing on leaderboards", SetLeaderboardOptOut, opt_out,
                    visibility=Visibility.EPHEMERAL),
        CommandSpec("leaderboard optin", "Appear on leaderboards again", SetLeaderboardOptIn, opt_in,
                    visibility=Visibility.EPHEMERAL),
        CommandSpec("profile", "Kudos received and given, top tags and streak", ShowProfile, show_profile,
                    params=(Param("member", Kind.MEMBER, "whose profile", optional=True),),
                    examples=("/profile", "/profile @bob")),
    ),
    settings=Settings,
    erase=erases_nothing,  # it only reads kudos, whose feature erases the reasons
    merge=merges_nothing,  # likewise: the kudos feature merges them
    repositories={"kudos": KudosRepo},
)
