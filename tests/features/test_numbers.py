"""Kudos and meetups are numbered per community: a second community's first kudos and first meetup are #1 too,
and `/kudos void N`, `/meetup show N` and `/meetup cancel N` act on that community's own #N (SQLite, PostgreSQL).

One community is the console; the other a Slack workspace, driven through the core as Slack's adapter does."""

from __future__ import annotations

import re

import pytest

from bot.core import Invocation
from bot.identity import MemberRef, Person, Place, Role
from tests.features.test_kudos import leaderboard_names

pytestmark = pytest.mark.asyncio

SLACK = Place("slack", "T0OTHER", "C1", workspace_name="Other guild")
ANN = Person(MemberRef("slack", "T0OTHER", "U0ANN"), "ann", platform_role=Role.OWNER)  # the workspace owner
RAJ = Person(MemberRef("slack", "T0OTHER", "U0RAJ"), "raj")


async def on_slack(console, line: str, who: Person = ANN) -> str:
    reply = await console.app.core.handle(Invocation(who, SLACK, line, (ANN, RAJ)))
    return "\n".join([reply.text, *(s.text for s in reply.sections)])


async def slack_leaderboard(console) -> list[str]:
    return re.findall(r"^\d+\. (.+?) — \d+$", await on_slack(console, "leaderboard"), flags=re.MULTILINE)


def numbers(text: str) -> list[str]:
    return re.findall(r"\(kudos (#\d+(?:, #\d+)*)\)", text)


async def test_each_community_counts_its_kudos_from_one_and_void_acts_on_its_own(console):
    console_out = await console.say(":as owner", "/kudos @bob thanks", "/kudos @carol @dan thanks")
    slack_out = await on_slack(console, "kudos <@U0RAJ|raj> thanks")
    assert numbers(console_out) == ["#1", "#2, #3"]
    assert numbers(slack_out) == ["#1"]

    await console.say("/kudos void 1 given by mistake")  # the console's #1: bob's
    assert sorted(await leaderboard_names(console)) == ["carol", "dan"]
    assert await slack_leaderboard(console) == ["raj"]  # Slack's #1 still counts
    await on_slack(console, "kudos void 1 test")
    assert await slack_leaderboard(console) == []
    assert sorted(await leaderboard_names(console)) == ["carol", "dan"]


async def test_each_community_counts_its_meetups_from_one_and_show_and_cancel_act_on_its_own(console):
    console_out = await console.say(":as owner", '/meetup create "Console clinic" tomorrow 18:00')
    slack_out = await on_slack(console, 'meetup create "Slack standup" tomorrow 9am')
    assert "New meetup #1: Console clinic" in console_out and "New meetup #1: Slack standup" in slack_out

    await on_slack(console, "meetup cancel 1")
    assert "Console clinic" in await console.say("/meetup list")
    assert "was cancelled" not in await console.say("/meetup show 1")
    assert "Slack standup" not in await on_slack(console, "meetup list")
    second = await console.say('/meetup create "Console retro" tomorrow 19:00')
    assert "New meetup #2: Console retro" in second


async def test_kudos_given_at_the_same_instant_by_different_people_get_different_numbers(console):
    import asyncio

    givers = [Person(MemberRef("slack", "T0OTHER", f"U0G{i}"), f"giver{i}") for i in range(4)]
    for giver in givers:  # members first, so the race is only about numbering
        await console.app.core.handle(Invocation(giver, SLACK, "help"))
    replies = await asyncio.gather(*(console.app.core.handle(Invocation(g, SLACK, "kudos <@U0RAJ|raj> thanks",
                                                                        (RAJ,))) for g in givers))
    assert sorted(n for r in replies for n in numbers(r.text)) == ["#1", "#2", "#3", "#4"]
