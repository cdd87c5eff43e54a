"""/follow and /unfollow topics (the same follows as welcome's /interests: `member_tags`), and /helper pause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context
from bot.errors import Refusal
from bot.features.topics.check import known_tags
from bot.reply import Reply, Visibility

MAX_PAUSE_DAYS = 365


@dataclass(frozen=True)
class Follow:
    tags: list[str]


@dataclass(frozen=True)
class Unfollow:
    tags: list[str]


@dataclass(frozen=True)
class PauseHelping:
    days: int


@dataclass(frozen=True)
class ResumeHelping:
    pass


def _tags(names) -> str:
    return " ".join(f"#{n}" for n in names) or "nothing"


async def follow(cmd: Follow, ctx: Context) -> Reply:
    if not cmd.tags:
        raise Refusal("Name the topics to follow, like `/follow #seo #analytics`.")
    ids = await known_tags(ctx.uow, ctx.community.id, cmd.tags, create=False)
    await ctx.uow.interests.follow(ctx.community.id, ctx.member.id, list(ids.values()))
    followed = await ctx.uow.interests.followed(ctx.community.id, ctx.member.id)
    return Reply.ephemeral(f"You follow {_tags(followed)}: unanswered questions about them may come to you"
                           " (`/helper pause 7` for a break).")


async def unfollow(cmd: Unfollow, ctx: Context) -> Reply:
    if not cmd.tags:
        raise Refusal("Name the topics to stop following, like `/unfollow #seo`.")
    followed = await ctx.uow.interests.followed(ctx.community.id, ctx.member.id)
    if not_followed := [t for t in cmd.tags if t not in followed]:
        raise Refusal(f"You don't follow {_tags(not_followed)}. You follow: {_tags(followed)}.")
    ids = [await ctx.uow.tags.find(ctx.community.id, t) for t in cmd.tags]
    await ctx.uow.interests.unfollow(ctx.community.id, ctx.member.id, [i for i in ids if i is not None])
    left = [t for t in followed if t not in cmd.tags]
    return Reply.ephemeral(f"You no longer follow {_tags(cmd.tags)}. You follow: {_tags(left)}.")


async def pause_helping(cmd: PauseHelping, ctx: Context) -> Reply:
    if not 1 <= cmd.days <= MAX_PAUSE_DAYS:
        raise Refusal(f"Pause for 1 to {MAX_PAUSE_DAYS} days, like `/helper pause 14`.")
    until = ctx.now + timedelta(days=cmd.days)
    await ctx.uow.topics.pause(ctx.community.id, ctx.member.id, until)
    return Reply.ephemeral(f"Paused: no questions will be sent your way for {cmd.days} days."
                           " `/helper resume` ends the break early.")


async def resume_helping(cmd: ResumeHelping, ctx: Context) -> Reply:
    if await ctx.uow.topics.paused_until(ctx.community.id, ctx.member.id) is None:
        raise Refusal("You are not paused: unanswered questions in your topics may already reach you.")
    await ctx.uow.topics.pause(ctx.community.id, ctx.member.id, None)
    return Reply.ephemeral("Welcome back: unanswered questions in your topics may reach you again.")


_TAGS = Param("tags", Kind.TAGS, "topics, like #seo")

COMMANDS = (
    CommandSpec("follow", "Follow topics: unanswered questions about them may come to you", Follow, follow,
                params=(_TAGS,), visibility=Visibility.EPHEMERAL, examples=("/follow #seo #analytics",)),
    CommandSpec("unfollow", "Stop following topics", Unfollow, unfollow, params=(_TAGS,),
                visibility=Visibility.EPHEMERAL, examples=("/unfollow #seo",)),
    CommandSpec("helper pause", "Take a break from being asked about questions", PauseHelping, pause_helping,
                params=(Param("days", Kind.INT, "how many days"),), visibility=Visibility.EPHEMERAL,
                examples=("/helper pause 14",)),
    CommandSpec("helper resume", "End your break early", ResumeHelping, resume_helping,
                visibility=Visibility.EPHEMERAL),
)
