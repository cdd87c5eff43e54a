"""The time logic of meetups: reading a start, zones, DST, reminder offsets. Pure functions, no I/O.

Rules (tested in tests/features/meetups/test_timing.py):
- Times a person types are wall-clock times in their IANA zone; everything stored is aware UTC.
- A wall time inside a DST gap (02:30 on the spring-forward night in Berlin) is refused when typed as a start.
- A repeated wall time (02:30 on the fall-back night) means its first occurrence (fold=0, summer time);
  `fall_back_note` says so, for the reply.
- A start more than MAX_YEARS_AHEAD years ahead is refused (a typo, and dates near year 9999 overflow).
- Calendar offsets (`1d`, `1w`) keep the local wall time; elapsed offsets (`30m`, `1h`) subtract real time.
- After downtime only the latest overdue reminder of an occurrence is sent, and none once it has started.

Recurrence lives in `recurrence.py`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import dateparser

from bot import clock
from bot.errors import Refusal

# Listed in the README and by /help; each one has a test with its exact expected result.
ACCEPTED_FORMS = [
    "2026-12-03 18:00",
    "2026-12-03T18:00",
    "03.12.2026 18:00",
    "3 Dec 2026 18:00",
    "dec 3 18:00",
    "next thursday 18:00",
    "friday 6pm",
    "tomorrow 9am",
    "today 18:30",
    "in 2 hours",
    "in 45 minutes",
]

MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_REMINDER_OFFSET = timedelta(days=30)
MAX_YEARS_AHEAD = 3


class TimingError(Refusal, ValueError):
    """A time a person gave that we cannot use. str() is a sentence shown to them as is."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name (the core's one check), as a TimingError for anything else."""
    try:
        return clock.zone(name)
    except Refusal as refusal:
        raise TimingError(refusal.message) from None


def to_utc(local: datetime, zone_name: str) -> datetime:
    """UTC of a naive wall time in the zone. A repeated time is its first occurrence (fold=0);
    a time in a gap gets the pre-gap offset, i.e. lands after the gap shifted by its length
    (02:30 on the Berlin spring-forward night becomes 03:30 CEST), as Google Calendar does."""
    return local.replace(tzinfo=zone(zone_name), fold=0).astimezone(UTC)


def in_dst_gap(local: datetime, zone_name: str) -> bool:
    """True when the naive wall time does not exist in the zone (clocks jump over it)."""
    tz = zone(zone_name)
    round_trip = local.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip != local.replace(fold=0)


def describe(moment: datetime, zone_name: str) -> str:
    """'Thursday 3 December 2026, 18:00' in the zone, for messages."""
    local = moment.astimezone(zone(zone_name)) if moment.tzinfo else moment
    return f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month]} {local.year}, {local:%H:%M}"


# --- reading a start ---------------------------------------------------------------------------

_IN_DURATION = re.compile(r"in\s+(\d{1,4})\s*(minutes?|mins?|m|hours?|hrs?|h)", re.I)
_HAS_TIME_OF_DAY = re.compile(r"\d:\d\d|\d\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b", re.I)
_MONTH_WORDS = {name.lower(): i for i, name in enumerate(MONTH_NAMES) if name}
_MONTH_WORDS |= {name[:3].lower(): i for i, name in enumerate(MONTH_NAMES) if name} | {"sept": 9}
_MONTH = "(" + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True)) + r")\.?"
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?=\b|T)")
_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
_SLASHED_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(r"(?<![\w:./-])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?\b", re.I)
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?", re.I)

_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "future",
    # Numeric dates: ISO (2026-12-03) is read year-month-day whatever this says; dotted dates are
    # day-first (03.12.2026 is 3 December), as everywhere dots are used.
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
}


