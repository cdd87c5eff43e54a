"""The store on SQLite and PostgreSQL: migrations, repositories, claims, event dedupe."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.features.catalog import CommunitySettings
from bot.identity import MemberRef, Person, Role
from storage.engine import make_engine, session_factory
from storage.migrate import current_revision, upgrade
from storage.models import Base, modelled
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def engine(store_url):
    engine = make_engine(store_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine):
    sessions = session_factory(engine)
    return lambda: SqlUnitOfWork(sessions)


async def test_migrations_create_exactly_the_tables_the_models_declare(empty_store_url):
    engine = make_engine(empty_store_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            diff = await connection.run_sync(lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": False, "include_object": modelled}), Base.metadata))
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert diff == []
    assert {"communities", "members", "kudos", "outbox", "processed_events"} <= tables


async def test_upgrading_twice_changes_nothing(engine):
    before = await current_revision(engine)
    await upgrade(engine)
    assert await current_revision(engine) == before is not None


async def test_processes_starting_together_migrate_once(empty_store_url):
    env = {**os.environ, "DATABASE_URL": empty_store_url}
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.app.cli", "db", "upgrade", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(3)]
    results = [await asyncio.wait_for(p.communicate(), 60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err.decode()[-500:] for _, err in results]
    engine = make_engine(empty_store_url)
    try:
        reports = {out.decode() for out, _ in results}  # "...: schema up to date (migrations applied: 0001, ...)"
        heads = (await current_revision(engine)).split(",")
        assert len(reports) == 1
        report = reports.pop()
        assert all(head in report for head in heads), report
    finally:
        await engine.dispose()


async def _community(uow, name="SEO guild"):
    async with uow() as u:
        community = await u.communities.create(name, "Europe/Berlin", CommunitySettings())
        await u.communities.bind(community.id, "slack", "T1")
        await u.commit()
    return community


async def test_times_come_back_as_aware_utc(uow):
    community = await _community(uow)
    berlin_time = datetime(2026, 7, 1, 12, 0, tzinfo=UTC).astimezone()
    async with uow() as u:
        member = await u.members.upsert(community.id, Person(MemberRef("slack", "T1", "U1"), "ann"), now=berlin_time)
        await u.members.update(community.id, member.id, joined_at=berlin_time)
        await u.commit()
    async with uow() as u:
        again = await u.members.get(community.id, member.id)
    assert again.joined_at == berlin_time and again.joined_at.tzinfo is not None
    assert again.joined_at.utcoffset() == timedelta(0)


async def test_every_query_is_scoped_to_its_community(uow):
    first = await _community(uow, "first")
    async with uow() as u:
        second = await u.communities.create("second", "UTC", CommunitySettings())
        ref = MemberRef("slack", "T1", "U1")
        a = await u.members.upsert(first.id, Person(ref, "ann"), now=NOW)
        b = await u.members.upsert(second.id, Person(ref, "ann"), now=NOW)
        giver = await u.members.upsert(first.id, Person(MemberRef("slack", "T1", "U2"), "raj"), now=NOW)
        await u.kudos.add(first.id, batch="b1", giver_id=giver.id, receiver_ids=[a.id], reason="thanks",
                          tag_ids=[], source="command", place={"platform": "slack", "workspace_id": "T1",
                                                               "channel_id": "C1", "message_id": None}, at=NOW)
        await u.commit()
    async with uow() as u:
        assert a.id != b.id
        assert await u.members.find(second.id, ref) == b
        assert [s.name for s in await u.kudos.standings(first.id, period="all", start=None, tag_id=None, given=False,
                                                        limit=10)] == ["ann"]
        assert await u.kudos.standings(second.id, period="all", start=None, tag_id=None, given=False, limit=10) == []
        assert (await u.kudos.by_number(first.id, 1)).receiver_id == a.id
        assert await u.kudos.by_number(second.id, 1) is None


async def test_a_platform_event_is_recorded_once(uow):
    async with uow() as u:
        assert await u.events.first_time("slack", "Ev1", NOW) is True
        await u.commit()
    async with uow() as u:
        assert await u.events.first_time("slack", "Ev1", NOW) is False
        assert await u.events.first_time("discord", "Ev1", NOW) is True


async def test_an_uncommitted_unit_of_work_leaves_nothing(uow):
    async with uow() as u:
        await u.communities.create("ghost", "UTC", CommunitySettings())
    async with uow() as u:
        assert await u.communities.by_name("ghost") is None


async def test_claims_lease_due_rows_once_and_retake_expired_leases(uow):
    async with uow() as u:
        for n in range(5):
            u.outbox.add(None, "message", {"n": n}, due_at=NOW - timedelta(seconds=n))
        u.outbox.add(None, "message", {"n": "later"}, due_at=NOW + timedelta(hours=1))
        await u.commit()
    async with uow() as u:
        first = await u.outbox.claim_due(NOW, lease_seconds=30, limit=3)
        await u.commit()
    async with uow() as u:
        second = await u.outbox.claim_due(NOW, lease_seconds=30, limit=10)
        await u.commit()
    assert [i.payload["n"] for i in first] == [4, 3, 2]  # oldest due first
    assert sorted(i.payload["n"] for i in second) == [0, 1]
    async with uow() as u:
        assert await u.outbox.claim_due(NOW + timedelta(seconds=10), 30, 10) == []  # still leased
        await u.outbox.mark_sent_many([first[0].id], NOW)
        await u.commit()
    async with uow() as u:
        retaken = await u.outbox.claim_due(NOW + timedelta(seconds=31), 30, 10)  # the claimer died
        await u.commit()
    assert sorted(i.payload["n"] for i in retaken) == [0, 1, 2, 3]
    assert all(i.attempts == 2 for i in retaken)


async def test_concurrent_claimers_never_share_a_row(uow):
    async with uow() as u:
        for n in range(300):
            u.outbox.add(None, "message", {"n": n}, due_at=NOW)
        await u.commit()

    async def claimer() -> list[int]:
        got = []
        while True:
            async with uow() as u:
                items = await u.outbox.claim_due(NOW, 60, 7)
                await u.commit()
            if not items:
                return got
            got += [i.id for i in items]

    results = await asyncio.gather(*(claimer() for _ in range(4)))
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 300


async def test_a_dedupe_key_schedules_once(uow):
    async with uow() as u:
        u.outbox.add(None, "message", {}, due_at=NOW, key="reminder:1:1h")
        await u.commit()
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        async with uow() as u:
            u.outbox.add(None, "message", {}, due_at=NOW, key="reminder:1:1h")
            await u.commit()


async def test_if_absent_keeps_the_row_already_planned(uow):
    async with uow() as u:
        u.outbox.add(None, "message", {"n": 1}, due_at=NOW, key="reminder:1:1h", if_absent=True)
        u.outbox.add(None, "message", {"n": 2}, due_at=NOW, key="reminder:1:1h", if_absent=True)
        await u.commit()
    async with uow() as u:
        u.outbox.add(None, "message", {"n": 3}, due_at=NOW, key="reminder:1:1h", if_absent=True)
        await u.commit()
        assert [i.payload for i in await u.outbox.claim_due(NOW, 60, 10)] == [{"n": 1}]


async def test_roles_and_opt_out_round_trip(uow):
    community = await _community(uow)
    async with uow() as u:
        m = await u.members.upsert(community.id, Person(MemberRef("slack", "T1", "U9"), "kim",
                                                        platform_role=Role.MANAGER), now=NOW)
        m = await u.members.update(community.id, m.id, granted_role=Role.CHAMPION, leaderboard_opt_out=True)
        await u.commit()
    assert (m.platform_role, m.granted_role, m.leaderboard_opt_out) == (Role.MANAGER, Role.CHAMPION, True)


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await engine.dispose()


async def test_the_same_person_appearing_twice_at_once_is_one_member(uow):
    community = await _community(uow)
    person = Person(MemberRef("slack", "T1", "UNEW"), "new")

    async def appear():
        async with uow() as u:
            member = await u.members.upsert(community.id, person, now=NOW)
            await u.tags.ensure(community.id, ["seo"])
            await u.commit()
        return member.id

    ids = await asyncio.gather(*(appear() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_a_tag_created_by_a_rolled_back_unit_of_work_is_not_remembered(uow):
    community = await _community(uow)
    async with uow() as u:
        ghost_id = (await u.tags.ensure(community.id, ["ghost"]))["ghost"]
        # leaving without commit rolls the tag back
    async with uow() as u:
        assert await u.tags.find(community.id, "ghost") is None
        real_id = (await u.tags.ensure(community.id, ["ghost"]))["ghost"]
        await u.commit()
    async with uow() as u:
        assert (await u.tags.ensure(community.id, ["ghost"]))["ghost"] == real_id == await u.tags.find(
            community.id, "ghost")
    assert ghost_id is not None
