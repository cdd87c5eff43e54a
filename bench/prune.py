"""How long pruning takes, and how long its longest transaction is: N sent outbox rows and N processed event ids
past their retention, N of each still within it, deleted by the Pruner 1000 rows per transaction.

    python bench/prune.py [--n 12000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test | none]

On PostgreSQL it works in a scratch database `copbot_bench_prune` next to the one --pg names (dropped after).
Prints one line per database: rows deleted, total time, the slowest batch, rows kept."""

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

from sqlalchemy import func, insert, select  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig  # noqa: E402
from bot.retention import Pruner  # noqa: E402
from storage.models import OutboxRow, ProcessedEventRow  # noqa: E402
from tests.fakes.postgres import create_database, drop_database  # noqa: E402

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


class TimedUnitOfWork:
    """Records how long each pruning transaction stayed open."""

    def __init__(self, inner, durations: list[float]):
        self.inner, self.durations = inner, durations

    async def __aenter__(self):
        self.started = time.perf_counter()
        return await self.inner.__aenter__()

    async def __aexit__(self, *exc):
        await self.inner.__aexit__(*exc)
        self.durations.append(time.perf_counter() - self.started)


async def seed(app, n: int) -> None:
    payload = {"target": {"channel": "C1", "platform": "slack", "workspace": "T1"}, "reply": {"text": "x" * 300}}
    async with app.engine.begin() as connection:
        for first in range(0, 2 * n, 1000):
            rows = range(first, min(first + 1000, 2 * n))
            old = [i < n for i in rows]
            await connection.execute(insert(OutboxRow), [dict(
                community_id=None, kind="message", payload=payload, due_at=NOW, attempts=1, created_at=NOW,
                sent_at=NOW - timedelta(days=8 if is_old else 1)) for is_old in old])
            await connection.execute(insert(ProcessedEventRow), [dict(
                platform="slack", event_id=f"Ev{i}", received_at=NOW - timedelta(hours=25 if is_old else 1))
                for i, is_old in zip(rows, old, strict=True)])


async def run(url: str, n: int) -> str:
    app = await build(Config(database=DatabaseConfig(url=url)))
    await seed(app, n)
    durations: list[float] = []
    pruner = Pruner(lambda: TimedUnitOfWork(app.core.uow_factory(), durations), FixedClock())
    start = time.perf_counter()
    deleted = await pruner.prune()
    elapsed = time.perf_counter() - start
    async with app.engine.connect() as connection:
        kept = (await connection.scalar(select(func.count()).select_from(OutboxRow)),
                await connection.scalar(select(func.count()).select_from(ProcessedEventRow)))
    await app.close()
    return (f"deleted {deleted['outbox']} sent rows + {deleted['processed_events']} event ids in {elapsed:.2f} s, "
            f"{len(durations)} transactions, slowest {max(durations) * 1000:.0f} ms; kept {kept[0]} + {kept[1]}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=12000)
    parser.add_argument("--pg", default=os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db")]
        if args.pg != "none":
            targets.append(("PostgreSQL", args.pg))
        for name, url in targets:
            if name == "PostgreSQL":
                try:
                    url = await create_database(url, "copbot_bench_prune")
                except Exception as error:  # noqa: BLE001
                    print(f"{name}: skipped ({type(error).__name__}: {error})")
                    continue
            print(f"{name:10} {await run(url, args.n)}")
            if name == "PostgreSQL":
                await drop_database(args.pg, "copbot_bench_prune")


if __name__ == "__main__":
    asyncio.run(main())
