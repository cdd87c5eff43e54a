"""Kudos end to end through the console adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.asyncio


async def leaderboard_names(console, args: str = "") -> list[str]:
    out = await console.say(f"/leaderboard {args}".strip())
    return re.findall(r"^\d+\. (.+?) — \d+$", out, flags=re.MULTILINE)


async def test_the_readme_script_puts_bob_first(console):
    out = await console.script("""
        :as alice
        /kudos @bob thanks for the audit #seo
        :as carol
        /kudos @bob great talk
        /leaderboard
    """)
    assert "alice gave kudos to bob: thanks for the audit #seo" in out
    assert re.search(r"^1\. bob — 2$", out, flags=re.MULTILINE)


async def test_the_sixth_kudos_of_a_day_is_refused_and_changes_nothing(console):
    people = ["p1", "p2", "p3", "p4", "p5", "p6"]
    await console.say(":as alice", *(f"/kudos @{p} thanks" for p in people[:5]))
    out = await console.say("/kudos @p6 thanks")
    assert "only alice sees this" in out and "5 kudos a day" in out and "Nothing was given" in out
    assert sorted(await leaderboard_names(console)) == people[:5]


async def test_a_command_over_the_allowance_is_refused_whole(console):
    await console.say(":as alice", "/kudos @a @b @c thanks")
    out = await console.say("/kudos @d @e @f thanks")
    assert "have 2 left today; this needs 3" in out
    assert sorted(await leaderboard_names(console)) == ["a", "b", "c"]


async def test_the_allowance_is_per_calendar_day_in_the_community_zone(console, clock):
    await console.say(":as alice", *(f"/kudos @p{i} thanks" for i in range(5)))
    assert "5 kudos a day" in await console.say("/kudos @p9 thanks")
    clock.advance(hours=14)  # 10:00 UTC Monday -> 00:00 UTC Tuesday: a new day in UTC
    assert "gave kudos to p9" in await console.say("/kudos @p9 thanks")


async def test_the_pair_cap_limits_kudos_to_one_person_per_day(console):
    await console.say(":as alice", "/kudos @bob one", "/kudos @bob two")
    out = await console.say("/kudos @bob three")
    assert "already given bob 2 kudos today" in out
    assert re.search(r"^1\. bob — 2$", await console.say("/leaderboard"), flags=re.MULTILINE)


async def test_no_self_kudos_and_no_kudos_to_bots(console):
    await console.say(":as alice")
    assert "can't give kudos to yourself" in await console.say("/kudos @alice me")
    assert "is a bot" in await console.say("/kudos @copbot thanks robot")
    assert await leaderboard_names(console) == []


async def test_undo_works_within_a_minute_only(console, clock):
    await console.say(":as alice", "/kudos @bob thanks")
    clock.advance(seconds=30)
    assert "Undone: your kudos to bob" in await console.say("/kudos undo")
    assert await leaderboard_names(console) == []
    await console.say("/kudos @carol thanks")
    clock.advance(seconds=61)
    assert "nothing to undo" in await console.say("/kudos undo")
    assert await leaderboard_names(console) == ["carol"]


async def test_kudos_by_plus_plus_in_a_message(console):
    out = await console.say(":as alice", "@bob++ for the keyword research #seo")
    assert "alice gave kudos to bob: the keyword research #seo" in out
    assert await leaderboard_names(console, "#seo") == ["bob"]


async def test_kudos_by_reaction_and_undo_by_removing_it(console, clock):
    await console.say(":as bob", "here is my audit checklist")
    message_id = re.search(r"\[(m\d+)\]", console.printed[-1])[1]
    out = await console.say(":as alice", f":react tada {message_id}")
    assert "alice gave kudos to bob" in out
    assert await console.say(f":react 🎉 {message_id}") == ""  # one kudos per message per giver
    assert await leaderboard_names(console) == ["bob"]
    clock.advance(seconds=10)
    assert "Undone" in await console.say(f":unreact tada {message_id}")
    assert await leaderboard_names(console) == []


async def test_a_reaction_with_another_emoji_gives_nothing(console):
    await console.say(":as bob", "hello")
    message_id = re.search(r"\[(m\d+)\]", console.printed[-1])[1]
    assert await console.say(":as alice", f":react thumbsup {message_id}") == ""


async def test_managers_void_a_kudos_and_it_stops_counting(console):
    await console.say(":as owner", "/kudos @bob thanks")  # the console's first member owns the community
    await console.say(":as alice", "/kudos @bob thanks too")
    assert "Only a manager" in await console.say("/kudos void 1 spam")
    out = await console.say(":as owner", "/kudos void 2 given by mistake")
    assert "Kudos #2 is void" in out
    assert "already withdrawn" in await console.say("/kudos void 2 again")
    assert re.search(r"^1\. bob — 1$", await console.say("/leaderboard"), flags=re.MULTILINE)


async def test_leaderboard_ties_go_to_whoever_reached_the_total_first(console, clock):
    await console.say(":as alice", "/kudos @zed thanks")
    clock.advance(minutes=1)
    await console.say("/kudos @amy thanks")
    assert await leaderboard_names(console) == ["zed", "amy"]


async def test_leaderboard_periods_given_and_opt_out(console, clock):
    await console.say(":as alice", "/kudos @bob thanks #seo")
    clock.advance(days=40)
    await console.say(":as carol", "/kudos @dan thanks")
    assert await leaderboard_names(console, "month") == ["dan"]
    assert await leaderboard_names(console, "all") == ["bob", "dan"]
    assert await leaderboard_names(console, "all given") == ["alice", "carol"]
    assert await leaderboard_names(console, "all #seo") == ["bob"]
    await console.say(":as bob", "/leaderboard optout")
    assert await leaderboard_names(console, "all") == ["dan"]


async def test_profile_counts_tags_and_streak(console, clock):
    await console.say(":as alice", "/kudos @bob thanks #seo")
    clock.advance(weeks=1)
    await console.say("/kudos @bob again #seo #links")
    out = await console.say("/profile @bob")
    assert "Profile of bob" in out
    assert "Kudos received: 1 this week, 2 in all" in out
    assert "#seo (2)" in out and "#links (1)" in out
    assert "2 weeks in a row" in out


async def test_restarting_keeps_every_kudos(store_url, clock):
    from adapters.app.bootstrap import build
    from tests.conftest import make_config
    from tests.fakes.console import ConsoleDriver

    first = await build(make_config(store_url), clock=clock)
    await ConsoleDriver(first).say(":as alice", "/kudos @bob thanks", ":as carol", "/kudos @bob me too")
    await first.close()
    second = await build(make_config(store_url), clock=clock)
    try:
        out = await ConsoleDriver(second).say("/leaderboard")
        assert re.search(r"^1\. bob — 2$", out, flags=re.MULTILINE)
    finally:
        await second.close()


@pytest.mark.parametrize("line, expected", [
    ("/kudos", "Please add who to thank"),
    ("/kudos @bob", "Please add a reason"),
    ("/kudos bob thanks", "Please add who to thank"),
    ("/kudos @bob " + "x" * 10_000, "under 500 characters (this one has 10000)"),
    ("/kudos @a @b @c @d @e @f thanks", "at most 5"),
    ("/kudos @everyone thanks", "not to everyone at once"),
    ("/kudos void x spam", "isn't a number"),
    ("/frobnicate", "I don't know the command /frobnicate"),
    ("/leaderboard yesterday", "I didn't understand 'yesterday'"),
    ("/timezone Mars/Base", "I don't know the time zone 'Mars/Base'"),
])
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(console, line, expected):
    out = await console.say(":as owner", ":as alice", line)
    assert expected in out and "only alice sees this" in out
    assert "Traceback" not in out
    assert await leaderboard_names(console, "all") == []


async def test_mass_mentions_in_a_reason_are_never_live(console):
    out = await console.say(":as alice", "/kudos @bob thanks @everyone and @here and @channel")
    assert "gave kudos to bob" in out
    for live in ("@everyone", "@here", "@channel"):
        assert live not in out
    assert "@\u200beveryone" in out


async def test_emoji_right_to_left_text_and_control_characters(console):
    out = await console.say(":as alice", "/kudos @bob شكرا جزيلا 🎉\x07\x1b[31m")
    assert "شكرا جزيلا 🎉" in out and "\x07" not in out and "\x1b" not in out


async def test_one_person_named_twice_is_one_receiver_and_keeps_their_name(console):
    await console.say(":as carol", "/kudos @bob one")
    out = await console.say("/kudos @bob <@bob|b> double")
    assert "carol gave kudos to bob: double (kudos #2)" in out
    assert "already given bob 2 kudos today" in await console.say("/kudos @bob three")
    assert re.search(r"^1\. bob — 2$", await console.say("/leaderboard"), flags=re.MULTILINE)


async def test_console_mentions_ignore_case(console):
    await console.say(":as carol")
    assert "can't give kudos to yourself" in await console.say("/kudos @Carol me")
    await console.say("/kudos @Bob thanks", "/kudos @bob again")
    assert re.search(r"^1\. Bob — 2$|^1\. bob — 2$", await console.say("/leaderboard"), flags=re.MULTILINE)


async def test_a_number_in_another_script_is_refused_not_a_crash(console):
    out = await console.say(":as owner", "/kudos void ² spam")
    assert "isn't a number" in out and "went wrong" not in out


async def test_kudos_at_the_same_instant_from_one_giver_still_respect_the_allowance(console):
    import asyncio

    from bot.core import Invocation
    from bot.identity import MemberRef, Person, Place

    await console.say(":as owner", "/settings kudos_daily_allowance 1", ":as alice", "/help")
    alice = Person(MemberRef("console", "local", "alice"), "alice")
    place = Place("console", "local", "general", workspace_name="Local community")
    for name in ("p0", "p1", "p2", "p3"):  # members first, so the race is only about the allowance
        await console.say(f":as {name}", "/help")
    replies = await asyncio.gather(*(console.app.core.handle(Invocation(alice, place, f"kudos <@p{i}> thanks"))
                                     for i in range(4)))
    assert sum("gave kudos" in r.text for r in replies) == 1, [r.text for r in replies]
