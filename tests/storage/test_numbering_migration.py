"""Migration 0005 numbers the kudos and meetups a store already holds per community, in the order they were made,
and new ones carry on from there (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PLACE = {"platform": "slack", "workspace_id": "T1", "channel_id": "C1", "message_id": None}


async def test_existing_rows_are_numbered_per_community_and_new_ones_follow(empty_store_url):
    engine = make_engine(empty_store_url)
    try:
        for revision in ("0003", "0004"):  # the schema before 0005 (the welcome branch does not matter here)
            await upgrade(engine, revision)
        async with engine.begin() as connection:  # ids from the database: PostgreSQL's sequences move on
            run, one = connection.execute, connection.scalar
            for name in ("c1", "c2"):
                await run(text("INSERT INTO communities (name, zone, settings, created_at)"
                               " VALUES (:name, 'UTC', '{}', :now)"), {"name": name, "now": NOW})
            c1, c2 = [await one(text("SELECT id FROM communities WHERE name = :n"), {"n": n}) for n in ("c1", "c2")]
            for c in (c1, c2):
                await run(text("INSERT INTO members (community_id, platform, workspace_id, user_id, name, is_bot,"
                               " granted_role, platform_role, leaderboard_opt_out, created_at)"
                               " VALUES (:c, 'slack', 'T1', 'U1', 'ann', false, 0, 0, false, :now)"),
                          {"c": c, "now": NOW})
            member = {c: await one(text("SELECT id FROM members WHERE community_id = :c"), {"c": c}) for c in (c1, c2)}
            for c in (c1, c2, c1, c2, c1):  # interleaved, as a shared store holds them
                await run(text("INSERT INTO kudos (community_id, batch, giver_id, receiver_id, reason, source,"
                               " platform, workspace_id, channel_id, created_at)"
                               " VALUES (:c, 'b', :m, :m, '', 'command', 'slack', 'T1', 'C1', :now)"),
                          {"c": c, "m": member[c], "now": NOW})
            kudos = list(await connection.scalars(text("SELECT id FROM kudos ORDER BY id")))
            for c in (c2, c1, c2):
                await run(text(
                    "INSERT INTO meetups (community_id, creator_id, title, description, location, platform,"
                    " workspace_id, channel_id, zone, local_start, duration_minutes, offsets, scheduled_until,"
                    " created_at) VALUES (:c, :m, 't', '', '', 'slack', 'T1', 'C1', 'UTC', '2026-12-01T18:00:00',"
                    " 60, '1h', :now, :now)"), {"c": c, "m": member[c], "now": NOW})
        await upgrade(engine)

        async with engine.connect() as connection:
            kudos_numbers = list(await connection.scalars(text("SELECT number FROM kudos ORDER BY id")))
            meetup_numbers = list(await connection.scalars(text("SELECT number FROM meetups ORDER BY id")))
        assert kudos_numbers == [1, 1, 2, 2, 3]
        assert meetup_numbers == [1, 1, 2]

        async with SqlUnitOfWork(session_factory(engine)) as uow:
            [new] = await uow.kudos.add(c2, batch="b2", giver_id=member[c2], receiver_ids=[member[c2]], reason="", tag_ids=[],
                                        source="command", place=PLACE, at=NOW)
            meetup = await uow.meetups.add(c1, creator_id=member[c1], title="next", description="", location="",
                                           platform="slack", workspace_id="T1", channel_id="C1", zone="UTC",
                                           local_start=datetime(2026, 12, 2, 18), duration_minutes=60, rrule=None,
                                           capacity=None, offsets="1h", scheduled_until=NOW)
            assert (await uow.kudos.by_number(c1, 3)).id == kudos[4]
        assert (new.number, meetup.number) == (3, 2)
    finally:
        await engine.dispose()