def parse_start(text: str, zone_name: str, now_utc: datetime) -> datetime:
    """The start a person typed, as an aware datetime in their zone; TimingError if unusable."""
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be aware")
    tz = zone(zone_name)
    cleaned = " ".join(text.split())
    if relative := _IN_DURATION.fullmatch(cleaned):
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        delta = timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount)
        start = (now_utc + delta).astimezone(tz).replace(second=0, microsecond=0)
    else:
        start = _parse_wall_time(cleaned, zone_name, now_utc)
    if start <= now_utc:
        raise TimingError(f"That start ({describe(start, zone_name)} {zone_name}) is in the past.")
    if start - now_utc > timedelta(days=366 * MAX_YEARS_AHEAD):
        raise TimingError(f"That start ({start.date().isoformat()}) is more than {MAX_YEARS_AHEAD} years ahead; "
                          "meetups can be planned up to then.")
    return start


def fall_back_note(start: datetime, zone_name: str) -> str:
    """'' for most starts; for a wall time that happens twice (02:30 on the night clocks go back),
    a sentence saying which one is taken: always the first (fold=0, as stored series expand)."""
    local = start.astimezone(zone(zone_name)).replace(tzinfo=None)
    tz = zone(zone_name)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    return (f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month]} {local.year} happens twice in {zone_name} "
            f"(clocks go back): I took the first one, {local:%H:%M} {first.tzname()} ({first.astimezone(UTC):%H:%M} "
            f"UTC). The second one ({second.tzname()}) can't be chosen: if you meant it, pick a time that "
            "happens once that night.")


def _parse_wall_time(text: str, zone_name: str, now_utc: datetime) -> datetime:
    if not text:
        raise TimingError(f"Tell me when it starts, for example '{ACCEPTED_FORMS[0]}' or '{ACCEPTED_FORMS[5]}'.")
    _check_calendar_dates(text)
    tz = zone(zone_name)
    settings = dict(_DATEPARSER_SETTINGS, RELATIVE_BASE=now_utc.astimezone(tz).replace(tzinfo=None))
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        examples = ", ".join(f"'{form}'" for form in ACCEPTED_FORMS[:6])
        raise TimingError(f"I couldn't read '{text[:60]}' as a date and time. Try one of {examples}.")
    if not _HAS_TIME_OF_DAY.search(text):  # dateparser would silently use midnight or the current time
        raise TimingError(f"Please add a time of day, for example '{text[:40]} 18:00'.")
    if parsed.tzinfo is not None:  # the person named a zone or offset: honour it
        return parsed.astimezone(tz).replace(second=0, microsecond=0)
    local = parsed.replace(second=0, microsecond=0)
    if in_dst_gap(local, zone_name):
        raise TimingError(
            f"{local:%H:%M} on {local.day} {MONTH_NAMES[local.month]} {local.year} does not exist in "
            f"{zone_name} (clocks jump forward); pick another time."
        )
    return local.replace(tzinfo=tz, fold=0)


def _check_calendar_dates(text: str) -> None:
    """Refuse impossible dates ourselves: dateparser returns None for 2027-02-30 and silently
    reads 2026-13-01 as 13 January."""
    for year, month, day in _ISO_DATE.findall(text):
        _check_day(int(day), int(month), int(year))
    for day, month, year in _DOTTED_DATE.findall(text):
        _check_day(int(day), int(month), _full_year(year))
    for first, second, year in _SLASHED_DATE.findall(text):
        first_n, second_n = int(first), int(second)
        if first_n <= 12 and second_n <= 12 and first_n != second_n:
            raise TimingError(
                f"{first}/{second}/{year} could mean {first_n} {MONTH_NAMES[second_n]} or "
                f"{second_n} {MONTH_NAMES[first_n]}; write it as {_full_year(year)}-{second_n:02}-{first_n:02} "
                f"or {first_n} {MONTH_NAMES[second_n][:3]} {_full_year(year)}."
            )
        day, month = (first_n, second_n) if first_n > 12 or first_n == second_n else (second_n, first_n)
        _check_day(day, month, _full_year(year))
    for day, month_word, year in _DAY_MONTH.findall(text):
        _check_day(int(day), _MONTH_WORDS[month_word.lower()], int(year) if year else None)
    for month_word, day, year in _MONTH_DAY.findall(text):
        _check_day(int(day), _MONTH_WORDS[month_word.lower()], int(year) if year else None)


