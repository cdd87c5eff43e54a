"""People on Slack (T1) and Discord (G1), commands as Invocations, and the store's view of them."""

from __future__ import annotations

import re

from sqlalchemy import text

from bot.core import Invocation
from bot.identity import MemberRef, Person, Place, Role
from bot.reply import Reply

PLACES = {"slack": Place("slack", "T1", "C1", workspace_name="Team"), "discord": Place("discord", "G1", "100")}
CODE = re.compile(r"\b[A-Z2-9]{8}\b")


def slack(user: str, name: str | None = None, role: Role = Role.MEMBER) -> Person:
    return Person(MemberRef("slack", "T1", user), name or user.lower(), platform_role=role)


def discord(user: str, name: str, role: Role = Role.MEMBER) -> Person:
    return Person(MemberRef("discord", "G1", user), name, platform_role=role)


def mention(person: Person) -> str:
    return f"<@{person.ref.user_id}|{person.name}>" if person.ref.platform == "slack" else f"<@{person.ref.user_id}>"


async def say(app, person: Person, line: str, place: Place | None = None) -> Reply:
    place = place or PLACES[person.ref.platform]
    return await app.core.handle(Invocation(person, place, line, (person,)))


async def kudos(app, giver: Person, receiver: Person, reason: str = "thanks") -> None:
    reply = await app.core.handle(Invocation(giver, PLACES[giver.ref.platform],
                                             f"kudos {mention(receiver)} {reason}", (giver, receiver)))
    assert "gave kudos" in reply.text, reply.text


def code_in(reply: Reply) -> str:
    found = CODE.search(reply.text)
    assert found, reply.text
    return found.group(0)


async def link(app, first: Person, second: Person) -> Reply:
    code = code_in(await say(app, first, "link"))
    return await say(app, second, f"link {code}")


async def member_of(app, person: Person):
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_binding(person.ref.platform, person.ref.workspace_id)
        return await uow.members.find(community.id, person.ref)


async def board(app, given: bool = False) -> dict[str, int]:
    """The all-time leaderboard: name -> count (one line per member)."""
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_name("Both") or (await uow.communities.all())[0]
        lines = await uow.kudos.standings(community.id, period="all", start=None, tag_id=None, given=given,
                                          limit=50)
    assert len({line.member_id for line in lines}) == len(lines)
    return {line.name: line.count for line in lines}


async def scalar(app, sql: str, **params):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()
