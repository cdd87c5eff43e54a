"""Two members take the last seat at the same instant: one gets it, the other is waitlisted, never both.

On PostgreSQL each RSVP runs in its own app (as two copbot processes on one database would), so
the two units of work really overlap; the occurrence's row lock makes them count seats one at a
time. On SQLite one process serialises its units of work, and the rule must hold there too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from adapters.app.bootstrap import build
from tests.conftest import make_config
from tests.fakes.console import ConsoleDriver
from tests.features.meetups.test_waitlist import statuses

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROUNDS = 8  # one meetup per round: an unguarded count-then-insert loses this race almost every time


@pytest.fixture
async def second_app(berlin_app, store_url, clock):
    """On PostgreSQL a second app on the same database; on SQLite the same app (one writer per file)."""
    if store_url.startswith("sqlite"):
        yield berlin_app
        return
    other = await build(make_config(store_url, zone="Europe/Berlin"), clock=clock)
    yield other
    await other.close()


async def test_two_members_taking_the_last_seat_at_once_never_both_get_it(berlin, second_app, clock):
    clock.set(NOW)
    await berlin.say(":as alice", *[f'/meetup create "Round {n}" 2026-12-0{1 + n % 7} 18:00 capacity=1'
                                    for n in range(ROUNDS)])
    carol, dan = berlin, ConsoleDriver(second_app)  # two consoles: each speaks as its own member
    await carol.say(":as carol", "/meetup list")  # both members exist before the race
    await dan.say(":as dan", "/meetup list")
    for meetup_id in range(1, ROUNDS + 1):
        await asyncio.gather(carol.say(f"/meetup rsvp {meetup_id} yes"), dan.say(f"/meetup rsvp {meetup_id} yes"))
        said = await statuses(berlin.app, meetup_id)
        assert sorted(said.values()) == ["waitlist", "yes"], (meetup_id, said)
