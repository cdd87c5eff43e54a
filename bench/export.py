"""`copbot export` of a community with many kudos: time and peak memory of the real CLI process, for two sizes
(memory should not grow with the kudos), and `copbot import` of the same file into the other store.

    python bench/export.py [--n 10000,1000000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test | none]

The community (1,000 members, 5 tags, a tag on every third kudos) is seeded with bulk INSERTs. Exports run from
SQLite, and from PostgreSQL when --pg is given (a scratch database `copbot_bench_export` next to the one it
names); each file is then imported into the other store (into SQLite when only SQLite is there).
Peak RSS is the child process's own (os.wait4), so the benchmark's seeding does not count."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, literal, select, update  # noqa: E402

from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import BindingRow, CommunityRow, KudosRow, KudosTagRow, MemberRow, TagRow  # noqa: E402
from tests.fakes.postgres import create_database, reset_schema  # noqa: E402

NAME, MEMBERS, TAGS, CHUNK = "Bench community", 1000, 5, 10_000


async def seed(url: str, n: int) -> None:
    engine = make_engine(url, statement_timeout=None)
    await upgrade(engine)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    async with engine.begin() as conn:
        cid = (await conn.execute(insert(CommunityRow).returning(CommunityRow.id), [
            {"name": NAME, "zone": "Europe/Berlin", "settings": {}, "created_at": start}])).scalar()
        await conn.execute(insert(BindingRow), [{"community_id": cid, "platform": "slack", "workspace_id": "TB"}])
        members = (await conn.execute(insert(MemberRow).returning(MemberRow.id, sort_by_parameter_order=True), [
            {"community_id": cid, "platform": "slack", "workspace_id": "TB", "user_id": f"U{i}", "name": f"m{i}",
             "created_at": start} for i in range(MEMBERS)])).scalars().all()
        tags = (await conn.execute(insert(TagRow).returning(TagRow.id, sort_by_parameter_order=True), [
            {"community_id": cid, "name": f"tag{i}", "created_at": start} for i in range(TAGS)])).scalars().all()
    for first in range(0, n, CHUNK):
        async with engine.begin() as conn:
            await conn.execute(insert(KudosRow), [
                {"community_id": cid, "number": i + 1, "batch": f"b{i}", "giver_id": members[i % MEMBERS],
                 "receiver_id": members[(i * 7 + 1) % MEMBERS], "reason": f"thanks for the help number {i}",
                 "source": "command", "platform": "slack", "workspace_id": "TB", "channel_id": "C1",
                 "created_at": start + timedelta(minutes=i)} for i in range(first, min(first + CHUNK, n))])
    k = KudosRow.__table__
    async with engine.begin() as conn:  # every third kudos gets a tag
        for index, tag in enumerate(tags):
            await conn.execute(insert(KudosTagRow).from_select(
                ["community_id", "kudos_id", "tag_id"],
                select(k.c.community_id, k.c.id, literal(tag)).where(
                    k.c.community_id == cid, k.c.number % (3 * TAGS) == index * 3)))
    async with engine.begin() as conn:
        await conn.execute(update(CommunityRow).where(CommunityRow.id == cid).values(last_kudos_number=n))
    await engine.dispose()


def timed(args: list[str], url: str, stdout) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one copbot process."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DATABASE_URL": url}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "adapters.app.cli", *args], cwd=ROOT, env=env, stdout=stdout,
                             stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"copbot {args[0]} failed: {child.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", default="10000,1000000", help="kudos counts, comma-separated")
    parser.add_argument("--pg", default=os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"))
    args = parser.parse_args()
    for n in (int(x) for x in args.n.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            stores = [("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db")]
            if args.pg != "none":
                stores.append(("PostgreSQL", await create_database(args.pg, "copbot_bench_export")))
            for index, (name, url) in enumerate(stores):
                began = time.perf_counter()
                await seed(url, n)
                seeded = time.perf_counter() - began
                path = Path(tmp) / f"{name}.json"
                with path.open("wb") as out:
                    seconds, rss = timed(["export", "--community", NAME], url, out)
                size = path.stat().st_size / 2**20
                print(f"{name:10} {n:>9,} kudos  export {seconds:6.1f} s ({n / seconds:7,.0f} kudos/s), "
                      f"peak RSS {rss:5.0f} MiB, file {size:6.0f} MiB   (seeded in {seeded:.0f} s)", flush=True)
                target_name, target = (stores[1 - index] if len(stores) == 2
                                       else ("SQLite", f"sqlite+aiosqlite:///{tmp}/target.db"))
                seconds, rss = timed(["import", str(path), "--replace"], target, subprocess.DEVNULL)
                print(f"{'':10} {'':>9}        import into {target_name}: {seconds:6.1f} s "
                      f"({n / seconds:7,.0f} kudos/s), peak RSS {rss:5.0f} MiB", flush=True)
                if name == "SQLite" and len(stores) == 2:
                    await reset_schema(stores[1][1])  # emptied again before PostgreSQL is seeded itself


if __name__ == "__main__":
    asyncio.run(main())
