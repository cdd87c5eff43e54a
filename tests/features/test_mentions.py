"""Who a mention names (bot/people.py), through the core with Slack identities, on SQLite and PostgreSQL:
asserted on the members and kudos rows."""

from __future__ import annotations

from sqlalchemy import text

from bot.core import Invocation
from bot.identity import MemberRef, Person, Place, Role

TEAM = "T1"
PLACE = Place("slack", TEAM, "C1", workspace_name="Team")


def person(user: str, name: str | None = None, **facts) -> Person:
    return Person(MemberRef("slack", TEAM, user), name or user.lower(), **facts)


async def run(app, actor: Person, line: str, *people: Person):
    return await app.core.handle(Invocation(actor, PLACE, line, tuple(people)))


async def rows(app, sql: str) -> list[tuple]:
    async with app.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


RECEIVED = "SELECT r.user_id, r.name FROM kudos k JOIN members r ON r.id = k.receiver_id ORDER BY k.id"


async def test_a_bare_name_finds_the_one_member_of_that_name_whatever_the_case(app):
    await run(app, person("UBOB", "Bob"), "help")
    await run(app, person("UALICE"), "kudos @bob thanks")
    assert await rows(app, RECEIVED) == [("UBOB", "Bob")]


async def test_a_bare_name_nobody_has_or_two_people_share_gives_nothing(app):
    await run(app, person("UALICE"), "kudos @nobody thanks")
    await run(app, person("UB1", "sam"), "help")
    await run(app, person("UB2", "Sam"), "help")
    reply = await run(app, person("UALICE"), "kudos @sam thanks")
    assert reply.text == "More than one member is called @sam: pick them from the mention list."
    assert (await run(app, person("UALICE"), "kudos @nobody thanks")).text == (
        "I don't know anyone called @nobody here: pick them from the mention list.")
    assert await rows(app, RECEIVED) == []


async def test_what_the_platform_says_about_a_mention_wins_over_the_typed_label(app):
    await run(app, person("UALICE"), "kudos <@UBOB|typed> thanks", person("UBOB", "Robert"))
    assert await rows(app, RECEIVED) == [("UBOB", "Robert")]
    await run(app, person("UALICE"), "kudos <@UBOT|helper> thanks", person("UBOT", "helper", is_bot=True))
    assert len(await rows(app, RECEIVED)) == 1  # the platform says UBOT is a bot: no kudos


async def test_a_newcomer_is_named_by_the_label_or_else_the_id_and_a_known_member_keeps_their_name(app):
    await run(app, person("UALICE"), "kudos <@UNEW|newbie> <@UANON> thanks")
    await run(app, person("UCAROL"), "kudos <@UNEW|renamed> thanks")
    assert await rows(app, RECEIVED) == [("UNEW", "newbie"), ("UANON", "UANON"), ("UNEW", "newbie")]


async def test_a_mention_keeps_what_the_members_own_events_said(app):
    admin = person("UADMIN", "ann", platform_role=Role.MANAGER, zone="Europe/Berlin")
    await run(app, admin, "help")
    # A mention renames them (the platform said so) but must not lower their role nor lose their zone.
    await run(app, person("UALICE"), "kudos <@UADMIN> thanks", person("UADMIN", "Ann B"))
    assert await rows(app, "SELECT name, platform_role, zone FROM members WHERE user_id = 'UADMIN'") == [
        ("Ann B", int(Role.MANAGER), "Europe/Berlin")]
    await run(app, admin, "kudos void 1 test")  # still a manager
    assert await rows(app, "SELECT revoke_kind FROM kudos") == [("void",)]


async def test_a_known_bot_mentioned_without_platform_facts_is_still_a_bot(app):
    await run(app, person("UBOT", "helper", is_bot=True), "help")
    await run(app, person("UALICE"), "kudos <@UBOT> thanks")
    assert await rows(app, RECEIVED) == []


async def test_a_plus_plus_label_does_not_rename_a_known_member(console):
    await console.say(":as bob", "/help", ":as alice", "@BOB++ for the help")
    async with console.app.engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM members WHERE user_id = 'bob'"))).scalars().all()
    assert names == ["bob"]
