"""copbot's discord.py client: intents, the command tree, persistent buttons and the gateway events it listens to.

``chunk_guilds_at_startup=False``: a 20,000-member guild starts without downloading its member list; members
are known from the events and interactions that carry them.  Raw reaction events, because ``on_reaction_add``
fires only for messages in the cache.  ``allowed_mentions`` is ``none()`` for the whole client as well as on
each message."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import discord

from adapters.discord.events import GatewayEvents
from adapters.discord.facts import PLATFORM
from adapters.discord.gateway import ApiBaseMixin, intents_for
from adapters.discord.interactions import Interactions
from adapters.discord.outbound import RATE_LIMIT_WAIT_MAX, DiscordOutbound
from adapters.discord.sync import CommandSync
from adapters.discord.tree import build_tree
from adapters.discord.views import CommandButton
from bot.core import Core
from bot.identity import BotIdentity

log = logging.getLogger("copbot.discord")


class CopbotMixin:
    """The copbot parts, shared by the plain and the auto-sharded client."""

    def __init__(self, core: Core, *, guild_ids: list[str] | None = None, message_content: bool = False,
                 sync_state: Path | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("chunk_guilds_at_startup", False)
        kwargs.setdefault("max_ratelimit_timeout", RATE_LIMIT_WAIT_MAX)  # longer waits go back to the outbox
        super().__init__(intents=intents_for(message_content), allowed_mentions=discord.AllowedMentions.none(),
                         **kwargs)
        self.core = core
        self.guild_ids = [str(g) for g in guild_ids or []]
        self.message_content = message_content
        self.sync_state = sync_state
        self.outbound = DiscordOutbound(self)  # type: ignore[arg-type]
        self.interactions = Interactions(core, self.outbound)
        self.gateway_events = GatewayEvents(core, self, self.outbound)  # type: ignore[arg-type]
        self.tree = build_tree(self, core, self.guild_ids)  # type: ignore[arg-type]

    async def setup_hook(self) -> None:
        """After login (the application id is known), before the gateway connects."""
        self.add_dynamic_items(CommandButton)  # type: ignore[attr-defined]
        me = self.user  # type: ignore[attr-defined]
        if me is not None:  # login has read /users/@me
            await self.core.communities.know_bot(BotIdentity(PLATFORM, str(me.id), me.display_name))
        if self.sync_state is None:
            return
        try:
            await CommandSync(self.sync_state).sync(self.tree, self.application_id, self.guild_ids)  # type: ignore[attr-defined]
        except discord.HTTPException as error:
            log.error("syncing application commands failed (%s %s): the old commands stay", error.status, error.text)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d guilds", self.user, len(self.guilds))  # type: ignore[attr-defined]

    async def on_member_join(self, member: discord.Member) -> None:
        await self.gateway_events.member_joined(member)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self.gateway_events.member_left(payload)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.gateway_events.reaction(payload, added=True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.gateway_events.reaction(payload, added=False)

    async def on_message(self, message: discord.Message) -> None:
        # Without the content intent the text is empty, but the message still counts (activity, first message).
        await self.gateway_events.message(message)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.gateway_events.deleted(payload)


class CopClient(CopbotMixin, ApiBaseMixin, discord.Client):
    pass


class CopShardedClient(CopbotMixin, ApiBaseMixin, discord.AutoShardedClient):
    pass


def make_client(core: Core, *, api_base: str | None = None, guild_ids: list[str] | None = None,
                message_content: bool = False, shard_count: int | None = None, shard_ids: list[int] | None = None,
                sync_state: Path | None = None, **kwargs: Any) -> CopClient | CopShardedClient:
    """``shard_count`` set: an ``AutoShardedClient`` running that many shards, or only ``shard_ids`` of them
    (the other shards run in other processes), for bots in many guilds."""
    if api_base is not None and api_base.rstrip("/") == "https://discord.com/api/v10":
        api_base = None  # the real Discord: leave discord.py's own addresses alone
    common = dict(api_base=api_base, guild_ids=guild_ids, message_content=message_content, sync_state=sync_state)
    if shard_count:
        sharded = {"shard_ids": list(shard_ids)} if shard_ids else {}
        return CopShardedClient(core, shard_count=shard_count, **sharded, **common, **kwargs)
    return CopClient(core, **common, **kwargs)
