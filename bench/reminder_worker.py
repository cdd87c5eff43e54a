"""One copbot dispatcher process for the reminder benchmark and the multi-process test.

    python bench/reminder_worker.py seed --url URL --n 5000 --due-in 3
    python bench/reminder_worker.py work --url URL --out sends.log [--lease 60] [--idle-exit 3]

`seed` writes N one-off meetups, each with one "meetup_reminder" outbox row due at the same
instant (now + --due-in seconds), and prints that instant (unix seconds). `work` builds the app
against the database (no migration: the seeder did it), and loops `dispatcher.run_due()` with an
unthrottled fake platform that appends one line per send to --out ("pid key unix_time"),
written with a single O_APPEND write so a SIGKILL can't leave half a line. It exits once nothing
was due for --idle-exit seconds after the first send."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from adapters.app.bootstrap import build  # noqa: E402
from adapters.app.config import Config, DatabaseConfig  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.dispatch import Dispatcher  # noqa: E402
from bot.features.catalog import (
    CommunitySettings,  # noqa: E402
    all_features,  # noqa: E402
)
from bot.identity import MemberRef, Person  # noqa: E402
from storage.models import OutboxRow  # noqa: E402
from storage.models_meetups import MeetupRow, OccurrenceRow  # noqa: E402

PLATFORM = "bench"
CHUNK = 1000


class RecordingPlatform:
    """An unthrottled fake platform: every send is one appended line."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.pid = os.getpid()

    async def send(self, target, reply, *, key: str) -> None:
        os.write(self.fd, f"{self.pid} {key} {time.time():.6f}\n".encode())


async def seed(url: str, n: int, due_in: float) -> float:
    app = await build(Config(database=DatabaseConfig(url=url)))
    due = datetime.now(UTC) + timedelta(seconds=due_in)
    start = (due + timedelta(hours=1)).replace(microsecond=0)
    local_start = start.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None).isoformat(timespec="seconds")
    async with app.core.uow_factory() as uow:
        community = await uow.communities.create(f"bench {time.time_ns()}", "Europe/Berlin", CommunitySettings())
        creator = await uow.members.upsert(community.id, Person(MemberRef(PLATFORM, "W1", "U1"), "champion"),
                                           now=due)
        await uow.commit()
    async with app.engine.begin() as connection:
        for first in range(0, n, CHUNK):
            count = min(CHUNK, n - first)
            meetups = await connection.execute(insert(MeetupRow).returning(MeetupRow.id), [dict(
                community_id=community.id, number=first + i + 1, creator_id=creator.id, title=f"Meetup {first + i}",
                description="",
                location="", platform=PLATFORM, workspace_id="W1", channel_id=f"C{(first + i) % 50}",
                zone="Europe/Berlin", local_start=local_start,
                duration_minutes=60, rrule=None, capacity=None, offsets="1h", scheduled_until=start,
                cancelled_at=None, created_at=due) for i in range(count)])
            meetup_ids = [row[0] for row in meetups]
            occurrences = await connection.execute(insert(OccurrenceRow).returning(OccurrenceRow.id), [dict(
                community_id=community.id, meetup_id=m, original_start=start, start_at=start) for m in meetup_ids])
            ids = [row[0] for row in occurrences]
            await connection.execute(insert(OutboxRow), [dict(
                community_id=community.id, kind="meetup_reminder", due_at=due, attempts=0, created_at=due,
                payload={"occurrence_id": o, "start": start.isoformat(), "offset": "1h", "offsets": ["1h"]},
                dedupe_key=f"reminder:{o}@{int(start.timestamp())}:1h") for o in ids])
    await app.close()
    return due.timestamp()


async def work(url: str, out: str, lease: float, idle_exit: float, batch: int) -> None:
    app = await build(Config(database=DatabaseConfig(url=url)), migrate=False)
    platform = RecordingPlatform(out)
    dispatcher = Dispatcher(app.core.uow_factory, platform, SystemClock(), all_features(),
                            lease_seconds=lease, batch=batch)
    print("ready", flush=True)
    last_work, worked = time.monotonic(), False
    try:
        while True:
            settled = await dispatcher.run_due()
            if settled:
                last_work, worked = time.monotonic(), True
            elif worked and time.monotonic() - last_work > idle_exit:
                return
            elif not worked and time.monotonic() - last_work > 120:
                return
            else:
                await asyncio.sleep(0.01)  # the clock adapter wakes the dispatcher at the next due time
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("seed", "work"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--due-in", type=float, default=3.0)
    parser.add_argument("--out")
    parser.add_argument("--lease", type=float, default=60)
    parser.add_argument("--idle-exit", type=float, default=3)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    if args.mode == "seed":
        print(f"{asyncio.run(seed(args.url, args.n, args.due_in)):.6f}")
    else:
        asyncio.run(work(args.url, args.out, args.lease, args.idle_exit, args.batch))


if __name__ == "__main__":
    main()
