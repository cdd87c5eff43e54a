"""Start-up: privileged intents refused (4014), the token, command sync only when changed, the invite URL."""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest

from adapters.app.config import Config, ConfigError, DatabaseConfig, DiscordConfig
from adapters.discord import gateway
from adapters.discord.client import make_client
from adapters.discord.invite import SCOPES, application_id_from_token, invite_url, permissions
from adapters.discord.service import EXIT_INTENTS, start_discord
from bot.commands import CommandSpec
from bot.reply import Reply
from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.patience import PATIENCE

GUILD_PUT = f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands"


def config_for(tmp_path, api_base: str) -> Config:
    return Config(database=DatabaseConfig(url=f"sqlite+aiosqlite:///{tmp_path}/copbot.db"),
                  discord=DiscordConfig(enabled=True, api_base_url=api_base, guild_ids=[p.GUILD_ID]))


async def test_a_4014_close_stops_copbot_non_zero_naming_the_portal_switch(app, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DISCORD_TOKEN", "fake-bot-token")
    stopping = asyncio.Event()
    async with FakeDiscord(refuse_privileged_intents=True) as strict:
        service = await start_discord(app, config_for(tmp_path, strict.api_base), stopping)
        await asyncio.wait_for(stopping.wait(), PATIENCE)
        await service.stop()
    gateway.reset()
    assert service.exit_code == EXIT_INTENTS
    hint = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and "4014" in r.getMessage()]
    assert hint and "Server Members Intent" in hint[0] and "Developer Portal" in hint[0]
    assert "fake-bot-token" not in caplog.text


async def test_without_a_token_copbot_says_so_in_one_line(app, tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        await start_discord(app, config_for(tmp_path, "http://127.0.0.1:9/api/v10"), asyncio.Event())


async def test_commands_are_synced_only_when_the_declarations_change(app, fake, copbot, running):
    async with running(copbot()):
        pass
    assert len(fake.calls("PUT", GUILD_PUT)) == 1
    async with running(copbot()):  # a restart with the same declarations
        pass
    assert len(fake.calls("PUT", GUILD_PUT)) == 1

    async def new(cmd, ctx) -> Reply:
        return Reply.public("new")

    app.core.book.add(CommandSpec("brandnew", "A new command", object, new))
    async with running(copbot()):
        pass
    [*_, last] = fake.calls("PUT", GUILD_PUT)
    assert len(fake.calls("PUT", GUILD_PUT)) == 2 and "brandnew" in [c["name"] for c in last.json]


async def test_a_sharded_client_connects_too(app, fake, copbot, running):
    client = copbot(shard_count=1)
    assert isinstance(client, discord.AutoShardedClient)
    async with running(client):
        assert client.get_guild(int(p.GUILD_ID)) is not None


def test_the_invite_url_asks_for_exactly_the_scopes_and_permissions_needed():
    url = invite_url("1200000000000000001")
    assert "scope=bot+applications.commands" in url and "client_id=1200000000000000001" in url
    perms = permissions()
    assert f"permissions={perms.value}" in url and SCOPES == ("bot", "applications.commands")
    assert {name for name, on in perms if on} == {"read_messages", "send_messages", "send_messages_in_threads",
                                                  "embed_links", "attach_files", "read_message_history"}
    assert perms.view_channel and not perms.administrator  # view_channel is read_messages in discord.py
    assert application_id_from_token("MTIwMDAwMDAwMDAwMDAwMDAwMQ.x.y") == "1200000000000000001"


async def test_shard_ids_and_shard_count_make_an_auto_sharded_client_identifying_only_those_shards(
        app, fake, copbot, running):
    client = copbot(shard_count=4, shard_ids=[0, 1])
    assert isinstance(client, discord.AutoShardedClient)
    assert client.shard_count == 4 and client.shard_ids == [0, 1]
    async with running(client):
        pass
    assert sorted(tuple(identify["shard"]) for identify in fake.identifies) == [(0, 4), (1, 4)]


def _guild_on_shard(n: int, shard: int, count: int = 4) -> str:
    """A guild id Discord puts on `shard` of `count`: (id >> 22) % count."""
    return str(((1000 + n * count + shard) << 22) | n)


async def test_two_processes_with_shard_ids_split_the_guilds_between_them(app, running, tmp_path):
    """[discord] shard_count = 4 in both; shard_ids = [0, 1] in one, [2, 3] in the other: each guild is served by
    exactly one of them, the one whose shards hold it."""
    guilds = {shard: [_guild_on_shard(n, shard) for n in range(2)] for shard in range(4)}
    gateway.reset()
    async with FakeDiscord(guilds=[p.guild(g) for ids in guilds.values() for g in ids]) as fake:
        configs = [DiscordConfig(enabled=True, api_base_url=fake.api_base, shard_count=4, shard_ids=ids)
                   for ids in ([0, 1], [2, 3])]
        clients = [make_client(app.core, api_base=c.api_base_url, shard_count=c.shard_count, shard_ids=c.shard_ids,
                               guild_ready_timeout=0.05) for c in configs]
        async with running(clients[0]), running(clients[1]):
            served = [{str(g.id) for g in client.guilds} for client in clients]
    gateway.reset()
    assert served[0] == set(guilds[0] + guilds[1])
    assert served[1] == set(guilds[2] + guilds[3])
