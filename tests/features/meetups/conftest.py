"""A community in Europe/Berlin driven through the console, with every send recorded with its time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.app.bootstrap import build
from adapters.console.adapter import PLATFORM
from bot.identity import MemberTarget
from bot.reply import Reply
from tests.conftest import make_config
from tests.fakes.console import ConsoleDriver

BERLIN = ZoneInfo("Europe/Berlin")
READY_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Sent:
    at: datetime  # the clock when it was sent
    target: object
    reply: Reply

    @property
    def dm_to(self) -> str | None:
        return self.target.member.user_id if isinstance(self.target, MemberTarget) else None

    @property
    def local(self) -> datetime:
        return self.at.astimezone(BERLIN)


@dataclass
class Recorder:
    """Wraps the console's Outbound: records (clock time, target, reply), then prints as usual."""

    inner: object
    clock: object
    sent: list[Sent] = field(default_factory=list)

    async def send(self, target, reply, *, key):
        self.sent.append(Sent(self.clock.now(), target, reply))
        await self.inner.send(target, reply, key=key)

    def take(self) -> list[Sent]:
        taken, self.sent = self.sent, []
        return taken


@pytest.fixture
async def berlin_app(store_url, clock):
    app = await build(make_config(store_url, zone="Europe/Berlin"), clock=clock)
    yield app
    await app.close()


@pytest.fixture
def berlin(berlin_app, clock) -> ConsoleDriver:
    driver = ConsoleDriver(berlin_app)
    driver.recorder = Recorder(driver.adapter, clock)
    berlin_app.outbound.add(PLATFORM, driver.recorder)
    return driver


@pytest.fixture
async def ready(berlin, clock) -> ConsoleDriver:
    """alice owns the Berlin community (the console's first member) and carol is a champion."""
    clock.set(READY_AT)
    await berlin.say(":as alice", "/help", ":as carol", "/help", ":as alice", "/role grant @carol champion")
    return berlin
