"""How long `/link CODE` takes when both members have history: seeds N kudos as bench/kudos.py --board does
(2,000 members, two years, a third tagged), then links two of them through the whole core and times it (the merge
moves their rows and recounts the community's running leaderboard totals).

    python bench/linking.py [--n 100000]   (SQLite, in a temporary folder)
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/kudos.py, for its seeding

from kudos import FixedClock, seed  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig  # noqa: E402
from bot.core import Invocation  # noqa: E402
from bot.identity import MemberRef, Person, Place  # noqa: E402
from storage.repositories import kudos_totals  # noqa: E402


async def run(n: int) -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        app = await build(Config(database=DatabaseConfig(url=f"sqlite+aiosqlite:///{folder}/bench.db")),
                          clock=FixedClock(now))
        try:
            place = Place("slack", "T1", "C1", workspace_name="Bench")
            community_id = await seed(app, place, n, now)
            async with app.engine.begin() as db:
                await kudos_totals.rebuild(db, community_id, "UTC", now)  # as migration 0007 would
            one, two = (Person(MemberRef("slack", "T1", u), u.lower()) for u in ("U1", "U2"))
            offered = await app.core.handle(Invocation(one, place, "link"))
            code = re.search(r"\b[A-Z2-9]{8}\b", offered.text).group(0)
            started = time.perf_counter()
            reply = await app.core.handle(Invocation(two, place, f"link {code}"))
            took = time.perf_counter() - started
            assert "Linked" in reply.text, reply.text
            print(f"sqlite  {n:>9,} kudos: /link CODE merging two members with history in {took * 1000:,.0f} ms")
        finally:
            await app.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    asyncio.run(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
