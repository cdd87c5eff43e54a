"""Kudos rules that hold wherever a name sits in the command, and undoing a reaction kudos in time only.

Every test asserts the kudos rows in the store (on SQLite and PostgreSQL), not the reply's words."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

KUDOS_ROWS = text("""
    SELECT g.name, r.name, k.revoked_at IS NULL FROM kudos k
    JOIN members g ON g.id = k.giver_id JOIN members r ON r.id = k.receiver_id ORDER BY k.id""")


async def kudos_rows(console) -> list[tuple[str, str, bool]]:
    """(giver, receiver, still counts) for every kudos ever recorded, oldest first."""
    async with console.app.engine.connect() as connection:
        return [(giver, receiver, bool(live)) for giver, receiver, live in await connection.execute(KUDOS_ROWS)]


def last_message_id(console) -> str:
    return re.search(r"\[(m\d+)\]", console.printed[-1])[1]


# Several receivers: a rule broken by any one of them refuses the whole command ----------------------


@pytest.mark.parametrize("line", [
    "/kudos @bob @alice thanks",          # herself, second
    "/kudos @bob @carol @alice thanks",   # herself, last
    "/kudos @bob @copbot thanks",         # a bot, second
    "/kudos @bob @carol @copbot thanks",  # a bot, last
])
async def test_a_refused_name_after_the_first_refuses_the_whole_command(console, line):
    await console.say(":as bob", "/help", ":as carol", "/help")  # the receivers exist and are members
    out = await console.say(":as alice", line)
    assert "only alice sees this" in out
    assert await kudos_rows(console) == []


async def test_a_member_who_left_named_after_the_first_refuses_the_whole_command(console):
    await console.say(":as dan", "/help", ":leave dan")
    await console.say(":as alice", "/kudos @bob @dan thanks")
    assert await kudos_rows(console) == []


async def test_the_pair_cap_on_a_later_name_refuses_the_whole_command(console):
    await console.say(":as alice", "/kudos @bob one", "/kudos @bob two")
    await console.say("/kudos @carol @bob three")
    assert await kudos_rows(console) == [("alice", "bob", True), ("alice", "bob", True)]


async def test_the_pair_cap_is_per_giver(console):
    await console.say(":as alice", "/kudos @bob one", "/kudos @bob two", ":as carol", "/kudos @bob three")
    assert [row[:2] for row in await kudos_rows(console)][-1] == ("carol", "bob")


async def test_a_valid_command_to_several_people_gives_each_one_kudos(console):
    await console.say(":as alice", "/kudos @bob @carol thanks")
    assert await kudos_rows(console) == [("alice", "bob", True), ("alice", "carol", True)]


async def test_self_kudos_by_plus_plus_gives_nothing(console):
    await console.say(":as alice", "@bob++ @alice++ for the help")
    assert await kudos_rows(console) == []


async def test_the_allowance_counts_only_kudos_that_still_count(console):
    await console.say(":as owner", "/settings kudos_daily_allowance 2", ":as alice", "/kudos @bob @carol thanks",
                      "/kudos undo", "/kudos @dan @erin thanks")
    assert [row for row in await kudos_rows(console) if row[2]] == [("alice", "dan", True), ("alice", "erin", True)]


# Reactions: removing one undoes its kudos within the undo window only --------------------------------


async def react_then_unreact(console, clock, seconds: float, *, emoji: str = "tada") -> str:
    await console.say(":as bob", "my audit checklist")
    message_id = last_message_id(console)
    await console.say(":as alice", f":react tada {message_id}")
    clock.advance(seconds=seconds)
    await console.say(f":unreact {emoji} {message_id}")
    return message_id


@pytest.mark.parametrize("seconds, counts", [(10, False), (59, False), (61, True), (3600, True)])
async def test_removing_the_reaction_undoes_the_kudos_only_within_60_seconds(console, clock, seconds, counts):
    await react_then_unreact(console, clock, seconds)
    assert await kudos_rows(console) == [("alice", "bob", counts)]


async def test_removing_another_emoji_or_someone_elses_reaction_undoes_nothing(console, clock):
    message_id = await react_then_unreact(console, clock, 5, emoji="thumbsup")
    await console.say(":as carol", f":unreact tada {message_id}")
    assert await kudos_rows(console) == [("alice", "bob", True)]


async def test_removing_the_reaction_keeps_a_kudos_given_by_command(console, clock):
    await console.say(":as bob", "my audit checklist")
    message_id = last_message_id(console)
    await console.say(":as alice", "/kudos @bob thanks")
    clock.advance(seconds=5)
    await console.say(f":unreact tada {message_id}")
    assert await kudos_rows(console) == [("alice", "bob", True)]


async def test_the_undo_window_follows_the_setting(console, clock):
    await console.say(":as owner", "/settings kudos_undo_seconds 300")
    await react_then_unreact(console, clock, 200)
    assert await kudos_rows(console) == [("alice", "bob", False)]


async def test_the_undo_command_takes_back_the_whole_last_command_only(console, clock):
    await console.say(":as alice", "/kudos @dan first")
    clock.advance(seconds=5)
    await console.say("/kudos @bob @carol thanks")
    clock.advance(seconds=59)
    await console.say("/kudos undo")
    assert await kudos_rows(console) == [("alice", "dan", True), ("alice", "bob", False), ("alice", "carol", False)]


async def test_the_undo_command_at_61_seconds_takes_back_nothing(console, clock):
    await console.say(":as alice", "/kudos @bob thanks")
    clock.advance(seconds=61)
    await console.say("/kudos undo")
    assert await kudos_rows(console) == [("alice", "bob", True)]


async def test_one_giver_cannot_undo_anothers_kudos(console, clock):
    await console.say(":as alice", "/kudos @bob thanks", ":as carol", "/kudos undo")
    assert await kudos_rows(console) == [("alice", "bob", True)]
