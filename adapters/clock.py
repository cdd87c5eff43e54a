"""The clock: APScheduler wakes the core's outbox dispatcher, and hourly its pruner. Scheduled work
itself is rows in the store, never jobs in memory, so a restart loses nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatch import Dispatcher
from bot.retention import Pruner

log = logging.getLogger("copbot.clock")

JOB_ID = "copbot-dispatch"
PRUNE_JOB_ID = "copbot-prune"
MAX_SLEEP = timedelta(seconds=5)
PRUNE_EVERY = timedelta(hours=1)


class DispatchClock:
    """One APScheduler job runs the dispatcher at least every 5 seconds, and sooner when the
    next row is due sooner or a commit queued something due now."""

    def __init__(self, dispatcher: Dispatcher, pruner: Pruner | None = None,
                 prune_every: timedelta = PRUNE_EVERY):
        self.dispatcher = dispatcher
        self.pruner = pruner
        self.prune_every = prune_every
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._ticking = asyncio.Lock()  # held by a dispatcher pass in flight
        self._pruning = asyncio.Lock()  # held by a pruning pass in flight

    def start(self) -> None:
        self.scheduler.add_job(
            self._tick, "interval", seconds=MAX_SLEEP.total_seconds(), id=JOB_ID, replace_existing=True,
            misfire_grace_time=None, coalesce=True, max_instances=1, next_run_time=datetime.now(UTC))
        if self.pruner is not None:
            # First pass soon after start (catching up after downtime), then every prune_every.
            self.scheduler.add_job(
                self._prune, "interval", seconds=self.prune_every.total_seconds(), id=PRUNE_JOB_ID,
                replace_existing=True, misfire_grace_time=None, coalesce=True, max_instances=1,
                next_run_time=datetime.now(UTC) + min(self.prune_every, timedelta(minutes=1)))
        self.scheduler.start()

    def wake(self) -> None:
        """Run the dispatcher as soon as possible (called after every commit)."""
        if self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))

    async def _tick(self) -> None:
        async with self._ticking:
            await self._pass()

    async def _pass(self) -> None:
        try:
            await self.dispatcher.run_due()
            next_due = await self.dispatcher.next_due_at()
        except Exception:
            log.exception("dispatcher pass failed; the next tick retries")
            return
        now = datetime.now(UTC)
        if next_due is not None and next_due < now + MAX_SLEEP:
            self.scheduler.modify_job(JOB_ID, next_run_time=max(next_due, now + timedelta(milliseconds=50)))

    async def _prune(self) -> None:
        async with self._pruning:
            try:
                await self.pruner.prune()
            except Exception:
                log.exception("pruning failed; the next run retries")

    async def stop(self) -> None:
        if self.scheduler.running:
            # Let passes in flight finish: shutdown cancels them, and a cancelled SQLAlchemy/aiosqlite call
            # can leave engine.dispose() waiting forever (copbot then never exits on SIGTERM).
            self.scheduler.pause()
            async with self._ticking, self._pruning:
                self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
