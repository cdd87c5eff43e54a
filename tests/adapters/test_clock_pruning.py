"""The clock wakes the pruner on its own schedule (issue 10, defect 7); stopping waits for a pass in flight."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.clock import PRUNE_EVERY, PRUNE_JOB_ID, DispatchClock


class IdleDispatcher:
    async def run_due(self) -> int:
        return 0

    async def next_due_at(self):
        return None


class CountingPruner:
    def __init__(self):
        self.passes = 0
        self.ran = asyncio.Event()

    async def prune(self) -> dict[str, int]:
        self.passes += 1
        self.ran.set()
        return {}


async def test_the_clock_prunes_soon_after_start_and_then_every_interval():
    pruner = CountingPruner()
    clock = DispatchClock(IdleDispatcher(), pruner, prune_every=timedelta(milliseconds=100))
    clock.start()
    try:
        await asyncio.wait_for(pruner.ran.wait(), 5)
        pruner.ran.clear()
        await asyncio.wait_for(pruner.ran.wait(), 5)
    finally:
        await clock.stop()
    assert pruner.passes >= 2


async def test_by_default_pruning_is_hourly_with_a_first_pass_within_a_minute():
    clock = DispatchClock(IdleDispatcher(), CountingPruner())
    clock.start()
    try:
        job = clock.scheduler.get_job(PRUNE_JOB_ID)
        assert job.trigger.interval == PRUNE_EVERY == timedelta(hours=1)
        wait = job.next_run_time - datetime.now(UTC)
        assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    finally:
        await clock.stop()
