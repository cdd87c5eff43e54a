"""What the core tells the outside world about its own work: counts and timings for an `Observer` (the
composition root implements it with Prometheus), and the request a log line belongs to.

The core knows no metrics library and no log format. It calls a few plain methods and sets a context
variable; adapters/metrics.py and adapters/app/logs.py turn those into metrics and structured log fields."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.ports import UnitOfWork

HANDLED, REFUSED, FAILED = "handled", "refused", "error"  # a command's outcome


class Observer(Protocol):
    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        """A command ran: `outcome` is HANDLED, REFUSED (a reply saying no) or FAILED (a bug)."""

    def event_deduplicated(self, platform: str) -> None:
        """A platform event arrived again (a retry) and was not processed twice."""

    def error(self, where: str) -> None:
        """Something failed and was logged: "command", "event", "listener", "outbox"."""

    def delivered(self, kind: str, lag_seconds: float) -> None:
        """An outbox row went out `lag_seconds` after it was due."""


class NoObserver:
    """The default: observes nothing."""

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        pass

    def event_deduplicated(self, platform: str) -> None:
        pass

    def error(self, where: str) -> None:
        pass

    def delivered(self, kind: str, lag_seconds: float) -> None:
        pass


# The request a log line belongs to --------------------------------------------------------------


@dataclass(frozen=True)
class RequestInfo:
    """Logged with every line written while a command or event is handled. Never message text."""

    request_id: str
    kind: str  # "command" or "event"
    community_id: int | None = None


current_request: ContextVar[RequestInfo | None] = ContextVar("copbot_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:8]


@contextmanager
def request(kind: str) -> Iterator[RequestInfo]:
    """Mark the work done inside as one request; its id is the reference a person is shown on a failure."""
    info = RequestInfo(new_request_id(), kind)
    token = current_request.set(info)
    try:
        yield info
    finally:
        current_request.reset(token)


def in_community(community_id: int) -> None:
    """Record which community the current request turned out to be for."""
    info = current_request.get()
    if info is not None and info.community_id != community_id:
        current_request.set(replace(info, community_id=community_id))


# The outbox as an operator sees it --------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    due: int  # unsent rows due now
    oldest_due_seconds: float  # how long the oldest of them has waited (0 when none)


async def outbox_backlog(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> Backlog:
    """Read-only: what the dispatcher has yet to send. Called when metrics are scraped."""
    now = clock.now()
    async with uow_factory() as uow:
        due, oldest = await uow.outbox.due_backlog(now)
    return Backlog(due, _age(now, oldest))


def _age(now: datetime, then: datetime | None) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0
