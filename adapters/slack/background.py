"""Work that runs after Slack has been answered (posting event replies): tracked, logged, drained on stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

log = logging.getLogger("copbot.slack")


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, work: Awaitable, what: str) -> None:
        task = asyncio.ensure_future(self._run(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, work: Awaitable, what: str) -> None:
        try:
            await work
        except Exception:
            # The core has committed; the reply could not be delivered even after the client's retries.
            log.exception("sending %s to Slack failed", what)

    async def drain(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
