"""Messages per member per local day, through the console and the core (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.events import MessagePosted
from bot.identity import MemberRef, Person, Place

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
PLACE = Place("console", "local", "general", "m1")


async def community_id(app) -> int:
    async with app.core.uow_factory() as uow:
        return (await uow.communities.by_binding("console", "local")).id


async def rows(app) -> dict[tuple[str, date], int]:
    """(member name, day) -> messages, straight from the table."""
    async with app.engine.connect() as connection:
        from sqlalchemy import text
        found = await connection.execute(text(
            "SELECT m.user_id, a.day, a.messages FROM member_day_activity a JOIN members m ON m.id = a.member_id"))
        return {(user, day if isinstance(day, date) else date.fromisoformat(day)): n for user, day, n in found}


async def member_ids(app) -> dict[str, int]:
    async with app.engine.connect() as connection:
        from sqlalchemy import text
        return dict((await connection.execute(text("SELECT user_id, id FROM members"))).all())


async def test_counts_per_member_per_local_day_across_the_zone_boundary(console, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await console.say(":as owner", "/settings zone Europe/Berlin")
    clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 Monday in Berlin
    await console.say(":as alice", "first", "second")
    clock.set(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))  # still Monday in UTC, 00:30 Tuesday in Berlin
    await console.say(":as alice", "third", ":as bob", "hello")
    assert await rows(console.app) == {("alice", MON): 2, ("alice", TUE): 1, ("bob", TUE): 1}

    ids, cid = await member_ids(console.app), await community_id(console.app)
    alice, bob = ids["alice"], ids["bob"]
    async with console.app.core.uow_factory() as uow:
        assert await uow.activity.active_members(cid, MON, TUE) == {alice: 2}  # `until` is not included
        assert await uow.activity.active_members(cid, MON, date(2026, 11, 25)) == {alice: 3, bob: 1}
        assert await uow.activity.active_members(cid, TUE, date(2026, 11, 25)) == {alice: 1, bob: 1}
        assert await uow.activity.daily_totals(cid, MON, date(2026, 11, 25)) == {MON: (2, 1), TUE: (2, 2)}
        assert await uow.activity.daily_totals(cid, date(2026, 11, 20), MON) == {}


async def test_record_adds_to_the_days_count(app):
    await app.core.handle_event(MessagePosted(Person(MemberRef("console", "local", "alice"), "alice"), PLACE, None))
    cid, alice = await community_id(app), (await member_ids(app))["alice"]
    async with app.core.uow_factory() as uow:
        await uow.activity.record(cid, alice, MON, messages=5)
        await uow.activity.record(cid, alice, TUE)
        await uow.commit()
    assert await rows(app) == {("alice", MON): 6, ("alice", TUE): 1}


async def test_bots_and_the_bot_itself_never_count(console, app):
    await console.say(":as alice", "hi", ":as copbot", "I am the bot")  # the console's own bot speaking
    robot = Person(MemberRef("console", "local", "robot"), "robot", is_bot=True)
    await app.core.handle_event(MessagePosted(robot, PLACE, "Ev-robot"))
    # The platform could not say who posted (unverified), but the store knows this user is the bot itself.
    itself = Person(MemberRef("console", "local", "copbot"), "copbot", is_bot=False, verified=False)
    await app.core.handle_event(MessagePosted(itself, PLACE, "Ev-itself"))
    assert await rows(app) == {("alice", MON): 1}


async def test_a_redelivered_event_counts_once(app):
    alice = Person(MemberRef("console", "local", "alice"), "alice")
    for _ in range(3):
        await app.core.handle_event(MessagePosted(alice, PLACE, "Ev-same"))
    await app.core.handle_event(MessagePosted(alice, PLACE, "Ev-other"))
    assert await rows(app) == {("alice", MON): 2}


async def test_erasing_a_member_removes_their_counters(console, clock):
    await console.say(":as owner", "/help", ":as alice", "hi", ":as bob", "hello")
    clock.advance(days=1)
    await console.say(":as alice", "again")
    await console.say(":as owner", "/member erase @alice")
    assert await rows(console.app) == {("bob", MON): 1}


async def test_merging_two_members_adds_their_days(app):
    """Linking two identities (docs/linking.md): a day both posted on sums, nothing counted twice or lost."""
    for who in ("alice", "bob"):
        await app.core.handle_event(MessagePosted(Person(MemberRef("console", "local", who), who), PLACE, None))
    cid, ids = await community_id(app), await member_ids(app)
    async with app.core.uow_factory() as uow:
        await uow.activity.record(cid, ids["bob"], TUE, messages=3)
        await uow.activity.merge(cid, ids["bob"], ids["alice"])
        await uow.commit()
    assert await rows(app) == {("alice", MON): 2, ("alice", TUE): 3}
