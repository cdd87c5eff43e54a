"""Active weeks (member_weeks): written by the write paths, chained to each member's next active week, and kept
right through merges, erasure, a zone change and the migration that fills them (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from bot.features.activity import FEATURE
from storage.engine import make_engine
from storage.migrate import upgrade

W1, W2, W3 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)  # Mondays


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def weeks(app) -> dict[str, list[tuple[date, date | None]]]:
    """user id -> [(week, next_week)], straight from the table; the weeks' kept counts checked against it."""
    async with app.engine.connect() as connection:
        await counts_match(connection)
        found = await connection.execute(text(
            "SELECT m.user_id, w.week, w.next_week FROM member_weeks w JOIN members m ON m.id = w.member_id"
            " ORDER BY m.user_id, w.week"))
        rows: dict[str, list] = {}
        for user, week, after in found:
            rows.setdefault(user, []).append((_day(week), _day(after)))
        return rows


async def counts_match(connection) -> None:
    """active_counts holds, for every week with a member_weeks row, how many rows it has (a week emptied may
    keep a count of 0)."""
    kept = {(c, _day(w)): n for c, w, n in await connection.execute(
        text("SELECT community_id, week, members FROM active_counts")) if n}
    counted = {(c, _day(w)): n for c, w, n in await connection.execute(
        text("SELECT community_id, week, count(*) FROM member_weeks GROUP BY community_id, week"))}
    assert kept == counted


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


async def ids(app) -> tuple[int, dict[str, int]]:
    async with app.engine.connect() as connection:
        members = dict((await connection.execute(text("SELECT user_id, id FROM members"))).all())
        community = (await connection.execute(text("SELECT id FROM communities"))).scalar_one()
    return community, members


async def test_the_first_action_of_a_week_writes_a_row_chained_to_the_next(app, console, clock):
    clock.set(at(W1, 9))
    await console.say(":as alice", "hello", "again", ":as bob", "/help", ":as copbot-fan", "/help")
    clock.set(at(W3))
    await console.say(":as alice", "back")
    clock.set(at(W2))  # later than the week after it: a late delivery, or a merge
    await console.say(":as bob", "/kudos @alice thanks for the review")
    async with app.core.uow_factory() as uow:
        cid, m = await ids(app)
        await uow.member_weeks.mark(cid, m["alice"], date(2026, 11, 12))  # W2, between W1 and W3
        await uow.commit()
    assert (await weeks(app)) == {"alice": [(W1, W2), (W2, W3), (W3, None)], "bob": [(W2, None)]}
    async with app.core.uow_factory() as uow:
        assert await uow.member_weeks.active(cid, [W1, W2, W3]) == [1, 2, 1]
        # gone quiet: active in the week and in none after it up to the last week given
        assert await uow.member_weeks.quiet(cid, W1, W2) == 0  # alice came back in W2
        assert await uow.member_weeks.quiet(cid, W2, W3) == 1  # bob, not alice (W3)

    # retained: joined in one week and active in the paired later one (bots never joined anything here)
    for who, joined in (("bob", W1), ("copbot-fan", W1), ("alice", W2)):
        async with app.engine.begin() as connection:
            await connection.execute(text("UPDATE members SET joined_at = :at WHERE id = :id"),
                                     {"at": at(joined, 23), "id": m[who]})
    async with app.core.uow_factory() as uow:
        # joined in W1 (bob, copbot-fan), active in W2: bob; joined in W2 (alice), active in W3: alice
        assert await uow.member_weeks.retained(cid, [at(W1, 0), at(W2, 0), at(W3, 0)], [W2, W3]) == [1, 1]
        assert await uow.member_weeks.retained(cid, [at(W1, 0), at(W2, 0), at(W3, 0)], [W3, W2]) == [0, 1]


async def test_bots_never_have_active_weeks(app, console, clock):
    clock.set(at(W1))
    await console.say(":as copbot", "beep", ":as alice", "hi")
    assert await weeks(app) == {"alice": [(W1, None)]}


async def test_a_merge_joins_both_members_weeks_and_chains_them_again(app, console, clock):
    for day, who in ((W1, "alice"), (W3, "alice"), (W2, "carol"), (W3, "carol"), (W1, "dan")):
        clock.set(at(day))
        await console.say(f":as {who}", "hi")
    cid, m = await ids(app)
    async with app.core.uow_factory() as uow:
        await FEATURE.merge(uow, cid, m["carol"], m["alice"], at(W3))
        await uow.commit()
    assert await weeks(app) == {"alice": [(W1, W2), (W2, W3), (W3, None)], "dan": [(W1, None)]}


async def test_erasure_removes_the_members_weeks_only(app, console, clock):
    for day, who in ((W1, "alice"), (W2, "bob")):
        clock.set(at(day))
        await console.say(f":as {who}", "hi")
    cid, m = await ids(app)
    async with app.core.uow_factory() as uow:
        await FEATURE.erase(uow, cid, m["alice"], at(W3))
        await uow.commit()
    assert await weeks(app) == {"bob": [(W2, None)]}


