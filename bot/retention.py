"""Forgetting what is no longer needed: old processed event ids and long-sent outbox rows.

Both tables gain a row per event or message for ever otherwise. What is kept:

* processed event ids for a day: they exist only to recognise a platform's redelivery, and Slack retries
  an event within minutes (at most about an hour); a resumed Discord session replays minutes, not days;
* sent outbox rows for a week, for looking into what was sent when (the audit log keeps its own records).
  Their dedupe keys are no longer needed by then: every kind schedules only rows that are still ahead.

Rows that were never sent (given up on, `failed_at`) are kept: they are the record of what was lost.
Deletes go in batches, one short transaction each, so a large backlog never holds a long lock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.ports import UnitOfWork

log = logging.getLogger("copbot.retention")


@dataclass(frozen=True)
class Retention:
    processed_events: timedelta = timedelta(days=1)
    sent_messages: timedelta = timedelta(days=7)
    batch: int = 1000


class Pruner:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, retention: Retention = Retention()):
        self.uow_factory = uow_factory
        self.clock = clock
        self.retention = retention

    async def prune(self) -> dict[str, int]:
        """Delete what is past its retention; returns how many rows went from each table."""
        now, keep = self.clock.now(), self.retention
        deleted = {
            "processed_events": await self._in_batches(
                lambda uow: uow.events.prune(now - keep.processed_events, keep.batch)),
            "outbox": await self._in_batches(
                lambda uow: uow.outbox.prune_sent(now - keep.sent_messages, keep.batch)),
        }
        if any(deleted.values()):
            log.info("pruned %s processed event ids and %s sent outbox rows",
                     deleted["processed_events"], deleted["outbox"])
        return deleted

    async def _in_batches(self, delete: Callable[[UnitOfWork], Awaitable[int]]) -> int:
        total = 0
        while True:
            async with self.uow_factory() as uow:
                count = await delete(uow)
                await uow.commit()
            total += count
            if count < self.retention.batch:
                return total
            await asyncio.sleep(0)  # let the bot's other work in between two batches