def _full_year(year: str) -> int:
    return int(year) if len(year) == 4 else 2000 + int(year)


def _check_day(day: int, month: int, year: int | None) -> None:
    if not 1 <= month <= 12:
        raise TimingError(f"There is no month {month}; months go from 1 to 12.")
    if year is not None and day == 29 and month == 2 and not calendar.isleap(year):
        raise TimingError(f"There is no 29 February in {year}.")
    if not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:  # 2000 is a leap year
        raise TimingError(f"There is no {day} {MONTH_NAMES[month]}.")


# --- reminders ---------------------------------------------------------------------------------

_OFFSET = re.compile(r"(\d{1,5})([mhdw])")


@dataclass(frozen=True)
class Offset:
    """How long before an occurrence a reminder is due. Days and weeks are calendar offsets
    (same wall time N days before); minutes and hours are elapsed time."""

    amount: int
    unit: str

    @property
    def is_calendar(self) -> bool:
        return self.unit in ("d", "w")

    @property
    def approximate(self) -> timedelta:
        return {"m": timedelta(minutes=1), "h": timedelta(hours=1),
                "d": timedelta(days=1), "w": timedelta(weeks=1)}[self.unit] * self.amount

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_offset(text: str) -> Offset:
    """`30m`, `1h`, `90m`, `1d`, `2d`, `1w` -> Offset; TimingError otherwise."""
    cleaned = text.strip().lower()
    match = _OFFSET.fullmatch(cleaned)
    if not match:
        raise TimingError(
            f"'{text.strip()[:20]}' is not a reminder time. Use a number and a unit: "
            "30m (minutes), 1h (hours), 1d (days) or 1w (weeks)."
        )
    offset = Offset(int(match.group(1)), match.group(2))
    if offset.amount == 0:
        raise TimingError("A reminder has to come at least 1 minute before the meetup.")
    if offset.approximate > MAX_REMINDER_OFFSET:
        raise TimingError(f"A reminder can be at most {MAX_REMINDER_OFFSET.days} days before the meetup.")
    return offset


def reminder_due(occurrence_start_utc: datetime, zone_name: str, offset: str | Offset) -> datetime:
    """When a reminder is due, in UTC. `1d` is the same local wall time the day before (so a
    Sunday 18:00 meetup on a DST-change day is reminded at 18:00 on Saturday); `1h` is 60 minutes
    of real time before."""
    if occurrence_start_utc.tzinfo is None:
        raise ValueError("occurrence_start_utc must be aware")
    offset = parse_offset(offset) if isinstance(offset, str) else offset
    if not offset.is_calendar:
        return occurrence_start_utc.astimezone(UTC) - offset.approximate
    local = occurrence_start_utc.astimezone(zone(zone_name)).replace(tzinfo=None)
    return to_utc(local - offset.approximate, zone_name)


def latest_overdue(due_times: Iterable[datetime], now: datetime) -> datetime | None:
    """The latest due time that has passed (<= now), or None."""
    return max((due for due in due_times if due <= now), default=None)


ReminderId = TypeVar("ReminderId", bound=Hashable)


def reminders_to_send(
    occurrence_start_utc: datetime, due_list_with_ids: Iterable[tuple[ReminderId, datetime]], now: datetime
) -> tuple[list[ReminderId], list[ReminderId]]:
    """Which of one occurrence's pending reminders to send now and which to drop for good.

    Once the occurrence has started every reminder is dropped. Before that, of the overdue ones
    (due <= now) only the latest is sent; the earlier ones are dropped, so after downtime a member
    gets one reminder, not a burst. Reminders not yet due are in neither list.
    """
    pending = list(due_list_with_ids)
    if now >= occurrence_start_utc:
        return [], [reminder_id for reminder_id, _ in pending]
    overdue = [(reminder_id, due) for reminder_id, due in pending if due <= now]
    if not overdue:
        return [], []
    latest_id, _ = max(overdue, key=lambda item: item[1])
    return [latest_id], [reminder_id for reminder_id, _ in overdue if reminder_id != latest_id]
