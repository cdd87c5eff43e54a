"""Rough edges a new member and a new manager hit in the first hour: names, typos, repeats, settings, zones.

Rules are checked on rows; a reply's wording is checked once per message, where it is the point."""

from __future__ import annotations

import pytest
from sqlalchemy import text


async def rows(console, sql: str, **params) -> list[tuple]:
    async with console.app.engine.connect() as connection:
        return [tuple(r) for r in await connection.execute(text(sql), params)]


async def member_names(console) -> set[str]:
    return {name for (name,) in await rows(console, "SELECT name FROM members")}


async def test_members_with_non_ascii_names_can_be_thanked_and_shown(console):
    await console.say(":as José", "/help", ":as ana", "/kudos @José gracias por todo")
    assert await rows(console, "SELECT m.name, k.reason FROM kudos k JOIN members m ON m.id = k.receiver_id") == [
        ("José", "gracias por todo")]
    profile = await console.say("/profile @josé")
    assert "Profile of José" in profile and "<@" not in profile


@pytest.mark.parametrize("line", ["/member erase @nosuchperson", "/role grant @nobody champion"])
async def test_privileged_commands_act_only_on_members_who_exist(console, line):
    await console.say(":as owner", "/help")
    before = await member_names(console)
    out = await console.say(line)
    assert "I don't know anyone called" in out
    assert await member_names(console) == before
    assert await rows(console, "SELECT action FROM audit_log") == []


async def test_granting_a_role_already_held_changes_nothing(console):
    await console.say(":as owner", "/help", ":as dana", "/help", ":as owner", "/role grant @dana champion")
    out = await console.say("/role grant @dana champion")
    assert "already champion" in out
    assert await rows(console, "SELECT action FROM audit_log") == [("role.grant",)]


async def test_opting_out_or_in_twice_says_so(console):
    await console.say(":as alice", "/kudos @bob thanks", ":as bob", "/leaderboard optout")
    assert "already off leaderboards" in await console.say("/leaderboard optout")
    assert await rows(console, "SELECT leaderboard_opt_out FROM members WHERE name = 'bob'") in ([(1,)], [(True,)])
    await console.say("/leaderboard optin")
    assert "already on leaderboards" in await console.say("/leaderboard optin")
    assert "1. bob — 1" in await console.say("/leaderboard")


async def test_dropping_an_interest_not_followed_says_so(console):
    await console.say(":as alice", "/kudos @bob thanks #seo #analytics", "/interests pick seo")
    await console.say("/interests drop seo")
    assert "nothing to drop" in await console.say("/interests drop seo")
    assert "nothing to drop" in await console.say("/interests drop analytics")


async def test_the_asker_sees_their_own_rank_below_the_top_ten(console):
    await console.say(":as owner", "/settings kudos_daily_allowance 100")
    for n in range(11):
        await console.say(f"/kudos @p{n} thanks", f"/kudos @p{n} thanks again")
    await console.say("/kudos @carol thanks")
    board = await console.say(":as carol", "/leaderboard")
    assert board.splitlines()[-2:] == ["…", "12. carol — 1"]
    assert "carol" not in await console.say(":as p0", "/leaderboard")


async def test_settings_read_as_words_and_show_what_was_stored(console):
    await console.say(":as owner", "/help")
    assert "welcome_enabled is on" in await console.say("/settings welcome_enabled")
    assert "kudos_channel is not set" in await console.say("/settings kudos_channel")
    assert "kudos_channel is now kudos." in await console.say("/settings kudos_channel #kudos")
    refused = await console.say("/settings kudos_daily_allowance lots")
    assert "use a whole number" in refused and "Input should" not in refused
    assert "use on or off" in await console.say("/settings welcome_enabled maybe")
    assert "use at least 1" in await console.say("/settings kudos_daily_allowance 0")
    settings = await console.say("/settings")
    assert "None" not in settings and "True" not in settings and "kudos_daily_allowance: 5 (" in settings


async def test_a_guidelines_link_must_be_a_web_link(console):
    await console.say(":as owner", "/help")
    assert "https://" in await console.say("/settings guidelines_link javascript:alert(1)")
    assert "guidelines_link is not set" in await console.say("/settings guidelines_link")
    assert "is now https://example.org/rules" in await console.say("/settings guidelines_link https://example.org/rules")


async def test_a_stored_setting_that_no_longer_validates_never_breaks_a_read(console):
    await console.say(":as owner", "/settings guidelines_link https://example.org/rules")
    async with console.app.engine.begin() as connection:
        await connection.execute(text("UPDATE communities SET settings = :s"),
                                 {"s": '{"guidelines_link": "javascript:alert(1)", "gone_key": 1, '
                                       '"kudos_daily_allowance": 3}'})
    assert "kudos_daily_allowance: 3 (" in await console.say("/settings")
    assert "1. bob — 1" in await console.say("/kudos @bob thanks", "/leaderboard")


async def test_zone_names_are_found_whatever_their_case(console):
    await console.say(":as owner", "/settings zone europe/berlin", ":as alice", "/timezone america/NEW_york")
    assert await rows(console, "SELECT zone FROM communities") == [("Europe/Berlin",)]
    assert await rows(console, "SELECT zone FROM members WHERE name = 'alice'") == [("America/New_York",)]
    assert "Your time zone is America/New_York" in await console.say("/timezone")
    assert "zone is Europe/Berlin" in await console.say(":as owner", "/settings zone")


@pytest.mark.parametrize("typed", ["localtime", "Factory", "Berlin", "Europe/Berln"])
async def test_zones_that_are_not_places_are_refused(console, typed):
    out = await console.say(":as alice", "/help", f"/timezone {typed}")
    assert "I don't know the time zone" in out
    assert await rows(console, "SELECT zone FROM members WHERE name = 'alice'") == [(None,)]
    if typed == "Europe/Berln":
        assert "Did you mean Europe/Berlin" in out


async def test_receivers_are_told_by_direct_message_when_the_community_wants_it(console):
    await console.say(":as owner", "/kudos @bob thanks for the audit")
    assert "DM to bob" not in "\n".join(console.printed)
    await console.say("/settings kudos_dm_receiver on")
    out = await console.say(":as carol", "/kudos @bob @dana great talk")
    assert {line.split("(DM to ")[1].split(")")[0] for line in out.splitlines() if "DM to" in line} == {"bob", "dana"}
    assert "gave you kudos: great talk" in out


async def test_your_own_profile_says_how_many_kudos_you_have_left_today(console):
    await console.say(":as owner", "/kudos @bob @carol thanks")
    assert "Kudos left today: 3 of 5" in await console.say("/profile")
    assert "Kudos left today" not in await console.say("/profile @bob")
