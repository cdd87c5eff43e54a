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
                done, _ = await asyncio.wait({waiter, task}, timeout=2, return_when=asyncio.FIRST_COMPLETED)
                if waiter not in done:
                    waiter.cancel()
                    if task in done:
                        task.result()  # raise what start() raised
                    raise TimeoutError("discord.py did not become ready")
            yield task
        finally:
            await client.close()
            if not task.done():
                await asyncio.wait_for(task, 2)

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
