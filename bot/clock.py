"""Time as a port, so tests control it."""

from __future__ import annotations

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


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones() | {"UTC"})


def local_today(now: datetime, zone_name: str) -> date:
    return now.astimezone(ZoneInfo(zone_name)).date()


def local_midnight_utc(day: date, zone_name: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
