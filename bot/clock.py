"""Time as a port, so tests control it."""

from __future__ import annotations

import difflib
from datetime import UTC, date, datetime
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import Refusal


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name, or a Refusal a person can act on (file paths and junk included)."""
    if name and name in _zone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise Refusal(f"I don't know the time zone '{name[:60]}'. Use a name like Europe/Berlin.")


# In the tz database but not places: the machine's own zone (a file path) and a placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory"})


def zone_name(typed: str) -> str:
    """The canonical IANA name for what someone typed (`europe/berlin` -> `Europe/Berlin`), or a Refusal
    that suggests the closest names."""
    wanted = typed.strip()
    by_folded = _zone_names_folded()
    if wanted.casefold() in by_folded:
        return by_folded[wanted.casefold()]
    close = difflib.get_close_matches(wanted.casefold(), by_folded, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(by_folded[c] for c in close)}?" if close else ""
    raise Refusal(f"I don't know the time zone '{wanted[:60]}'. Use a name like Europe/Berlin.{hint}")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


@cache
def _zone_names_folded() -> dict[str, str]:
    return {name.casefold(): name for name in sorted(_zone_names() - _NOT_PLACES)}


def local_today(now: datetime, zone_name: str) -> date:
    return now.astimezone(ZoneInfo(zone_name)).date()


def local_midnight_utc(day: date, zone_name: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
