"""The Slack rig (FakeSlack + copbot's Bolt app over HTTP) and the Discord gateway fake, here on SQLite and
PostgreSQL (the adapter suites build them on SQLite only)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.discord.conftest import fake, running  # noqa: F401  (fixtures)
from tests.adapters.slack.conftest import fake_slack, http, make_rig  # noqa: F401  (fixtures)


@pytest.fixture
async def discord_app(store_url) -> AsyncIterator:
    from adapters.app.bootstrap import build
    from adapters.app.config import CommunityConfig, Config, DatabaseConfig, DiscordConfig
    from tests.fakes import discord_payloads as p

    app = await build(Config(database=DatabaseConfig(url=store_url),
                             discord=DiscordConfig(enabled=True, guild_ids=[p.GUILD_ID]),
                             # declared, so concurrent first events don't race to create it
                             communities=[CommunityConfig(name="Test guild", discord=[p.GUILD_ID])]))
    yield app
    await app.close()
