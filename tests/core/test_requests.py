"""The core's side of platform requests, on SQLite and PostgreSQL: a request id runs once, and an unverified
actor (the platform could not be asked in time) never overwrites what the store knows."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import text

from bot.core import Invocation
from bot.identity import MemberRef, Person, Place, Role

PLACE = Place("slack", "T1", "C1")
ADA = MemberRef("slack", "T1", "U0ADA")


def kudos(actor: Person, request_id: str | None, to: str = "bob") -> Invocation:
    return Invocation(actor, PLACE, f"kudos <@U0{to.upper()}|{to}> thanks", request_id=request_id)


async def scalar(app, sql: str):
    async with app.engine.connect() as connection:
        return await connection.scalar(text(sql))


async def test_a_request_id_runs_once_even_when_it_arrives_twice_at_once(app):
    ada = Person(ADA, "Ada")
    replies = await asyncio.gather(*(app.core.handle(kudos(ada, "trigger:1")) for _ in range(3)))
    assert [r.visibility.value for r in replies].count("public") == 1
    await app.core.handle(kudos(ada, "trigger:2", to="carol"))
    await app.core.handle(kudos(ada, None, to="dave"))  # no id (the console): nothing to deduplicate
    assert await scalar(app, "SELECT count(*) FROM kudos") == 3


async def test_an_unverified_actor_keeps_the_stored_name_and_role(app):
    await app.core.handle(Invocation(Person(ADA, "Ada L", platform_role=Role.MANAGER), PLACE, "help"))
    await app.core.handle(kudos(Person(ADA, "ada-handle", verified=False), "trigger:3"))
    assert await scalar(app, "SELECT name FROM members WHERE user_id = 'U0ADA'") == "Ada L"
    assert await scalar(app, "SELECT platform_role FROM members WHERE user_id = 'U0ADA'") == int(Role.MANAGER)
    newcomer = Person(MemberRef("slack", "T1", "U0NEW"), "new-handle", verified=False)
    await app.core.handle(Invocation(newcomer, PLACE, "help"))
    assert await scalar(app, "SELECT name FROM members WHERE user_id = 'U0NEW'") == "new-handle"


async def test_a_refusal_that_quotes_a_cut_line_never_makes_a_mass_mention(app):
    """A refusal quotes the first 40 characters of what it did not understand: wherever that cut falls in
    "@channel00" (not a mass mention), the quote must not end in a live "@channel"."""
    ada = Person(ADA, "Ada")
    for filler in range(45):
        reply = await app.core.handle(Invocation(ada, PLACE, f"questions open {'x' * filler} @channel00 more"))
        assert reply.refused
        assert not re.search(r"@(everyone|here|channel)\b", reply.plain_text(), re.IGNORECASE), reply.text
