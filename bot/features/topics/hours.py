"""Working hours ("Mon-Fri 09:00-18:00" in a zone): whether someone is awake now, and a delay counted in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """"Mon-Fri 09:00-18:00", "sat 10:00-14:00"; the end is after the start on the same day."""
        m = _SPEC.match(text.casefold())
        if not m or m[1] not in DAYS or (m[2] and m[2] not in DAYS):
            raise ValueError("write working hours like Mon-Fri 09:00-18:00")
        first, last = DAYS.index(m[1]), DAYS.index(m[2] or m[1])
        days = frozenset(range(first, last + 1)) if first <= last else frozenset((*range(first, 7), *range(last + 1)))
        try:
            start, end = time(int(m[3]), int(m[4])), time(int(m[5]), int(m[6]))
        except ValueError:
            raise ValueError("hours are 00:00 to 23:59") from None
        if end <= start:
            raise ValueError("working hours end after they start, on the same day")
        return cls(days, start, end)

    def __str__(self) -> str:
        ordered = sorted(self.days)
        span = DAYS[ordered[0]].title() + (f"-{DAYS[ordered[-1]].title()}" if len(ordered) > 1 else "")
        return f"{span} {self.start:%H:%M}-{self.end:%H:%M}"

    def awake(self, moment: datetime, zone: str) -> bool:
        local = moment.astimezone(ZoneInfo(zone))
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def after(self, start: datetime, duration: timedelta, zone: str) -> datetime:
        """The moment `duration` of working time has passed since `start` (UTC in, UTC out).

        Walks day by day in local time, so DST changes and weekends fall where they should."""
        tz = ZoneInfo(zone)
        left = duration
        day = start.astimezone(tz).date()
        for _ in range(3700):  # at most ten years of days: a bounded walk whatever the settings
            if day.weekday() in self.days:
                opens = datetime.combine(day, self.start, tz).astimezone(UTC)
                closes = datetime.combine(day, self.end, tz).astimezone(UTC)
                begin = max(opens, start)
                if begin < closes:
                    if begin + left <= closes:
                        return begin + left
                    left -= closes - begin
            day += timedelta(days=1)
        return start + duration
