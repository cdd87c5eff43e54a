"""Migration 0007 counts the running leaderboard totals of the kudos a store already holds: revoked kudos don't
count, tags do, and the current periods are local to each community's zone; migration 0016 then writes every
week since the first live kudos (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.periods import first_day
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

FAR = "Pacific/Kiritimati"


async def test_existing_kudos_are_counted_into_totals(empty_store_url):
    now = datetime.now(UTC)  # the migration counts the periods running at the wall clock's now
    engine = make_engine(empty_store_url)
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as connection:
            run, one = connection.execute, connection.scalar
            await run(text("INSERT INTO communities (name, zone, settings, created_at, last_kudos_number)"
                           " VALUES ('c', :zone, '{}', :now, 4)"), {"zone": FAR, "now": now})
            c = await one(text("SELECT id FROM communities"))
            for user in ("ann", "bob", "cy"):
                await run(text("INSERT INTO members (community_id, platform, workspace_id, user_id, name, is_bot,"
                               " granted_role, platform_role, leaderboard_opt_out, created_at)"
                               " VALUES (:c, 'slack', 'T1', :u, :u, false, 0, 0, false, :now)"),
                          {"c": c, "u": user, "now": now})
            ann, bob, cy = [await one(text("SELECT id FROM members WHERE name = :u"), {"u": u})
                            for u in ("ann", "bob", "cy")]
            await run(text("INSERT INTO tags (community_id, name, created_at) VALUES (:c, 'seo', :now)"),
                      {"c": c, "now": now})
            seo = await one(text("SELECT id FROM tags"))
            kudos = [(1, ann, bob, now - timedelta(days=400), None), (2, ann, cy, now - timedelta(seconds=2), None),
                     (3, bob, cy, now - timedelta(seconds=1), None), (4, ann, bob, now, now)]  # #4 revoked
            for number, giver, receiver, at, revoked in kudos:
                await run(text("INSERT INTO kudos (community_id, number, batch, giver_id, receiver_id, reason,"
                               " source, platform, workspace_id, channel_id, created_at, revoked_at)"
                               " VALUES (:c, :n, 'b', :g, :r, '', 'command', 'slack', 'T1', 'C1', :at, :rev)"),
                          {"c": c, "n": number, "g": giver, "r": receiver, "at": at, "rev": revoked})
            first = await one(text("SELECT id FROM kudos WHERE number = 1"))
            await run(text("INSERT INTO kudos_tags (community_id, kudos_id, tag_id) VALUES (:c, :k, :t)"),
                      {"c": c, "k": first, "t": seo})
        await upgrade(engine)

        async with SqlUnitOfWork(session_factory(engine)) as uow:
            async def board(period: str, *, given: bool = False, tag_id: int | None = None) -> list[tuple]:
                rows = await uow.kudos.standings(c, period=period, start=first_day(period, now, FAR),
                                                 tag_id=tag_id, given=given, limit=10)
                return [(s.name, s.count) for s in rows]

            assert await board("all") == [("cy", 2), ("bob", 1)]  # cy reached 1 later than bob, but has 2
            assert await board("month") == [("cy", 2)]
            assert await board("all", given=True) == [("ann", 2), ("bob", 1)]
            assert await board("all", tag_id=seo) == [("bob", 1)]
            assert await board("week", given=True) == [("ann", 1), ("bob", 1)]  # ann gave hers first
            # 0016: every week since the first live kudos, as the digest reads them
            old = first_day("week", now - timedelta(days=400), FAR)
            assert [(s.name, s.count) for s in await uow.kudos.standings(
                c, period="week", start=old, tag_id=seo, given=False, limit=10)] == [("bob", 1)]
            assert [f.given for f in await uow.digest.kudos_weeks(c, [old, old + timedelta(weeks=1)])] == [1, 0]
    finally:
        await engine.dispose()
