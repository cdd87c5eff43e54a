"""Kudos per second through the whole core (parse, rules, insert, commit) against the floor:
a bare SQLAlchemy Core insert-and-commit of one row, on the same database.

    python bench/kudos.py [--n 2000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test]

On PostgreSQL it works in a scratch database `copbot_bench_kudos` next to the one --pg names.

Prints one line per database with both rates and their ratio (target: core within 5x of the floor)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text  # noqa: E402

from adapters.bootstrap import build  # noqa: E402
from adapters.config import Config, DatabaseConfig  # noqa: E402
from bot.core import Invocation  # noqa: E402
from bot.identity import MemberRef, Person, Place  # noqa: E402
from storage.engine import make_engine  # noqa: E402
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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db")]
        if args.pg != "none":
            targets.append(("PostgreSQL", args.pg))
        for name, url in targets:
            if name == "PostgreSQL":
                try:
                    url = await create_database(url, "copbot_bench_kudos")
                except Exception as error:  # noqa: BLE001
                    print(f"{name}: skipped ({type(error).__name__}: {error})")
                    continue
            floor = await floor_rate(url, args.n)
            core = await core_rate(url, args.n)
            print(f"{name:10} kudos through the core: {core:8.0f}/s   bare insert+commit: {floor:8.0f}/s   "
                  f"ratio {floor / core:4.1f}x (target <= 5x)")


if __name__ == "__main__":
    asyncio.run(main())
