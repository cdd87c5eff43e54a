"""Kudos: thanking people, by command, by `@name++` in a message, or by a reaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from pydantic import Field, field_validator

from bot.clock import local_midnight_utc, local_today
from bot.commands import CommandSpec, Kind, Mention, Param, as_mention
from bot.context import Context, Feature
from bot.domain import Kudos, KudosCounts, Member, Standing
from bot.errors import Refusal
from bot.events import MessagePosted, ReactionAdded, ReactionRemoved
from bot.features.activity import mark_active
from bot.features.topics.check import known_tags
from bot.identity import ChannelTarget, MemberTarget, Role
from bot.people import resolve_mention
from bot.periods import LOCAL_PERIODS
from bot.ports import UnitOfWork
from bot.reply import Reply, Visibility
from bot.settings import Channel, Settings, channel_here, words
from bot.tags import split_trailing_tags
from bot.text import clean_text

MAX_RECEIVERS = 5
MAX_REASON = 500


class KudosSettings(Settings):
    kudos_daily_allowance: int = Field(5, ge=1, le=100, description="kudos a member may give per day")
    kudos_pair_cap: int = Field(2, ge=1, le=100, description="kudos from one giver to one receiver per day")
    kudos_emoji: list[str] = Field(
        default_factory=lambda: ["tada", "🎉"],
        description="reactions that give kudos (Slack names without colons, Discord unicode)",
    )
    kudos_channel: Channel = Field(None, description="channel id where kudos are announced (default: where given); "
                                      "slack:ID or discord:ID when the community spans platforms")
    kudos_dm_receiver: bool = Field(False, description="tell receivers by direct message when they get kudos")
    kudos_undo_seconds: int = Field(60, ge=0, le=3600, description="how long /kudos undo and removing a reaction work")

    @field_validator("kudos_emoji", mode="before")
    @classmethod
    def _emoji_list(cls, value):
        return [v.strip(":") for v in words(value)]


class KudosRepo(Protocol):
    """What kudos and the leaderboard need from the store (storage/repositories/kudos.py)."""

    async def add(self, community_id: int, *, batch: str, giver_id: int, receiver_ids: Sequence[int],
                  reason: str, tag_ids: Sequence[int], source: str, place: dict, at: datetime) -> list[Kudos]: ...
    async def given_since(self, community_id: int, giver_id: int, since: datetime) -> dict[int, int]: ...
    async def latest_batch(self, community_id: int, giver_id: int, since: datetime) -> list[Kudos]: ...
    async def by_source_message(self, community_id: int, giver_id: int, platform: str, channel_id: str,
                                message_id: str, since: datetime) -> list[Kudos]: ...
    async def by_number(self, community_id: int, number: int) -> Kudos | None: ...
    async def revoke(self, community_id: int, kudos_ids: Sequence[int], *, kind: str, by_id: int,
                     reason: str, at: datetime) -> None: ...
    async def standings(self, community_id: int, *, period: str, start: date | None, tag_id: int | None,
                        given: bool, limit: int) -> list[Standing]: ...
    async def place_of(self, community_id: int, member_id: int, *, period: str, start: date | None,
                       tag_id: int | None, given: bool) -> tuple[int, Standing] | None: ...
    async def rebuild_totals(self, community_id: int, zone: str, now: datetime,
                             periods: Sequence[str] = ...) -> None: ...
    async def counts(self, community_id: int, member_id: int, *, since: datetime) -> KudosCounts: ...
    async def top_tags(self, community_id: int, member_id: int, limit: int) -> list[tuple[str, int]]: ...
    async def received_times(self, community_id: int, member_id: int, since: datetime) -> list[datetime]: ...
    async def erase_reasons(self, community_id: int, member_id: int) -> None:
        """Blank the reasons a member wrote (and what quotes them); the kudos stay, as anonymous counts."""
    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        """Move one member's kudos onto another (linked identities). A kudos one gave the other stays, revoked
        as kind "merge": in the audit, out of every count. The running totals of the two are recounted."""


async def erase_kudos_reasons(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    await uow.kudos.erase_reasons(community_id, member_id)


async def merge_kudos(uow: UnitOfWork, community_id: int, from_id: int, into_id: int, at: datetime) -> None:
    await uow.kudos.merge(community_id, from_id, into_id, at)


async def rebuild_kudos_totals(uow: UnitOfWork, community_id: int, zone: str, now: datetime) -> None:
    """Weeks, months and quarters begin at a local midnight: a new zone moves them."""
    await uow.kudos.rebuild_totals(community_id, zone, now, LOCAL_PERIODS)


@dataclass(frozen=True)
class GiveKudos:
    receivers: list[Member]
    reason: str
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UndoKudos:
    pass


@dataclass(frozen=True)
class VoidKudos:
    kudos_id: int
    reason: str


async def give_kudos(cmd: GiveKudos, ctx: Context) -> Reply:
    given = await give(ctx, cmd.receivers, cmd.reason, cmd.tags, source="command")
    return announce(ctx, cmd.receivers, given, cmd.reason, cmd.tags)


async def undo_kudos(cmd: UndoKudos, ctx: Context) -> Reply:
    since = ctx.now - timedelta(seconds=ctx.settings.kudos_undo_seconds)
    batch = await ctx.uow.kudos.latest_batch(ctx.community.id, ctx.member.id, since)
    if not batch:
        raise Refusal(f"There is nothing to undo: kudos can be undone within {ctx.settings.kudos_undo_seconds}"
                      " seconds of giving them.")
    await ctx.uow.kudos.revoke(ctx.community.id, [k.id for k in batch], kind="undo", by_id=ctx.member.id,
                               reason="undone by the giver", at=ctx.now)
    names = await _names(ctx, [k.receiver_id for k in batch])
    return Reply.ephemeral(f"Undone: your kudos to {names}.")


async def void_kudos(cmd: VoidKudos, ctx: Context) -> Reply:
    kudos = await ctx.uow.kudos.by_number(ctx.community.id, cmd.kudos_id)  # the number people see
    if kudos is None:
        raise Refusal(f"There is no kudos #{cmd.kudos_id} in this community.")
    if kudos.revoked_at is not None:
        raise Refusal(f"Kudos #{cmd.kudos_id} was already withdrawn.")
    await ctx.uow.kudos.revoke(ctx.community.id, [kudos.id], kind="void", by_id=ctx.member.id,
                               reason=cmd.reason, at=ctx.now)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "kudos.void",
                         {"kudos_id": kudos.id, "number": kudos.number, "reason": cmd.reason}, ctx.now)
    return Reply.ephemeral(f"Kudos #{kudos.number} is void: it no longer counts. The reason is kept in the audit log.")


# The rules --------------------------------------------------------------------------------


async def give(ctx: Context, receivers: list[Member], reason: str, tags: list[str], *, source: str,
               source_message: str | None = None) -> list[Kudos]:
    """Check every rule, then record the kudos. A refusal changes nothing."""
    await check_rules(ctx, receivers)
    tag_ids = await known_tags(ctx.uow, ctx.community.id, tags)
    place = {"platform": ctx.place.platform, "workspace_id": ctx.place.workspace_id,
             "channel_id": ctx.place.channel_id, "message_id": source_message}
    given = await ctx.uow.kudos.add(
        ctx.community.id, batch=uuid.uuid4().hex, giver_id=ctx.member.id,
        receiver_ids=[r.id for r in receivers], reason=reason, tag_ids=list(tag_ids.values()),
        source=source, place=place, at=ctx.now)
    await mark_active(ctx)
    if ctx.settings.kudos_dm_receiver:
        tell_receivers(ctx, receivers, reason)
    return given


def tell_receivers(ctx: Context, receivers: list[Member], reason: str) -> None:
    """A direct message to each receiver, queued with the kudos (a closed DM is simply not delivered)."""
    why = f": {reason}" if reason else ""
    for receiver in receivers:
        ctx.send_later(MemberTarget(receiver.ref), Reply.direct(f"🎉 {ctx.member.name} gave you kudos{why}"))


async def check_rules(ctx: Context, receivers: list[Member]) -> None:
    giver, settings = ctx.member, ctx.settings
    if any(r.id == giver.id for r in receivers):
        raise Refusal("You can't give kudos to yourself, but thank you for being here!")
    if bot := next((r for r in receivers if r.is_bot), None):
        raise Refusal(f"{bot.name} is a bot: kudos are for people.")
    if gone := next((r for r in receivers if not r.active), None):
        raise Refusal(f"{gone.name} is no longer a member of this community.")
    today = local_midnight_utc(local_today(ctx.now, ctx.zone), ctx.zone)
    await ctx.uow.members.lock(ctx.community.id, giver.id)  # limits are read, then written: one at a time
    given_today = await ctx.uow.kudos.given_since(ctx.community.id, giver.id, today)
    used = sum(given_today.values())
    allowance = settings.kudos_daily_allowance
    if used + len(receivers) > allowance:
        left = max(allowance - used, 0)
        raise Refusal(f"You can give {allowance} kudos a day and have {left} left today; this needs"
                      f" {len(receivers)}. Nothing was given.")
    for receiver in receivers:
        pair = given_today.get(receiver.id, 0)
        if pair >= settings.kudos_pair_cap:
            raise Refusal(f"You have already given {receiver.name} {pair} kudos today, the most for one person"
                          " in a day. Nothing was given.")


def announce(ctx: Context, receivers: list[Member], given: list[Kudos], reason: str, tags: list[str]) -> Reply:
    """The public thanks for a command: the reply where it was given, or in the kudos channel if one is set."""
    names = ", ".join(r.name for r in receivers)
    why = f": {reason}" if reason else ""
    tag_text = (" " + " ".join(f"#{t}" for t in tags)) if tags else ""
    ids = ", ".join(f"#{k.number}" for k in given)
    text = f"🎉 {ctx.member.name} gave kudos to {names}{why}{tag_text} (kudos {ids})"
    channel = channel_here(ctx.settings.kudos_channel, ctx.place.platform, ctx.place.workspace_id)
    if channel and channel != ctx.place.channel_id:
        ctx.send_later(ChannelTarget(ctx.place.platform, ctx.place.workspace_id, channel), Reply.public(text))
        return Reply.ephemeral(f"Thank you! Your kudos to {names} is announced in the kudos channel.")
    return Reply.public(text)


def announce_later(ctx: Context, receivers: list[Member], given: list[Kudos], reason: str, tags: list[str]) -> None:
    """The public thanks for `++` and reactions: nobody waits for a reply, so it goes through the outbox,
    committed with the kudos (a crash or a failed post cannot lose it)."""
    reply = announce(ctx, receivers, given, reason, tags)
    if reply.visibility is Visibility.PUBLIC:
        ctx.send_later(ctx.here(), reply)  # here, or the giver if the bot may not post here


async def _names(ctx: Context, member_ids: list[int]) -> str:
    members = await ctx.uow.members.many(ctx.community.id, member_ids)
    return ", ".join(members[i].name for i in member_ids if i in members)


# `@name++ for the great audit` in a message -------------------------------------------------

PLUS_PLUS = re.compile(r"(<@!?[\w.\-]+(?:\|[^>]*)?>|@[\w.\-]+)\s?\+\+")
_LEADING_FOR = re.compile(r"^\s*(?:for|:|-|–)\s*", re.IGNORECASE)


async def on_message(event: MessagePosted, ctx: Context) -> Reply | None:
    found = [as_mention(m) for m in PLUS_PLUS.findall(event.text)]
    mentions = [m for m in dict.fromkeys(found) if m is not None]
    if not mentions:
        return None
    after = PLUS_PLUS.split(event.text)[-1]
    reason, tags = split_trailing_tags(_LEADING_FOR.sub("", after))
    reason = clean_text(reason, what="the reason", max_len=MAX_REASON)
    if len(mentions) > MAX_RECEIVERS:
        raise Refusal(f"Kudos go to at most {MAX_RECEIVERS} people at once.")
    receivers = [await resolve_mention(ctx, m, event.mentioned) for m in mentions]
    given = await give(ctx, receivers, reason, tags, source="message", source_message=event.place.message_id)
    announce_later(ctx, receivers, given, reason, tags)
    return None


# Reactions ----------------------------------------------------------------------------------


async def on_reaction(event: ReactionAdded, ctx: Context) -> Reply | None:
    if event.emoji.strip(":") not in ctx.settings.kudos_emoji or event.message_author is None:
        return None
    since = ctx.now - timedelta(days=3650)
    if await ctx.uow.kudos.by_source_message(ctx.community.id, ctx.member.id, event.place.platform,
                                             event.place.channel_id, event.place.message_id or "", since):
        return None  # one kudos per message per giver, whichever kudos emoji
    receiver = await resolve_mention(ctx, Mention(event.message_author.user_id), ())
    given = await give(ctx, [receiver], "", [], source="reaction", source_message=event.place.message_id)
    announce_later(ctx, [receiver], given, "", [])
    return None


async def on_reaction_removed(event: ReactionRemoved, ctx: Context) -> Reply | None:
    if event.emoji.strip(":") not in ctx.settings.kudos_emoji:
        return None
    since = ctx.now - timedelta(seconds=ctx.settings.kudos_undo_seconds)
    given = await ctx.uow.kudos.by_source_message(ctx.community.id, ctx.member.id, event.place.platform,
                                                  event.place.channel_id, event.place.message_id or "", since)
    live = [k for k in given if k.revoked_at is None]
    if not live:
        return None
    await ctx.uow.kudos.revoke(ctx.community.id, [k.id for k in live], kind="undo", by_id=ctx.member.id,
                               reason="reaction removed", at=ctx.now)
    return Reply.ephemeral(f"Undone: your kudos to {await _names(ctx, [k.receiver_id for k in live])}.")


FEATURE = Feature(
    name="kudos",
    commands=(
        CommandSpec(
            "kudos", "Thank someone for their help", GiveKudos, give_kudos,
            params=(
                Param("receivers", Kind.MEMBERS, "who to thank", max_items=MAX_RECEIVERS),
                Param("reason", Kind.TEXT, "a reason", max_len=MAX_REASON),
                Param("tags", Kind.TAGS, "topic tags", optional=True),
            ),
            examples=("/kudos @bob thanks for the audit #seo", "/kudos @ann @raj great talk"),
        ),
        CommandSpec("kudos undo", "Take back the kudos you just gave", UndoKudos, undo_kudos,
                    visibility=Visibility.EPHEMERAL),
        CommandSpec(
            "kudos void", "Void a kudos, keeping an audit trail", VoidKudos, void_kudos,
            params=(Param("kudos_id", Kind.INT, "the kudos number"),
                    Param("reason", Kind.TEXT, "a reason", max_len=MAX_REASON)),
            role=Role.MANAGER, visibility=Visibility.EPHEMERAL, examples=("/kudos void 12 given by mistake",),
        ),
    ),
    on_event={MessagePosted: on_message, ReactionAdded: on_reaction, ReactionRemoved: on_reaction_removed},
    settings=KudosSettings,
    erase=erase_kudos_reasons,
    merge=merge_kudos,
    repositories={"kudos": KudosRepo},
    on_zone_changed=rebuild_kudos_totals,
)
