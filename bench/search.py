"""/search at scale: p50/p99 through the whole core over 10,000 and 100,000 questions with answers, and what
the full-text index costs on the write path.

    python bench/search.py [--sizes 10000 100000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test|none]

Seeds each size with bulk INSERTs (a Zipf-distributed vocabulary of 5,000 words, 20-40 words a question, two
answers each, 60% solved with one accepted, 20 tags), so SQLite's triggers and PostgreSQL's GIN index are built
as they would be row by row. Then 200 searches of two words taken from a random question (so most have hits),
and 200 with a tag filter, each through `core.handle`, after 200 not counted (warm caches). On PostgreSQL it works in a scratch database
`copbot_bench_search` next to the one --pg names.

The write path: 300 questions inserted and committed one by one with their search text, against 300 with an
empty one (nothing to index), and the p50 of `/ask` through the core (no offer: its words match nothing)."""

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

from sqlalchemy import func, insert, select, text  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig  # noqa: E402
from bot.core import Invocation  # noqa: E402
from bot.identity import MemberRef, Person, Place  # noqa: E402
from storage.models import CommunityRow, MemberRow, TagRow  # noqa: E402
from storage.models_questions import AnswerRow, QuestionRow, QuestionTagRow  # noqa: E402
from tests.fakes.postgres import create_database, reset_schema  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ter", "san", "vo", "rel", "pa", "du", "nix", "qua", "bri", "tol", "fen", "gar", "hu"]
MEMBERS = 500
TAGS = 20
RUNS = 200
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def vocabulary(rng: random.Random, n: int = 5000) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]

    def sentence(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choices(self.words, self.weights, k=self.rng.randint(lo, hi))) + "?"


async def seed(app, place: Place, n: int, writer: Writer) -> int:
    await app.core.handle(Invocation(Person(MemberRef("slack", "T1", "U0"), "m0"), place, "help"))
    async with app.engine.begin() as db:
        community_id = (await db.execute(select(CommunityRow.id))).scalar_one()
        await db.execute(insert(MemberRow), [
            {"community_id": community_id, "platform": "slack", "workspace_id": "T1", "user_id": f"U{i}",
             "name": f"m{i}", "created_at": NOW} for i in range(1, MEMBERS)])
        members = list((await db.execute(select(MemberRow.id).where(MemberRow.is_bot.is_(False)))).scalars())
        tags = list((await db.execute(insert(TagRow).returning(TagRow.id), [
            {"community_id": community_id, "name": f"tag{i}", "created_at": NOW} for i in range(TAGS)])).scalars())
    rng = writer.rng
    for first in range(0, n, 5_000):
        questions, answers = [], []
        for number in range(first + 1, min(first + 5_000, n) + 1):
            asked = NOW - timedelta(minutes=rng.randrange(2 * 365 * 1440))
            status = "solved" if rng.random() < 0.6 else rng.choice(["open", "open", "open", "stale"])
            question, replies = writer.sentence(20, 40), [writer.sentence(10, 30), writer.sentence(10, 30)]
            accepted = replies[0] if status == "solved" else None
            questions.append({
                "community_id": community_id, "number": number, "asker_id": rng.choice(members), "text": question,
                "status": status, "platform": "slack", "workspace_id": "T1", "channel_id": "C1",
                "message_id": f"{number}.000", "search_text": "\n".join(filter(None, [question, accepted])),
                "created_at": asked, "posted_at": asked, "last_activity_at": asked,
                "solved_at": asked if accepted else None})
            answers.append((replies, accepted is not None))
        async with app.engine.begin() as db:
            ids = (await db.execute(insert(QuestionRow).returning(QuestionRow.id), questions)).scalars().all()
            await db.execute(insert(QuestionTagRow), [
                {"community_id": community_id, "question_id": qid, "tag_id": tags[qid % TAGS]} for qid in ids])
            await db.execute(insert(AnswerRow), [
                {"community_id": community_id, "question_id": qid, "number": k + 1, "author_id": rng.choice(members),
                 "text": reply, "platform": "slack", "workspace_id": "T1", "channel_id": "C1",
                 "message_id": f"{qid}.{k + 1}", "created_at": NOW, "kudos_given": False,
                 "accepted_at": NOW if solved and k == 0 else None}
                for qid, (replies, solved) in zip(ids, answers, strict=True) for k, reply in enumerate(replies)])
    if app.engine.dialect.name == "postgresql":  # as autovacuum would after a bulk load: statistics, hint bits
        async with app.engine.connect() as db:
            await db.execution_options(isolation_level="AUTOCOMMIT")
            await db.execute(text("VACUUM (ANALYZE) questions, question_tags, question_answers"))
    return community_id


