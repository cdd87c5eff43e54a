"""Start and stop the Discord adapter inside ``copbot run``.

``DISCORD_TOKEN`` comes from the environment only and is never logged.  If the gateway refuses a privileged
intent (close code 4014) or the token, the service says which switch to turn on, sets ``stopping`` so the whole
process shuts down, and reports a non-zero ``exit_code`` that ``copbot run`` exits with."""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.app.config import Config, ConfigError, secret
from adapters.discord.client import make_client
from adapters.discord.sync import state_file

log = logging.getLogger("copbot.discord")

PORTAL = "https://discord.com/developers/applications"
EXIT_INTENTS = 3
EXIT_LOGIN = 4
EXIT_FAILED = 1


def intents_hint(message_content: bool) -> str:
    switches = ["Server Members Intent"] + (["Message Content Intent"] if message_content else [])
    return (f"Discord refused copbot's privileged gateway intents (close code 4014). Turn on "
            f"{' and '.join(switches)} in the Developer Portal ({PORTAL} > your application > Bot > Privileged "
            "Gateway Intents), then start copbot again.")


class DiscordService:
    def __init__(self, client: discord.Client, stopping: asyncio.Event, message_content: bool) -> None:
        self.client = client
        self.stopping = stopping
        self.message_content = message_content
        self.exit_code = 0
        self.task: asyncio.Task | None = None

    def start(self, token: str) -> None:
        self.task = asyncio.create_task(self.client.start(token), name="discord")
        self.task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is None:
            return  # stopped on purpose
        error = task.exception()
        if isinstance(error, discord.PrivilegedIntentsRequired):
            log.error(intents_hint(self.message_content))
            self.exit_code = EXIT_INTENTS
        elif isinstance(error, discord.LoginFailure):
            log.error("Discord refused DISCORD_TOKEN (%s): copy the bot token again from the Developer Portal "
                      "(Bot > Reset Token).", type(error).__name__)
            self.exit_code = EXIT_LOGIN
        else:
            log.error("the Discord connection stopped: %s: %s", type(error).__name__, error)
            self.exit_code = EXIT_FAILED
        self.stopping.set()

    async def connected(self) -> bool:
        """For /healthz: logged in and the gateway session is ready."""
        return self.client.is_ready() and not self.client.is_closed()

    async def stop(self) -> None:
        if not self.client.is_closed():
            await self.client.close()
        if self.task is not None and not self.task.done():
            try:
                await asyncio.wait_for(self.task, 10)
            except Exception:  # noqa: BLE001 - already reported by _finished
                pass


async def start_discord(app, config: Config, stopping: asyncio.Event) -> DiscordService:
    token = secret("DISCORD_TOKEN")
    if not token:
        raise ConfigError("[discord] enabled = true needs the bot token in the DISCORD_TOKEN environment variable")
    settings = config.discord
    client = make_client(app.core, api_base=settings.api_base_url, guild_ids=settings.guild_ids,
                         message_content=settings.message_content, shard_count=settings.shard_count,
                         shard_ids=settings.shard_ids,
                         sync_state=state_file(config.database_url))
    app.outbound.add("discord", client.outbound)
    service = DiscordService(client, stopping, settings.message_content)
    service.start(token)
    shards = ("" if settings.shard_count is None else f", shards {settings.shard_ids or 'all'} of "
              f"{settings.shard_count}")
    log.info("Discord adapter starting (%s%s)", "guild commands in " + ", ".join(settings.guild_ids)
             if settings.guild_ids else "global commands", shards)
    return service
