"""The drip: reminders that name only the open steps, decided when due, sent exactly once."""

from __future__ import annotations

import asyncio

import pytest

from adapters.app.bootstrap import build
from tests.conftest import make_config
from tests.fakes.console import ConsoleDriver
from tests.features.welcome.helpers import dms_to

pytestmark = pytest.mark.asyncio

NUDGE = "a friendly nudge"


async def test_the_day_7_reminder_names_only_the_steps_still_open(community, clock):
    await community.say(":join dana")
    clock.advance(days=3)
    await community.say(":as dana", "/interests pick seo analytics")
    clock.advance(days=4)
    out = await community.say("/help")
    [nudge] = dms_to(out, "dana")
    assert "2 steps are still open" in nudge
    assert "⬜ Introduce yourself in the intro channel" in out and "⬜ Read the guidelines" in out
    assert "Pick your interests" not in out and "Pick interests" not in out
    assert "[1] I introduced myself  [2] I read the guidelines  [3] Stop these reminders" in out


async def test_day_1_reminds_and_day_7_stays_silent_once_everything_is_done(community, clock):
    await community.say(":join dana")
    clock.advance(days=1)
    out = await community.say("/help")
    assert NUDGE in out and "3 steps are still open" in out
    await community.say(":as dana", "/interests pick seo", "/onboarding done intro", "/onboarding done guidelines")
    clock.advance(days=6)
    assert dms_to(await community.say("/help"), "dana") == []


async def test_a_member_can_stop_the_reminders(community, clock):
    await community.say(":join dana", ":as dana")
    assert "No more onboarding reminders" in await community.say("/onboarding stop")
    clock.advance(days=1)
    assert NUDGE not in await community.say("/help")
    assert "Reminders: off" in await community.say("/onboarding")


async def test_no_reminder_for_a_member_who_left(community, clock):
    await community.say(":join dana", ":leave dana")
    clock.advance(days=1)
    assert NUDGE not in await community.say("/help")


async def test_reminder_days_are_a_community_setting(community, clock):
    await community.say(":as alice", "/settings onboarding_drip_days 2", ":join dana")
    clock.advance(days=1)
    assert NUDGE not in await community.say("/help")
    clock.advance(days=1)
    assert NUDGE in await community.say("/help")
    clock.advance(days=6)
    assert NUDGE not in await community.say("/help")


async def test_a_reminder_is_sent_exactly_once_across_a_restart_and_two_processes(store_url, clock):
    first = await build(make_config(store_url), clock=clock)
    await ConsoleDriver(first).say(":as alice", "/help", ":join dana")
    await first.close()  # the bot restarts; the reminder is a row in the store, not a timer

    second = await build(make_config(store_url), clock=clock)
    third = await build(make_config(store_url), clock=clock)
    try:
        drivers = [ConsoleDriver(second), ConsoleDriver(third)]
        clock.advance(days=1, seconds=1)
        await asyncio.gather(second.dispatcher.run_due(), third.dispatcher.run_due())
        await asyncio.gather(second.dispatcher.run_due(), third.dispatcher.run_due())
        printed = "\n".join(line for d in drivers for line in d.printed)
        assert len(dms_to(printed, "dana")) == 1 and NUDGE in printed
    finally:
        await second.close()
        await third.close()
