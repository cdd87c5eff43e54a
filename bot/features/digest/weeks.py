"""ISO weeks in a community's zone: 23:30 on Sunday local belongs to that week even when it is Monday in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import local_midnight_utc, local_today
from bot.errors import Refusal

_ISO = re.compile(r"(\d{4})-?W(\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    monday: date  # local
    start: datetime  # UTC instant of local Monday 00:00
    end: datetime  # UTC instant of the next local Monday 00:00

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def days(self) -> tuple[date, date]:
        """[first, last + 1) local days, as the activity counters take them."""
        return self.monday, self.monday + timedelta(days=7)


def week_of(day: date, zone_name: str) -> Week:
    monday = day - timedelta(days=day.weekday())
    return Week(monday, local_midnight_utc(monday, zone_name),
                local_midnight_utc(monday + timedelta(days=7), zone_name))


def shifted(week: Week, weeks: int, zone_name: str) -> Week:
    return week_of(week.monday + timedelta(weeks=weeks), zone_name)


def containing(moment: datetime, zone_name: str) -> Week:
    return week_of(local_today(moment, zone_name), zone_name)


def parse_week(text: str | None, now: datetime, zone_name: str) -> Week:
    """"this" (default), "last" or an ISO week "2026-W48"."""
    wanted = (text or "this").strip().lower()
    current = containing(now, zone_name)
    if wanted == "this":
        return current
    if wanted == "last":
        return shifted(current, -1, zone_name)
    match = _ISO.fullmatch(wanted)
    if match and 2000 <= int(match[1]) <= 2999:  # a digest reads 11 weeks back: year 1 would overflow
        try:
            return week_of(date.fromisocalendar(int(match[1]), int(match[2]), 1), zone_name)
        except ValueError:
            pass
    raise Refusal(f"I don't know the week '{wanted[:20]}'. Use this, last or a week like {current.label}.",
                  field="week")
