"""/interests: members follow the community's topic tags; later features route questions and
meetups by them. Picking the first one completes the onboarding step and may find a buddy."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandSpec, Kind, Param
from bot.context import Context
from bot.errors import Refusal
from bot.features.topics.check import known_tags, topic_names
from bot.features.welcome.buddy import pair_with_buddy
from bot.features.welcome.checklist import INTERESTS, MAX_BUTTONS
from bot.features.welcome.onboarding import step_reply
from bot.reply import Button, Field, Reply, Section, Visibility
from bot.tags import normalise_tag

MAX_PICKS = 10


@dataclass(frozen=True)
class ShowInterests:
    pass


@dataclass(frozen=True)
class PickInterests:
    topics: str


@dataclass(frozen=True)
class DropInterests:
    topics: str


async def show_interests(cmd: ShowInterests, ctx: Context) -> Reply:
    cid = ctx.community.id
    topics = await topic_names(ctx.uow, cid)
    if not topics:
        return Reply.ephemeral("This community has no topics yet. Champions add them; any #tag given with"
                               " /kudos becomes one too.")
    followed = await ctx.uow.interests.followed(cid, ctx.member.id)
    buttons = tuple(Button(f"#{t}", f"interests pick {t}") for t in topics if t not in followed)[:MAX_BUTTONS]
    fields = (Field("You follow", _tags(followed) or "nothing yet"), Field("Topics here", _tags(topics)))
    return Reply.ephemeral("Pick the topics you care about: questions and meetups about them will find you."
                           " Press a button or type `/interests pick seo analytics`.",
                           sections=(Section("", fields),), buttons=buttons)


async def pick_interests(cmd: PickInterests, ctx: Context) -> Reply:
    cid, member = ctx.community.id, ctx.member
    names, tag_ids = await _known_topics(ctx, cmd.topics)
    await ctx.uow.interests.follow(cid, member.id, tag_ids)
    opening = f"You follow {_tags(names)}."
    if INTERESTS in ctx.settings.onboarding_steps:
        await ctx.uow.onboarding.mark_step(cid, member.id, INTERESTS, ctx.now)
    buddy = await pair_with_buddy(ctx, member, tag_ids, names)
    if buddy is not None:
        opening += f" Your buddy is {buddy.name}: I've introduced you to each other."
    return step_reply(ctx, await ctx.uow.onboarding.steps_done(cid, member.id), opening)


async def drop_interests(cmd: DropInterests, ctx: Context) -> Reply:
    names, tag_ids = await _known_topics(ctx, cmd.topics)
    followed = await ctx.uow.interests.followed(ctx.community.id, ctx.member.id)
    dropping = [n for n in names if n in followed]
    if not dropping:
        raise Refusal(f"You don't follow {_tags(names)}, so there is nothing to drop. "
                      f"You follow: {_tags(followed) or 'nothing'}.")
    await ctx.uow.interests.unfollow(ctx.community.id, ctx.member.id, tag_ids)
    left = [n for n in followed if n not in dropping]
    return Reply.ephemeral(f"You no longer follow {_tags(dropping)}. You follow: {_tags(left) or 'nothing'}.")


async def _known_topics(ctx: Context, text: str) -> tuple[list[str], list[int]]:
    """The community's tags these words name (with or without #), or a Refusal listing them."""
    names = list(dict.fromkeys(normalise_tag(word) for word in text.replace(",", " ").split()))
    if len(names) > MAX_PICKS:
        raise Refusal(f"{MAX_PICKS} topics at a time, please.")
    ids = await known_tags(ctx.uow, ctx.community.id, names, create=False)
    return names, [ids[n] for n in names]


def _tags(names: list[str]) -> str:
    return " ".join(f"#{n}" for n in names)


_TOPICS = Param("topics", Kind.TEXT, "one or more topics, like seo analytics", max_len=400)

COMMANDS = (
    CommandSpec("interests", "See the topics here and the ones you follow", ShowInterests, show_interests,
                visibility=Visibility.EPHEMERAL),
    CommandSpec("interests pick", "Follow topics", PickInterests, pick_interests, params=(_TOPICS,),
                visibility=Visibility.EPHEMERAL, examples=("/interests pick seo analytics",)),
    CommandSpec("interests drop", "Stop following topics", DropInterests, drop_interests, params=(_TOPICS,),
                visibility=Visibility.EPHEMERAL, examples=("/interests drop analytics",)),
)
