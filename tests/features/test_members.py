"""Communities, roles, time zones, settings and erasure."""

from __future__ import annotations

import re

import pytest

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig, SlackConfig
from bot.core import Invocation
from bot.events import MemberJoined, MemberLeft
from bot.identity import MemberRef, Person, Place, Role
from bot.reply import Visibility
from tests.conftest import make_config


def slack_person(user: str, role: Role = Role.MEMBER, team: str = "T1", name: str | None = None) -> Person:
    return Person(MemberRef("slack", team, user), name or user.lower(), platform_role=role)


def slack_place(team: str = "T1") -> Place:
    return Place("slack", team, "C1", workspace_name=f"Team {team}")


async def run(app, person: Person, line: str, team: str = "T1"):
    return await app.core.handle(Invocation(person, slack_place(team), line))


async def test_the_first_event_from_an_unknown_workspace_creates_its_community(app):
    await run(app, slack_person("U1"), "help")
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_binding("slack", "T1")
    assert community.name == "Team T1" and community.zone == "UTC"


async def test_allowed_workspaces_refuse_others_politely_and_store_nothing(store_url, clock):
    app = await build(make_config(store_url, slack=SlackConfig(allowed_workspaces=["T1"])), clock=clock)
    try:
        reply = await run(app, slack_person("U1", team="T9"), "kudos <@U2> thanks", team="T9")
        assert reply.visibility is Visibility.EPHEMERAL and "only serves" in reply.text
        await app.core.handle_event(MemberJoined(slack_person("U3", team="T9"), slack_place("T9"), "Ev1"))
        async with app.core.uow_factory() as uow:
            assert await uow.communities.all() == []
        assert "gave kudos" in (await run(app, slack_person("U1"), "kudos <@U2> thanks")).text
    finally:
        await app.close()


async def test_roles_come_from_config_platform_and_grants(store_url, clock):
    config = make_config(store_url, communities=[CommunityConfig(name="SEO", slack=["T1"],
                                                                  owners=["slack:T1:UOWNER"])])
    app = await build(config, clock=clock)
    try:
        member, admin, owner = slack_person("UM"), slack_person("UA", Role.MANAGER), slack_person("UOWNER")
        assert "Only a manager" in (await run(app, member, "role grant <@UX> champion")).text
        assert "is now champion" in (await run(app, owner, "role grant <@UM> champion")).text
        assert "is now manager" in (await run(app, admin, "role grant <@UX> manager")).text
        # The champion may now do champion things but not manager things.
        assert "Only a manager" in (await run(app, member, "settings")).text
        # A grant never lowers what the platform says: revoking leaves a workspace admin a manager.
        await run(app, owner, "role grant <@UA> manager")
        reply = await run(app, owner, "role revoke <@UA> manager")
        assert "stays manager" in reply.text
        assert "Settings of SEO" in (await run(app, admin, "settings")).text
        assert "nothing to revoke" in (await run(app, owner, "role revoke <@UM> manager")).text
    finally:
        await app.close()


async def test_on_the_console_the_first_member_owns_the_community(console):
    await console.say(":as founder", "/help")
    assert "Settings of" in await console.say("/settings")
    assert "Only a manager" in await console.say(":as newbie", "/settings")


async def test_timezone_is_set_and_bad_zones_are_refused(console):
    assert "Your time zone is now Europe/Berlin" in await console.say(":as alice", "/timezone Europe/Berlin")
    assert "I don't know the time zone" in await console.say("/timezone Berlin")


async def test_settings_change_in_chat_and_bad_values_change_nothing(console):
    await console.say(":as owner")
    assert "kudos_daily_allowance is now 1" in await console.say("/settings kudos_daily_allowance 1")
    assert "doesn't work for kudos_daily_allowance" in await console.say("/settings kudos_daily_allowance 0")
    assert "There is no setting 'colour'" in await console.say("/settings colour blue")
    await console.say("/kudos @bob thanks")
    assert "1 kudos a day" in await console.say("/kudos @carol thanks")
    assert "zone is now Asia/Tokyo" in await console.say("/settings zone Asia/Tokyo")
    assert "Asia/Tokyo" in await console.say("/settings")


async def test_the_leaderboard_counts_the_day_in_the_community_zone(console, clock):
    from datetime import UTC, datetime

    await console.say(":as owner", "/settings zone Asia/Tokyo", "/settings kudos_daily_allowance 1")
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
    await console.say("/kudos @bob thanks")
    clock.set(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))  # 00:30 the next day in Tokyo, same day in UTC
    assert "gave kudos to carol" in await console.say("/kudos @carol thanks")


async def test_the_kudos_channel_gets_the_announcement(console):
    await console.say(":as owner", "/settings kudos_channel kudos")
    out = await console.say(":as alice", "/kudos @bob thanks")
    assert "only alice sees this" in out and "announced in the kudos channel" in out
    assert re.search(r"\(#kudos\) copbot: 🎉 alice gave kudos to bob", out)


async def test_a_member_who_leaves_drops_out_of_leaderboards(app, console):
    await console.say(":as alice", "/kudos @bob thanks", "/kudos @carol thanks")
    await console.say(":leave bob")
    out = await console.say("/leaderboard")
    assert "carol" in out and "bob" not in out.split("received", 1)[1]
    await console.say(":join bob")
    assert "bob" in (await console.say("/leaderboard")).split("received", 1)[1]