async def test_a_zone_change_moves_the_weeks(app, console, clock):
    clock.set(at(W1))
    await console.say(":as bob", "/help", ":as carol", "/help")
    clock.set(datetime(2026, 11, 15, 23, 30, tzinfo=UTC))  # Sunday of W2 in UTC, Monday of W3 in Berlin
    await console.say(":as bob", "/kudos @carol thanks")
    clock.set(at(W2))
    await console.say(":as carol", "a message on the Monday of W2")
    assert await weeks(app) == {"bob": [(W2, None)], "carol": [(W2, None)]}
    clock.set(at(W3, 20))
    await console.say(":as bob", "/settings zone Europe/Berlin")  # bob came first: the owner
    rows = await weeks(app)
    assert rows["bob"] == [(W3, None)]  # the kudos is Monday's now
    assert rows["carol"] == [(W2, None)]  # a message's local day stays its day


async def test_the_migration_fills_the_weeks_in_each_communitys_zone(empty_store_url):
    engine = make_engine(empty_store_url)
    try:
        for revision in ("0008", "0012"):  # questions, and the digest's indexes (activity, kudos, meetups)
            await upgrade(engine, revision)
        async with engine.begin() as connection:
            run, one = connection.execute, connection.scalar
            now = at(W1)
            for name, zone in (("utc", "UTC"), ("berlin", "Europe/Berlin")):
                await run(text("INSERT INTO communities (name, zone, settings, created_at)"
                               " VALUES (:name, :zone, '{}', :now)"), {"name": name, "zone": zone, "now": now})
                c = await one(text("SELECT id FROM communities WHERE name = :n"), {"n": name})
                for user, bot in ((f"{name}-ann", False), (f"{name}-ben", False), (f"{name}-bot", True)):
                    await run(text("INSERT INTO members (community_id, platform, workspace_id, user_id, name, is_bot,"
                                   " granted_role, platform_role, leaderboard_opt_out, created_at)"
                                   " VALUES (:c, 'slack', 'T1', :u, :u, :bot, 0, 0, false, :now)"),
                              {"c": c, "u": user, "bot": bot, "now": now})
                m = dict((await run(text("SELECT user_id, id FROM members WHERE community_id = :c"), {"c": c})).all())
                kudos = ("INSERT INTO kudos (community_id, number, batch, giver_id, receiver_id, reason, source,"
                         " platform, workspace_id, channel_id, created_at, revoked_at)"
                         " VALUES (:c, :n, 'b', :g, :r, '', 'command', 'slack', 'T1', 'C1', :at, :revoked)")
                # Sunday 23:30 UTC: W2 in UTC, W3 in Berlin; revoked later, still an action of the giver
                await run(text(kudos), {"c": c, "n": 1, "g": m[f"{name}-ann"], "r": m[f"{name}-ben"],
                                        "at": datetime(2026, 11, 15, 23, 30, tzinfo=UTC), "revoked": at(W3)})
                await run(text(kudos), {"c": c, "n": 2, "g": m[f"{name}-bot"], "r": m[f"{name}-ben"],
                                        "at": at(W1), "revoked": None})
                await run(text("INSERT INTO member_day_activity (community_id, member_id, day, messages)"
                               " VALUES (:c, :m, :day, 2)"), {"c": c, "m": m[f"{name}-ann"], "day": W1})
                await run(text("INSERT INTO questions (community_id, number, asker_id, text, status, platform,"
                               " workspace_id, channel_id, search_text, created_at, posted_at, last_activity_at)"
                               " VALUES (:c, 1, :m, 'q', 'open', 'slack', 'T1', 'C1', '', :at, :at, :at)"),
                          {"c": c, "m": m[f"{name}-ben"], "at": at(W1)})
        await upgrade(engine)
        async with engine.connect() as connection:
            await counts_match(connection)
            assert (await connection.scalar(text("SELECT sum(members) FROM active_counts"))) == 6
            found = (await connection.execute(text(
                "SELECT m.user_id, w.week, w.next_week FROM member_weeks w JOIN members m ON m.id = w.member_id"
                " ORDER BY m.user_id, w.week"))).all()
        rows = [(user, _day(week), _day(after)) for user, week, after in found]
        assert rows == [("berlin-ann", W1, W3), ("berlin-ann", W3, None), ("berlin-ben", W1, None),
                        ("utc-ann", W1, W2), ("utc-ann", W2, None), ("utc-ben", W1, None)]
    finally:
        await engine.dispose()


async def test_an_action_undone_later_still_made_the_member_active(app, console, clock):
    clock.set(at(W1))
    await console.say(":as alice", "/help", ":as bob", "/kudos @alice thanks")
    await console.say(":as bob", "/kudos undo")
    async with app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM kudos WHERE revoked_at IS NULL"))).scalar() == 0
    assert (await weeks(app))["bob"] == [(W1, None)]
