"""Kudos per second through the whole core (parse, rules, insert, commit) against the floor:
a bare SQLAlchemy Core insert-and-commit of one row, on the same database.

    python bench/kudos.py [--n 2000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test]

On PostgreSQL it works in a scratch database `copbot_bench_kudos` next to the one --pg names.

Prints one line per database with both rates and their ratio (target: core within 5x of the floor).

    python bench/kudos.py --board 1000000 [--pg ...|none]

Leaderboards at scale instead: seeds that many kudos with bulk INSERTs (2,000 members, the last two years, a third
tagged #seo), recounts the running totals as the 0007 migration does, then times `/leaderboard` through the whole
core, 20 runs of each board (week, month, quarter, all, all given, all #seo), asked by a member outside the top ten.
Prints p50/p95 per board and database (target: every board under 20 ms)."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig  # noqa: E402
from bot.core import Invocation  # noqa: E402
from bot.identity import MemberRef, Person, Place  # noqa: E402
from bot.periods import LOCAL_PERIODS  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.models import CommunityRow, KudosRow, KudosTagRow, MemberRow, TagRow  # noqa: E402
from storage.repositories.kudos_totals import rebuild_statements  # noqa: E402
from tests.fakes.postgres import create_database  # noqa: E402


class SteppingClock:
    """Time moves an hour at each look, so daily allowances never refuse the benchmark."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(hours=1)
        return self.moment


async def core_rate(url: str, n: int) -> float:
    app = await build(Config(database=DatabaseConfig(url=url)), clock=SteppingClock())
    place = Place("slack", "T1", "C1", workspace_name="Bench")
    givers = [Person(MemberRef("slack", "T1", f"G{i}"), f"giver{i}") for i in range(50)]
    await app.core.handle(Invocation(givers[0], place, "help"))  # create the community first
    start = time.perf_counter()
    for i in range(n):
        reply = await app.core.handle(Invocation(givers[i % 50], place, f"kudos <@R{i % 97}|r{i % 97}> thanks #seo"))
        assert "gave kudos" in reply.text, reply.text
    elapsed = time.perf_counter() - start
    await app.close()
    return n / elapsed


async def floor_rate(url: str, n: int) -> float:
    engine = make_engine(url)
    table = Table("bench_floor", MetaData(), Column("id", Integer, primary_key=True), Column("v", String(50)))
    async with engine.begin() as connection:
        await connection.run_sync(table.drop, checkfirst=True)
        await connection.run_sync(table.create)
    start = time.perf_counter()
    for i in range(n):
        async with engine.connect() as connection:
            await connection.execute(insert(table).values(v=f"row {i}"))
            await connection.commit()
    elapsed = time.perf_counter() - start
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE bench_floor"))
    await engine.dispose()
    return n / elapsed


MEMBERS = 2_000
BOARDS = ("week", "month", "quarter", "all", "all given", "all #seo")


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def seed(app, place: Place, n: int, now: datetime) -> int:
    """n kudos between MEMBERS members over the two years before now, in bulk; the community's id."""
    await app.core.handle(Invocation(Person(MemberRef("slack", "T1", "U0"), "m0"), place, "help"))
    rng = random.Random(15)
    async with app.engine.begin() as db:
        community_id = (await db.execute(select(CommunityRow.id))).scalar_one()
        await db.execute(insert(MemberRow), [
            {"community_id": community_id, "platform": "slack", "workspace_id": "T1", "user_id": f"U{i}",
             "name": f"m{i}", "created_at": now} for i in range(1, MEMBERS)])
        members = list((await db.execute(select(MemberRow.id).where(MemberRow.is_bot.is_(False)))).scalars())
        seo = (await db.execute(insert(TagRow).values(community_id=community_id, name="seo", created_at=now)
                                .returning(TagRow.id))).scalar_one()
    span = 2 * 365 * 86400
    for first in range(0, n, 20_000):
        rows = []
        for number in range(first + 1, min(first + 20_000, n) + 1):
            giver, receiver = rng.sample(members, 2)
            rows.append({"community_id": community_id, "number": number, "batch": f"b{number}",
                         "giver_id": giver, "receiver_id": receiver, "reason": "thanks", "source": "command",
                         "platform": "slack", "workspace_id": "T1", "channel_id": "C1",
                         "created_at": now - timedelta(seconds=rng.randrange(span))})
        async with app.engine.begin() as db:
            ids = (await db.execute(insert(KudosRow).returning(KudosRow.id), rows)).scalars().all()
            await db.execute(insert(KudosTagRow), [{"community_id": community_id, "kudos_id": i, "tag_id": seo}
                                                   for i in ids if i % 3 == 0])
    async with app.engine.begin() as db:
        await db.execute(update(CommunityRow).values(last_kudos_number=n))
    return community_id


async def boards(url: str, n: int) -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    app = await build(Config(database=DatabaseConfig(url=url)), clock=FixedClock(now))
    place = Place("slack", "T1", "C1", workspace_name="Bench")
    started = time.perf_counter()
    community_id = await seed(app, place, n, now)
    seeded = time.perf_counter()
    unlimited = make_engine(url, statement_timeout=None)  # as migration 0007's backfill runs
    async with unlimited.begin() as db:
        for statement in rebuild_statements(community_id, "UTC", now):
            await db.execute(statement)
    if url.startswith("postgresql"):  # planner statistics after a bulk load, as the migration and autovacuum do
        async with unlimited.connect() as db:
            await db.execute(text("ANALYZE kudos, kudos_tags, kudos_totals, members"))
            await db.commit()
    await unlimited.dispose()
    print(f"  seeded {n:,} kudos in {seeded - started:.0f} s; totals recounted in {time.perf_counter() - seeded:.1f} s")
    asker = Person(MemberRef("slack", "T1", "U1"), "m1")
    start = time.perf_counter()
    await app.core.handle(Invocation(asker, place, "leaderboard"))
    print(f"  first command after the recount (cold caches, not in the runs below): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    for board in BOARDS:
        times = []
        for _ in range(20):
            start = time.perf_counter()
            reply = await app.core.handle(Invocation(asker, place, f"leaderboard {board}"))
            times.append((time.perf_counter() - start) * 1000)
            assert "1. " in reply.text, reply.text
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
        print(f"  /leaderboard {board:10} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    start = time.perf_counter()
    async with app.core.uow_factory() as uow:  # what /settings zone adds to its transaction
        await uow.kudos.rebuild_totals(community_id, "Pacific/Kiritimati", now, LOCAL_PERIODS)
        await uow.commit()
    print(f"  a zone change recounts week, month and quarter in {time.perf_counter() - start:.1f} s "
          f"(within the bot's statement timeout)")
    await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--board", type=int, default=0, help="time leaderboards over this many kudos instead")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--pg", default=os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [] if args.no_sqlite else [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db")]
        if args.pg != "none":
            targets.append(("PostgreSQL", args.pg))
        for name, url in targets:
            if name == "PostgreSQL":
                try:
                    url = await create_database(url, "copbot_bench_kudos")
                except Exception as error:  # noqa: BLE001
                    print(f"{name}: skipped ({type(error).__name__}: {error})")
                    continue
            if args.board:
                print(name)
                await boards(url, args.board)
                continue
            floor = await floor_rate(url, args.n)
            core = await core_rate(url, args.n)
            print(f"{name:10} kudos through the core: {core:8.0f}/s   bare insert+commit: {floor:8.0f}/s   "
                  f"ratio {floor / core:4.1f}x (target <= 5x)")


if __name__ == "__main__":
    asyncio.run(main())