async def test_erasing_a_member_keeps_anonymous_counts(console):
    await console.say(":as owner", "/help", ":as alice", "/kudos @bob thanks for everything", ":as bob",
                      "/kudos @carol ok")
    assert "Only a manager" in await console.say(":as alice", "/member erase @bob")
    out = await console.say(":as owner", "/member erase @bob")
    assert "Erased" in out
    board = await console.say("/leaderboard all given")
    assert "alice — 1" in board and "bob" not in board.split("given", 1)[1]
    assert "carol — 1" in await console.say("/leaderboard all")  # what bob gave still counts, anonymously
    async with console.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        assert await uow.members.by_name(community.id, "console", "bob") == []


async def test_platform_events_are_processed_once_per_event_id(app):
    joined = MemberJoined(slack_person("U5"), slack_place(), "Ev-join-1")
    await app.core.handle_event(joined)
    await app.core.handle_event(MemberLeft(slack_person("U5"), slack_place(), "Ev-left-1"))
    await app.core.handle_event(joined)  # a retry of the first delivery: ignored
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_binding("slack", "T1")
        member = await uow.members.find(community.id, MemberRef("slack", "T1", "U5"))
    assert member.left_at is not None


@pytest.mark.parametrize("name", ["@everyone", "<!channel>", "bob @here"])
async def test_display_names_never_carry_live_mass_mentions(app, name):
    reply = await run(app, slack_person("U1"), f"kudos <@U2|{name}> thanks")
    assert "gave kudos" in reply.text
    assert "@everyone" not in reply.text and "<!channel>" not in reply.text and "@here" not in reply.text


async def test_a_channel_setting_can_name_its_platform_for_a_community_on_both(store_url, clock):
    from bot.settings import channel_here

    assert channel_here("C9", "discord", "G1") == "C9"
    assert channel_here("slack:C9", "discord", "G1") is None
    assert channel_here("slack:T1:C9", "slack", "T2") is None
    assert channel_here("slack:T1:C9", "slack", "T1") == "C9"

    config = make_config(store_url, communities=[CommunityConfig(
        name="Both", slack=["T1"], discord=["G1"], settings={"kudos_channel": "slack:CKUDOS"})])
    app = await build(config, clock=clock)
    try:
        on_discord = await app.core.handle(Invocation(
            Person(MemberRef("discord", "G1", "42"), "ann"), Place("discord", "G1", "100"), "kudos <@43> thanks"))
        assert on_discord.visibility is Visibility.PUBLIC and "gave kudos" in on_discord.text
        on_slack = await run(app, slack_person("U1"), "kudos <@U2> thanks")
        assert "announced in the kudos channel" in on_slack.text
        async with app.core.uow_factory() as uow:
            queued = await uow.outbox.claim_due(clock.now(), 60, 10)
        assert [item.payload["target"]["channel"]["channel_id"] for item in queued] == ["CKUDOS"]
        assert queued[0].payload["target"]["channel"]["platform"] == "slack"
    finally:
        await app.close()


def test_a_channel_setting_lists_one_channel_per_place_and_the_most_specific_applies():
    from bot.settings import channel_here, channels_everywhere

    value = "C1 slack:C2 slack:T2:C3 discord:42"
    assert [channel_here(value, *place) for place in [("slack", "T1"), ("slack", "T2"), ("discord", "G"),
                                                      ("console", "local")]] == ["C2", "C3", "42", "C1"]
    assert channels_everywhere("slack:C2 discord:42", [("slack", "T1"), ("discord", "G1"), ("console", "x")]) == [
        ("slack", "T1", "C2"), ("discord", "G1", "42")]


async def test_a_channel_typed_on_one_platform_is_that_platforms_and_the_other_keeps_its_own(store_url, clock):
    config = make_config(store_url, communities=[CommunityConfig(
        name="Both", slack=["T1"], discord=["G1"], owners=["slack:T1:U1", "discord:G1:42"],
        settings={"questions_channel": "CQ"})])
    app = await build(config, clock=clock)
    try:
        await run(app, slack_person("U1"), "settings questions_channel <#CQA|qa>")
        await app.core.handle(Invocation(Person(MemberRef("discord", "G1", "42"), "ann"), Place("discord", "G1", "100"),
                                         "settings questions_channel <#777>"))
        async with app.core.uow_factory() as uow:
            stored = (await uow.communities.by_name("Both")).settings.questions_channel
        assert sorted(stored.split()) == ["discord:G1:777", "slack:T1:CQA"]
        await run(app, slack_person("U1"), "settings questions_channel none")
        async with app.core.uow_factory() as uow:
            assert (await uow.communities.by_name("Both")).settings.questions_channel == "discord:G1:777"
    finally:
        await app.close()


async def test_a_manager_cannot_erase_an_owner(console):
    await console.say(":as founder", "/help", ":as mia", "/help", ":as founder", "/role grant @mia manager")
    assert "higher role than yours" in await console.say(":as mia", "/member erase @founder")
    assert "Settings of" in await console.say(":as founder", "/settings")


@pytest.mark.parametrize("typed, stored", [("<#C123|kudos>", "C123"), ("#kudos", "kudos"), ("slack:C9", "slack:C9"),
                                          ("slack:<#C1|a> discord:<#42>", "slack:C1 discord:42")])
def test_channel_settings_store_the_channel_id(typed, stored):
    from bot.features.catalog import CommunitySettings

    assert CommunitySettings(kudos_channel=typed).kudos_channel == stored
    assert CommunitySettings(intro_channel=typed).intro_channel == stored
