"""One community bound to a Slack workspace (T1) and a Discord server (G1), driven with the core's Invocations."""

from __future__ import annotations

import pytest

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from tests.conftest import make_config


@pytest.fixture
async def both(store_url, clock):
    app = await build(make_config(store_url, communities=[CommunityConfig(name="Both", slack=["T1"],
                                                                          discord=["G1"])]), clock=clock)
    yield app
    await app.close()
