"""Three copbot dispatcher processes on one PostgreSQL share 5,000 due reminders: each is sent
once; with one process SIGKILLed midway nothing is lost, and the only duplicates are reminders
the killed process had sent but not yet marked sent (in flight)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.engine import make_engine
from storage.migrate import upgrade
from tests.conftest import PG_URL, require_postgres
from tests.fakes.postgres import create_database, drop_database

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]
WORKER = ROOT / "bench" / "reminder_worker.py"
N = 5000
BATCH = 100


@pytest.fixture
async def pg_url():
    await require_postgres()
    # A database of its own: other suites reset the shared one while these processes run.
    name = f"copbot_procs_{os.getpid()}"
    url = await create_database(PG_URL, name)
    engine = make_engine(url)
    await upgrade(engine)
    await engine.dispose()
    yield url
    await drop_database(PG_URL, name)


async def start_workers(url: str, out: Path, count: int, *, lease: float, idle_exit: float):
    workers = [await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), "work", "--url", url, "--out", str(out), "--lease", str(lease),
        "--idle-exit", str(idle_exit), "--batch", str(BATCH), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(count)]
    for worker in workers:  # each has built its app and is polling before anything is due
        line = await asyncio.wait_for(worker.stdout.readline(), 30)
        assert line.strip() == b"ready", (await worker.stderr.read()).decode()[-2000:]
    return workers


async def seed(url: str, n: int) -> None:
    seeder = await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), "seed", "--url", url, "--n", str(n), "--due-in", "1", cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(seeder.communicate(), 30)
    assert seeder.returncode == 0, err.decode()[-2000:]


def sends(out: Path) -> list[tuple[int, str]]:
    lines = out.read_text().splitlines() if out.exists() else []
    return [(int(pid), key) for pid, key, _ in (line.split() for line in lines)]


async def unsent_rows(url: str) -> int:
    engine = make_engine(url)
    async with engine.connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
    await engine.dispose()
    return count


async def finish(workers) -> None:
    for worker in workers:
        _, err = await asyncio.wait_for(worker.communicate(), 40)
        assert worker.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]


async def test_three_processes_send_every_reminder_exactly_once(pg_url, tmp_path):
    out = tmp_path / "sends.log"
    workers = await start_workers(pg_url, out, 3, lease=60, idle_exit=2)
    await seed(pg_url, N)
    await finish(workers)
    sent = sends(out)
    per_key = Counter(key for _, key in sent)
    per_process = Counter(pid for pid, _ in sent)
    print(f"\n{N} reminders, {len(sent)} sends, per process: {sorted(per_process.values())}")
    assert len(per_key) == N and max(per_key.values()) == 1  # every reminder, none twice
    assert len(per_process) >= 2  # the work was shared
    assert await unsent_rows(pg_url) == 0


async def test_a_process_killed_midway_loses_nothing_and_repeats_only_what_was_in_flight(pg_url, tmp_path):
    out = tmp_path / "sends.log"
    workers = await start_workers(pg_url, out, 3, lease=2, idle_exit=5)
    victim = workers[0]
    await seed(pg_url, N)
    for _ in range(3000):  # wait until the victim is busy sending, well before the end
        sent = sends(out)
        if len(sent) >= N // 4 and any(pid == victim.pid for pid, _ in sent):
            break
        await asyncio.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    before_kill = sends(out)
    await finish(workers)
    sent = sends(out)
    per_key = Counter(key for _, key in sent)
    duplicates = [key for key, times in per_key.items() if times > 1]
    by_victim = {key for pid, key in sent if pid == victim.pid}
    print(f"\nkilled pid {victim.pid} after {len(before_kill)} sends ({len(by_victim)} by it); "
          f"{len(sent)} sends for {len(per_key)} reminders; duplicates: {len(duplicates)}")
    assert victim.returncode == -signal.SIGKILL
    assert len(per_key) == N  # nothing lost
    assert max(per_key.values()) <= 2
    # Every duplicate was first sent by the killed process and not marked sent before it died:
    # at most one claimed batch was in flight.
    assert set(duplicates) <= by_victim
    assert len(duplicates) <= BATCH
    assert await unsent_rows(pg_url) == 0
