"""The clock: APScheduler wakes the core's outbox dispatcher. Scheduled work itself is rows in
the store, never jobs in memory, so a restart loses nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatch import Dispatcher

log = logging.getLogger("copbot.clock")

JOB_ID = "copbot-dispatch"
MAX_SLEEP = timedelta(seconds=5)


class DispatchClock:
    """One APScheduler job runs the dispatcher at least every 5 seconds, and sooner when the
    next row is due sooner or a commit queued something due now."""

    def __init__(self, dispatcher: Dispatcher):
        self.dispatcher = dispatcher
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._ticking = asyncio.Lock()  # held by a dispatcher pass in flight

    def start(self) -> None:
        self.scheduler.add_job(
            self._tick, "interval", seconds=MAX_SLEEP.total_seconds(), id=JOB_ID, replace_existing=True,
            misfire_grace_time=None, coalesce=True, max_instances=1, next_run_time=datetime.now(UTC))
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

    async def stop(self) -> None:
        if self.scheduler.running:
            # Let a pass in flight finish: shutdown cancels it, and a cancelled SQLAlchemy/aiosqlite call
            # can leave engine.dispose() waiting forever (copbot then never exits on SIGTERM).
            self.scheduler.pause()
            async with self._ticking:
                self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
