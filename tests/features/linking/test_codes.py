"""Linking codes: one use, ten minutes, five tries an hour, stored hashed; only the same community's."""

from __future__ import annotations

from sqlalchemy import text

from bot.features.linking.codes import ALPHABET
from tests.features.linking.helpers import code_in, discord, link, member_of, say, scalar, slack

ANN_S, ANN_D = slack("U1", "ann"), discord("42", "ann_d")
RAJ_D = discord("43", "raj")


async def linked(app) -> int:
    return await scalar(app, "SELECT count(*) FROM member_links")


async def test_a_code_links_two_identities_into_one_member(both):
    await link(both, ANN_S, ANN_D)
    assert (await member_of(both, ANN_S)).id == (await member_of(both, ANN_D)).id
    assert await linked(both) == 1


async def test_a_code_is_eight_unambiguous_characters_stored_only_hashed(both):
    code = code_in(await say(both, ANN_S, "link"))
    assert len(code) == 8 and set(code) <= set(ALPHABET) and not set(code) & set("0O1IL")
    async with both.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM link_codes"))).mappings().all()
    assert len(rows) == 1 and all(code not in str(value) for value in rows[0].values())


async def test_a_code_works_for_ten_minutes_only(both, clock):
    code = code_in(await say(both, ANN_S, "link"))
    clock.advance(minutes=10, seconds=1)
    await say(both, ANN_D, f"link {code}")
    assert await linked(both) == 0
    code = code_in(await say(both, ANN_S, "link"))
    clock.advance(minutes=9, seconds=59)
    await say(both, ANN_D, f"link {code.lower()}")  # case doesn't matter
    assert await linked(both) == 1


async def test_a_code_works_once(both):
    code = code_in(await say(both, ANN_S, "link"))
    await say(both, ANN_D, f"link {code}")
    await say(both, RAJ_D, f"link {code}")
    assert await linked(both) == 1
    assert (await member_of(both, RAJ_D)).id != (await member_of(both, ANN_S)).id


async def test_a_new_code_replaces_the_last_one(both):
    old = code_in(await say(both, ANN_S, "link"))
    new = code_in(await say(both, ANN_S, "link"))
    await say(both, ANN_D, f"link {old}")
    assert await linked(both) == 0 or old == new
    await say(both, ANN_D, f"link {new}")
    assert await linked(both) == 1


async def test_the_sixth_try_in_an_hour_is_refused_even_with_the_right_code(both, clock):
    code = code_in(await say(both, ANN_S, "link"))
    for wrong in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "not-a-code"):
        reply = await say(both, ANN_D, f"link {wrong}")
        assert not reply.refused  # a wrong code is an answer, and the try is kept
    reply = await say(both, ANN_D, f"link {code}")
    assert reply.refused and await linked(both) == 0
    clock.advance(minutes=50)  # the tries age out after an hour; the code has expired by then
    code = code_in(await say(both, ANN_S, "link"))
    assert (await say(both, ANN_D, f"link {code}")).refused and await linked(both) == 0
    clock.advance(minutes=11)
    code = code_in(await say(both, ANN_S, "link"))
    await say(both, ANN_D, f"link {code}")
    assert await linked(both) == 1


async def test_the_fifth_try_still_counts(both):
    code = code_in(await say(both, ANN_S, "link"))
    for wrong in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD"):
        await say(both, ANN_D, f"link {wrong}")
    await say(both, ANN_D, f"link {code}")
    assert await linked(both) == 1


async def test_your_own_code_links_nothing(both):
    code = code_in(await say(both, ANN_S, "link"))
    await say(both, ANN_S, f"link {code}")
    assert await linked(both) == 0


async def test_a_code_of_another_community_links_nothing(both):
    other = slack("U9", "zed")
    from dataclasses import replace

    from bot.identity import MemberRef, Place
    elsewhere = Place("slack", "T2", "C1", workspace_name="Other")
    code = code_in(await say(both, ANN_S, "link"))
    await say(both, replace(other, ref=MemberRef("slack", "T2", "U9")), f"link {code}", place=elsewhere)
    assert await linked(both) == 0
