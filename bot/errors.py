"""Errors the core turns into a clear reply; anything else is our bug, logged, never shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Refusal(Exception):
    """A request the core will not carry out. Its message is shown to the person, ephemerally,
    and everything the request did so far is rolled back.

    `field` names the input it is about (a parameter or an option like "start"), when known: a form
    shows the message next to that input."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StoreUnavailable(Exception):
    """The store did not answer in time (a lock held by another process, a stalled or unreachable server).
    The unit of work was rolled back: nothing was written, and the same request may simply be tried again."""


class Conflict(Exception):
    """Another process wrote the same unique row first (two replicas creating one community at once). The unit
    of work was rolled back: nothing was written, and running the same request again finds the other's row."""


@contextmanager
def concerning(field: str) -> Iterator[None]:
    """A Refusal raised inside is about `field` (unless it already names one)."""
    try:
        yield
    except Refusal as refusal:
        if refusal.field is None:
            refusal.field = field
        raise
