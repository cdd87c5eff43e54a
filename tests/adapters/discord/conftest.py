"""Fixtures for running the real discord.py client against tests/fakes/discord_fake.FakeDiscord."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:  # tests/ has no __init__ files; make `tests.fakes` and `adapters` importable
    sys.path.append(ROOT)

import discord  # noqa: E402

from adapters.discord import gateway  # noqa: E402
from tests.fakes.discord_fake import FakeDiscord  # noqa: E402

TOKEN = "fake-bot-token"


class FakeClient(gateway.ApiBaseMixin, discord.Client):
    """A plain discord.Client pointed at an API base."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server
    gateway.reset()


@pytest.fixture
def running() -> Callable:
    """``async with running(client): ...`` starts the client, waits for on_ready, then closes it."""

    @asynccontextmanager
    async def run(client: discord.Client, ready: bool = True) -> AsyncIterator[asyncio.Task]:
        task = asyncio.create_task(client.start(TOKEN))
        try:
            if ready:
                waiter = asyncio.ensure_future(client.wait_until_ready())
                done, _ = await asyncio.wait({waiter, task}, timeout=PATIENCE, return_when=asyncio.FIRST_COMPLETED)
                if waiter not in done:
                    waiter.cancel()
                    if task in done:
                        task.result()  # raise what start() raised
                    raise TimeoutError("discord.py did not become ready")
            yield task
        finally:
            await client.close()
            if not task.done():
                await asyncio.wait_for(task, PATIENCE)

    return run


@pytest.fixture
def make_client(fake: FakeDiscord) -> Callable[..., FakeClient]:
    """Build a client with copbot's intents pointed at the fake.  ``guild_ready_timeout`` is short because
    discord.py fires on_ready only that long after the last GUILD_CREATE (2 s by default)."""

    def make(*, message_content: bool = False, **kwargs) -> FakeClient:
        kwargs.setdefault("chunk_guilds_at_startup", False)
        kwargs.setdefault("guild_ready_timeout", 0.05)
        return FakeClient(intents=gateway.intents_for(message_content), api_base=fake.api_base, **kwargs)

    return make


# -- copbot's own client, on a real SQLite store ---------------------------------------------------------------------

from adapters.app.bootstrap import App, build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig, DiscordConfig  # noqa: E402
from adapters.discord.client import make_client as make_copbot_client  # noqa: E402
from tests.fakes import discord_payloads as p  # noqa: E402
from tests.fakes.patience import PATIENCE  # noqa: E402


@pytest.fixture
async def app(tmp_path) -> AsyncIterator[App]:
    config = Config(database=DatabaseConfig(url=f"sqlite+aiosqlite:///{tmp_path}/copbot.db"),
                    discord=DiscordConfig(enabled=True, guild_ids=[p.GUILD_ID]))
    application = await build(config)
    yield application
    await application.close()


@pytest.fixture
def copbot(app, fake, tmp_path) -> Callable:
    """``copbot(**kw)`` builds copbot's client on ``app``'s core, pointed at the fake, syncing to the test guild."""

    def make(**kwargs):
        kwargs.setdefault("guild_ids", [p.GUILD_ID])
        kwargs.setdefault("sync_state", tmp_path / "discord-commands.json")
        kwargs.setdefault("guild_ready_timeout", 0.05)
        client = make_copbot_client(app.core, api_base=fake.api_base, **kwargs)
        app.outbound.add("discord", client.outbound)
        return client

    return make


@pytest.fixture
def answer(fake: FakeDiscord) -> Callable:
    """``await answer(payload)``: dispatch an interaction, return the first response Discord got for it."""

    async def dispatch(payload: dict, within: float = PATIENCE) -> dict:
        await fake.dispatch("INTERACTION_CREATE", payload)
        template = f"/interactions/{payload['id']}/{payload['token']}/callback"
        await fake.wait_for_call("POST", template, within=within)
        return next(r for r in fake.interaction_responses if r["interaction_id"] == payload["id"])

    return dispatch
