"""The bot is a bot member of its communities from the start, not only once someone mentions it: a 🎉 on its own
announcement, `copbot++` and `/kudos @copbot` are all refused as kudos to a bot (console, SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from tests.features.test_kudos import leaderboard_names

pytestmark = pytest.mark.asyncio


async def kudos_given(console) -> int:
    async with console.app.core.uow_factory() as uow:
        community = await uow.communities.by_binding("console", "local")
        counts = [s.count for s in await uow.kudos.standings(community.id, since=None, tag_id=None, given=True,
                                                             limit=100)]
    return sum(counts)


async def test_a_reaction_on_the_bots_own_announcement_gives_no_kudos(console):
    out = await console.say(":as alice", "/kudos @bob thanks for the audit")
    announcement = re.search(r"\[(m\d+)\] \(#general\) copbot: 🎉", out)[1]
    out = await console.say(":as carol", f":react tada {announcement}")
    assert "is a bot" in out  # the one wording check: carol is told why, only her
    assert await kudos_given(console) == 1
    assert await leaderboard_names(console) == ["bob"]


async def test_plus_plus_and_the_command_refuse_kudos_to_the_bot(console):
    await console.say(":as alice", "@copbot++ for the reminders", "/kudos @copbot thanks")
    assert await kudos_given(console) == 0
    assert await leaderboard_names(console) == []


async def test_the_first_person_still_owns_a_console_community_the_bot_was_recorded_in_first(console):
    await console.say(":as alice", "/help")
    out = await console.say("/kudos void 1 test")  # a manager's command: alice owns the community
    assert "Only a manager" not in out
