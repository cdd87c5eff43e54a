"""Kudos rules that hold wherever a name sits in the command, and undoing a reaction kudos in time only.

Every test asserts the kudos rows in the store (on SQLite and PostgreSQL), not the reply's words."""

from __future__ import annotations

import json
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
    out = await console.say(":as alice", "/kudos @bob @carol thanks #seo #links")
    assert "alice gave kudos to bob, carol: thanks #seo #links (kudos #1, #2)" in out
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


# What each kind of kudos records, and what taking one back records -----------------------------------------

DETAILS = text("SELECT source, reason, message_id, revoke_kind, revoke_reason FROM kudos ORDER BY id")


async def details(console) -> list[tuple]:
    async with console.app.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(DETAILS)]


async def test_each_way_of_giving_records_its_source_message_and_reason(console):
    await console.say(":as alice", "/kudos @bob for the audit")
    await console.say("@carol++ for the slides")
    plus_plus = re.search(r"\[(m\d+)\] \(#general\) alice: @carol\+\+", "\n".join(console.printed))[1]
    await console.say(":as dan", "my notes")
    notes = last_message_id(console)
    await console.say(":as alice", f":react tada {notes}")
    assert await details(console) == [
        ("command", "for the audit", None, None, None),
        ("message", "the slides", plus_plus, None, None),
        ("reaction", "", notes, None, None),
    ]
    assert console.last.endswith("copbot: 🎉 alice gave kudos to dan (kudos #3)")  # a reaction has no reason


async def test_undo_void_and_a_removed_reaction_record_how_the_kudos_was_taken_back(console, clock):
    await console.say(":as owner", "/help", ":as bob", "my notes")
    notes = last_message_id(console)
    await console.say(":as alice", "/kudos @bob @carol thanks")
    assert "Undone: your kudos to bob, carol." in await console.say("/kudos undo")
    await console.say(f":react tada {notes}", f":unreact tada {notes}", "/kudos @dan thanks")
    await console.say(":as owner", "/kudos void 4 given by mistake")
    assert [row[3:] for row in await details(console)] == [
        ("undo", "undone by the giver"), ("undo", "undone by the giver"), ("undo", "reaction removed"),
        ("void", "given by mistake")]
    async with console.app.engine.connect() as connection:
        by = (await connection.execute(text(
            "SELECT m.name FROM kudos k JOIN members m ON m.id = k.revoked_by_id ORDER BY k.id"))).scalars().all()
    assert by == ["alice", "alice", "alice", "owner"]
    async with console.app.engine.connect() as connection:
        audit = (await connection.execute(text("SELECT action, detail FROM audit_log WHERE action LIKE 'kudos%'"))).all()
    assert [(action, json.loads(d) if isinstance(d, str) else d) for action, d in audit] == [
        ("kudos.void", {"kudos_id": 4, "number": 4, "reason": "given by mistake"})]


async def test_the_refusals_for_undo_and_void_say_what_to_do(console):
    assert "nothing to undo: kudos can be undone within 60 seconds of giving them." in await console.say(
        ":as owner", "/kudos undo")
    assert "There is no kudos #7 in this community." in await console.say("/kudos void 7 spam")


async def test_plus_plus_takes_at_most_five_people(console):
    await console.say(":as alice", "@a++ @b++ @c++ @d++ @e++ for the meetup")
    assert len(await kudos_rows(console)) == 5
    out = await console.say(":as carol", "@a++ @b++ @c++ @d++ @e++ @f++ for the meetup")
    assert "Kudos go to at most 5 people at once." in out
    assert len(await kudos_rows(console)) == 5


async def test_plus_plus_with_an_overlong_reason_is_refused_and_names_the_reason(console):
    out = await console.say(":as alice", "@bob++ " + "x" * 600)
    assert "Please keep the reason under 500 characters" in out
    assert await kudos_rows(console) == []


async def test_plus_plus_to_a_bot_the_platform_names_gives_nothing(console):
    await console.say(":as alice", "@copbot++ for the reminders")  # copbot is not a member yet: the event says bot
    assert await kudos_rows(console) == []


async def test_emoji_names_in_colons_count_for_adding_and_removing(app, clock):
    from bot.events import MessagePosted, ReactionAdded, ReactionRemoved
    from bot.identity import MemberRef, Person, Place

    alice, bob = Person(MemberRef("slack", "T1", "UA"), "alice"), MemberRef("slack", "T1", "UB")
    place = Place("slack", "T1", "C1", "1700000000.1", workspace_name="Team")
    await app.core.handle_event(MessagePosted(Person(bob, "bob"), place, "Ev0", text="my notes"))
    await app.core.handle_event(ReactionAdded(alice, place, "Ev1", emoji=":tada:", message_author=bob))
    async with app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM kudos WHERE revoked_at IS NULL"))).scalar() == 1
    clock.advance(seconds=5)
    await app.core.handle_event(ReactionRemoved(alice, place, "Ev2", emoji=":tada:", message_author=bob))
    async with app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM kudos WHERE revoked_at IS NULL"))).scalar() == 0


# Refusals of the daily rules: the words, once each, and the edges of the counts -----------------------------


async def test_each_refusal_of_a_receiver_says_why(console):
    await console.say(":as dan", "/help", ":leave dan")
    await console.say(":as alice")
    assert "copbot: You can't give kudos to yourself, but thank you for being here!" in await console.say(
        "/kudos @bob @alice thanks")
    assert "dan is no longer a member of this community." in await console.say("/kudos @bob @dan thanks")
    await console.say("/kudos @bob one", "/kudos @bob two")
    assert ("You have already given bob 2 kudos today, the most for one person in a day. Nothing was given."
            in await console.say("/kudos @bob three"))


async def test_with_the_allowance_used_up_none_is_left(console):
    await console.say(":as alice", *(f"/kudos @p{i} thanks" for i in range(5)))
    assert "have 0 left today; this needs 1" in await console.say("/kudos @p9 thanks")


async def test_a_pair_cap_of_one_allows_one_kudos_per_person_a_day(console):
    await console.say(":as owner", "/settings kudos_pair_cap 1", ":as alice", "/kudos @bob one", "/kudos @bob two",
                      "/kudos @carol one")
    assert await kudos_rows(console) == [("alice", "bob", True), ("alice", "carol", True)]


async def test_a_kudos_channel_named_with_its_workspace_gets_the_announcement(console):
    await console.say(":as owner", "/settings kudos_channel console:local:kudos")
    out = await console.say(":as alice", "/kudos @bob thanks")
    assert re.search(r"\(#kudos\) copbot: 🎉 alice gave kudos to bob", out)
    async with console.app.engine.connect() as connection:
        payload = (await connection.execute(text("SELECT payload FROM outbox WHERE kind = 'message'"))).scalar_one()
    payload = json.loads(payload) if isinstance(payload, str) else payload
    assert payload["target"]["channel"]["workspace_id"] == "local"
