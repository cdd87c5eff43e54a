"""Gateway events -> the core's platform events, and their replies back to Discord.

Discord gives gateway dispatches no event id, so each event gets a stable one the core deduplicates on: a resumed
session or a replayed dispatch is then processed once.

* member join:   ``join:{guild}:{user}:{joined_at}``   (a later re-join has a new joined_at)
* member leave:  ``leave:{guild}:{user}:{joined_at}`` when the member was cached, else none (leaving is idempotent)
* reaction:      ``reaction:{message}:{user}:{emoji}:add`` / ``:remove``
* message:       ``message:{id}`` (in a thread: the parent channel is the place's channel, the thread its thread;
                 a thread started from a message has that message's id, so a message and its thread match)
* deleted:       ``deleted:{id}``, said by the bot itself (Discord does not tell who deleted it)

Replies: PUBLIC is posted in the event's channel; EPHEMERAL and DIRECT go by DM to the actor (Discord has no
ephemeral messages outside interactions) and are dropped, with a log line, when DMs are closed."""

from __future__ import annotations

import hashlib
import logging
import uuid

import discord

from adapters.discord import facts
from adapters.discord.outbound import DiscordOutbound
from bot.core import Core
from bot.delivery import deliver, reply_target
from bot.events import (
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessagePosted,
    PlatformEvent,
    ReactionAdded,
    ReactionRemoved,
)
from bot.identity import MemberRef, Person
from bot.ports import DeliveryRefused, RateLimited
from bot.reply import Reply

log = logging.getLogger("copbot.discord")


MAX_PARENTS = 10_000


def _stamp(member: discord.Member) -> str:
    return str(int(member.joined_at.timestamp())) if member.joined_at else "?"


class GatewayEvents:
    def __init__(self, core: Core, client: discord.Client, outbound: DiscordOutbound) -> None:
        self.core = core
        self.client = client
        self.outbound = outbound
        self._parents: dict[int, object] = {}  # channel id -> the channel fetched (threads not in the cache)

    async def member_joined(self, member: discord.Member) -> None:
        guild = member.guild
        channel = guild.system_channel
        place = facts.place(guild, guild.id, channel, channel.id if channel else None)
        event_id = f"join:{guild.id}:{member.id}:{_stamp(member)}"
        await self._run(MemberJoined(facts.member_person(member), place, event_id))

    async def member_left(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.client.get_guild(payload.guild_id)
        user = payload.user
        event_id = f"leave:{payload.guild_id}:{user.id}:{_stamp(user)}" if isinstance(user, discord.Member) else None
        place = facts.place(guild, payload.guild_id, None, None)
        await self._run(MemberLeft(facts.person(user, payload.guild_id), place, event_id))

    async def reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        if payload.guild_id is None or payload.user_id == getattr(self.client.user, "id", None):
            return
        actor = await self._actor(payload.guild_id, payload.user_id, payload.member)
        if actor is None or actor.is_bot:
            return
        guild = self.client.get_guild(payload.guild_id)
        channel = self.client.get_channel(payload.channel_id)
        place = facts.place(guild, payload.guild_id, channel, payload.channel_id, message_id=payload.message_id)
        emoji = payload.emoji.name if payload.emoji.is_custom_emoji() else str(payload.emoji)
        event_id = f"reaction:{payload.message_id}:{payload.user_id}:{emoji}:{'add' if added else 'remove'}"
        author = (MemberRef(facts.PLATFORM, str(payload.guild_id), str(payload.message_author_id))
                  if payload.message_author_id else None)
        kind = ReactionAdded if added else ReactionRemoved
        await self._run(kind(actor, place, event_id, emoji=emoji or "", message_author=author))

    async def message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return  # "started a thread", pins, joins: Discord's own notices
        author = message.author
        actor = facts.member_person(author) if isinstance(author, discord.Member) else facts.person(author, message.guild.id)
        channel = await self._channel(message.channel)
        place = facts.place(message.guild, message.guild.id, channel, message.channel.id, message_id=message.id)
        event = MessagePosted(actor, place, f"message:{message.id}", text=message.content,
                              mentioned=facts.mentioned(list(message.mentions), message.guild.id))
        await self._run(event)

    async def deleted(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A deleted message; Discord does not say by whom, so the bot itself tells the core."""
        bot = self.core.communities.bots.get(facts.PLATFORM)
        if payload.guild_id is None or bot is None:
            return
        guild = self.client.get_guild(payload.guild_id)
        channel = await self._channel(self.client.get_channel(payload.channel_id)
                                      or self.client.get_partial_messageable(payload.channel_id))
        place = facts.place(guild, payload.guild_id, channel, payload.channel_id, message_id=payload.message_id)
        await self._run(MessageDeleted(bot.member(str(payload.guild_id)), place, f"deleted:{payload.message_id}"))

    async def _channel(self, channel: object) -> object:
        """The channel as discord.py caches it; a thread it does not know is fetched once (its parent is needed)."""
        if not isinstance(channel, discord.PartialMessageable):
            return channel
        if channel.id in self._parents:
            return self._parents[channel.id]
        try:
            found = await self.client.fetch_channel(channel.id)
        except discord.HTTPException:
            return channel
        if len(self._parents) >= MAX_PARENTS:
            self._parents.clear()
        self._parents[channel.id] = found
        return found

    async def _actor(self, guild_id: int, user_id: int, member: discord.Member | None) -> Person | None:
        """The reacting member: from the event, the cache, or (reaction removals carry no member) the API."""
        guild = self.client.get_guild(guild_id)
        member = member or (guild.get_member(user_id) if guild else None)
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                log.info("reaction by %s in guild %s: member not found, ignored", user_id, guild_id)
                return None
        return facts.member_person(member) if member is not None else None

    async def _run(self, event: PlatformEvent) -> None:
        try:
            replies = await self.core.handle_event(event)
        except Exception:  # noqa: BLE001 - logged by the core; the gateway cannot be asked to retry
            return
        for n, reply in enumerate(replies):
            await self._deliver(event, reply, n)

    async def _deliver(self, event: PlatformEvent, reply: Reply, n: int) -> None:
        basis = event.event_id or uuid.uuid4().hex  # no id: nothing to deduplicate on
        key = "ev-" + hashlib.blake2b(f"{basis}:{n}".encode(), digest_size=8).hexdigest()
        try:
            await deliver(self.outbound, reply_target(event.place, event.actor.ref, reply), reply, key=key)
        except DeliveryRefused:
            log.info("%s: reply to %s refused, dropped", type(event).__name__, event.actor.ref.user_id)
        except RateLimited as error:
            log.warning("%s: reply not delivered (Discord rate limit, %s)", type(event).__name__, error)
        except discord.HTTPException as error:
            log.warning("%s: reply not delivered (%s %s)", type(event).__name__, error.status, error.code)
