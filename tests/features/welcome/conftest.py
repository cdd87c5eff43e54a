"""A community with an owner and topics for the welcome tests."""

from __future__ import annotations

import pytest


@pytest.fixture
async def community(console):
    """alice owns the community (the console's first member); #seo and #analytics are its topics."""
    await console.say(":as alice", "/settings intro_channel intro", "/kudos @bob thanks for the audit #seo #analytics")
    return console
