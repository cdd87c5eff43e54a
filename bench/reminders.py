"""Time from due to sent for 10,000 meetup reminders due in the same minute (all at one instant,
the worst case), through the real dispatcher and outbox, against an unthrottled fake platform.

    python bench/reminders.py [--n 10000] [--pg postgresql+asyncpg://root@127.0.0.1:5432/test]

Scenarios: SQLite with one process; PostgreSQL with one and with three processes (each a
`bench/reminder_worker.py work` process polling like the clock adapter does). Prints, per scenario,
how many were sent, duplicates, and the latency from the due time (p50, p95, max). Target: all sent
within 10 s of due."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.fakes.postgres import create_database  # noqa: E402

WORKER = ROOT / "bench" / "reminder_worker.py"
PG_DEFAULT = os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")


async def migrate(url: str) -> None:
    engine = make_engine(url)
    await upgrade(engine)
    await engine.dispose()


def scenario(label: str, url: str, n: int, processes: int, due_in: float) -> None:
    asyncio.run(migrate(url))
    out = Path(tempfile.mkdtemp()) / "sends.log"
    workers = [subprocess.Popen([sys.executable, str(WORKER), "work", "--url", url, "--out", str(out),
                                 "--idle-exit", "2"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
               for _ in range(processes)]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    seeded = subprocess.run([sys.executable, str(WORKER), "seed", "--url", url, "--n", str(n),
                             "--due-in", str(due_in)], cwd=ROOT, capture_output=True, text=True, check=True)
    due = float(seeded.stdout.split()[-1])
    for worker in workers:
        worker.wait(timeout=300)
    rows = [line.split() for line in out.read_text().splitlines()]
    per_key = Counter(key for _, key, _ in rows)
    latencies = sorted(float(at) - due for _, _, at in rows)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    verdict = "OK" if len(per_key) == n and latencies and latencies[-1] <= 10 else "MISSED TARGET"
    print(f"{label:<26} sent {len(per_key):>6}/{n}  duplicates {len(rows) - len(per_key):>3}  "
          f"due->sent p50 {statistics.median(latencies):6.2f}s  p95 {p95:6.2f}s  max {latencies[-1]:6.2f}s  "
          f"({len(rows) / max(latencies[-1], 1e-9):,.0f}/s)  {verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL server (a scratch database is created)")
    parser.add_argument("--due-in", type=float, default=8.0, help="seconds from seeding to the due instant")
    args = parser.parse_args()
    print(f"{args.n} reminders due at one instant; fake platform records every send\n")
    with tempfile.TemporaryDirectory() as tmp:
        scenario("SQLite, 1 process", f"sqlite+aiosqlite:///{tmp}/bench.db", args.n, 1, args.due_in)
    try:
        for processes in (1, 3):
            url = asyncio.run(create_database(args.pg, "copbot_bench_reminders"))
            scenario(f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}", url, args.n,
                           processes, args.due_in)
    except OSError as error:
        print(f"PostgreSQL skipped: {error}")


if __name__ == "__main__":
    main()