def percentiles(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=100)[98]


async def searches(app, place: Place, writer: Writer, n: int, tagged: bool) -> tuple[float, float, float]:
    asker = Person(MemberRef("slack", "T1", "U1"), "m1")
    rng = random.Random(7)
    times, found = [], 0
    for _ in range(RUNS):
        words = rng.sample(writer.sentence(20, 40).rstrip("?").split(), 2)
        line = f"search {' '.join(words)}" + (f" #tag{rng.randrange(TAGS)}" if tagged else "")
        start = time.perf_counter()
        reply = await app.core.handle(Invocation(asker, place, line))
        times.append((time.perf_counter() - start) * 1000)
        found += "No question matches" not in reply.text
    p50, p99 = percentiles(times)
    return p50, p99, found / RUNS


async def write_path(app, community_id: int, writer: Writer, place: Place) -> tuple[float, float, float]:
    """ms per question inserted and committed, with and without its search text; /ask's p50 through the core."""
    async def one_by_one(indexed: bool) -> float:
        start = time.perf_counter()
        for _ in range(300):
            question = writer.sentence(20, 40)
            async with app.engine.begin() as db:
                last = (await db.execute(select(func.max(QuestionRow.number)).where(
                    QuestionRow.community_id == community_id))).scalar_one()
                await db.execute(insert(QuestionRow).values(
                    community_id=community_id, number=last + 1, asker_id=1, text=question, status="open",
                    platform="slack", workspace_id="T1", channel_id="C1", search_text=question if indexed else "",
                    created_at=NOW, last_activity_at=NOW))
        return (time.perf_counter() - start) / 300 * 1000

    plain, indexed = await one_by_one(False), await one_by_one(True)
    asker = Person(MemberRef("slack", "T1", "U2"), "m2")
    times = []
    for i in range(100):
        start = time.perf_counter()
        reply = await app.core.handle(Invocation(asker, place, f"ask zzunique{i} question about nothing"))
        times.append((time.perf_counter() - start) * 1000)
        assert "is posted" in reply.text, reply.text
    return plain, indexed, statistics.median(times)


async def run(name: str, url: str, size: int) -> None:
    app = await build(Config(database=DatabaseConfig(url=url)), clock=FixedClock())
    place = Place("slack", "T1", "C1", workspace_name="Bench")
    writer = Writer(size)
    started = time.perf_counter()
    community_id = await seed(app, place, size, writer)
    print(f"{name} {size:,} questions (+{2 * size:,} answers) seeded in {time.perf_counter() - started:.0f} s")
    await searches(app, place, writer, size, tagged=False)  # warm-up: caches and prepared statements, not counted
    p50, p99, hits = await searches(app, place, writer, size, tagged=False)
    print(f"  /search two words        p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({hits:.0%} found something)")
    p50, p99, hits = await searches(app, place, writer, size, tagged=True)
    print(f"  /search two words #tag   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({hits:.0%} found something)")
    plain, indexed, ask = await write_path(app, community_id, writer, place)
    print(f"  write path: insert+commit {plain:.2f} ms without search text, {indexed:.2f} ms with "
          f"(+{indexed - plain:.2f} ms); /ask through the core p50 {ask:.1f} ms")
    await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--pg", default=os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test"))
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            if not args.no_sqlite:
                await run("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", size)
            if args.pg != "none":
                try:
                    url = await create_database(args.pg, "copbot_bench_search")
                    await reset_schema(url)
                except Exception as error:  # noqa: BLE001
                    print(f"PostgreSQL: skipped ({type(error).__name__}: {error})")
                    continue
                await run("PostgreSQL", url, size)


if __name__ == "__main__":
    asyncio.run(main())
