"""Repeating meetups: a person's words -> an RFC 5545 RRULE, and an RRULE -> UTC occurrences.

Series are expanded in local time (DTSTART carries the ZoneInfo), so 18:00 Berlin stays 18:00
across DST; each occurrence is converted to UTC only at the end. An occurrence that falls into a
DST gap is shifted forward by the gap (see `timing.to_utc`). Expansion is always bounded: never
more than `horizon_days` past the window start, never more than `max_count` occurrences.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from bot.features.meetups.timing import MONTH_NAMES, WEEKDAY_NAMES, TimingError, to_utc, zone

DEFAULT_HORIZON_DAYS = 120
DEFAULT_MAX_COUNT = 500

RECURRENCE_EXAMPLES = [
    "none",
    "daily",
    "weekly",
    "every 2 weeks",
    "monthly",
    "monthly on the first tuesday",
    "monthly on the last friday",
    "FREQ=WEEKLY;BYDAY=TU,TH",
]

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_WORDS = {name.lower(): code for name, code in zip(WEEKDAY_NAMES, _DAY_CODES, strict=True)}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
_NO_REPEAT = {"", "none", "no", "never", "once", "one-off", "one off"}
_EVERY_N = re.compile(r"every (\d{1,3}) (day|week|month)s?")
_MONTHLY_ON = re.compile(
    r"(?:monthly|every month) on the (" + "|".join(_ORDINALS) + r") (" + "|".join(_WEEKDAY_WORDS) + r")s?"
)
_ALLOWED_FREQS = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# The parts a meetup rule may use, in the order a stored rule lists them.
_PART_ORDER = ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST"]


def recurrence_rule(spec: str, first_start_local: datetime) -> str | None:
    """A normalised RRULE value (no 'RRULE:' prefix, e.g. 'FREQ=WEEKLY;BYDAY=SU') for the words a
    person gave, or None for no repetition. `first_start_local` is the first start as an aware
    datetime in the meetup's zone (a naive one is taken as wall time); it must be an occurrence.

    Words: none, daily, every N days, weekly, every week, every N weeks, biweekly, fortnightly,
    monthly (same day of the month), every N months, monthly on the first|second|third|fourth|last
    <weekday>, or a raw RFC 5545 rule ('RRULE:FREQ=...' or 'FREQ=...', UNTIL in UTC with a Z).
    """
    text = " ".join(spec.lower().split())
    if text in _NO_REPEAT:
        return None
    weekday = _DAY_CODES[first_start_local.weekday()]
    month_day = first_start_local.day
    if text in ("daily", "every day"):
        rule = "FREQ=DAILY"
    elif text in ("weekly", "every week"):
        rule = f"FREQ=WEEKLY;BYDAY={weekday}"
    elif text in ("biweekly", "fortnightly", "every other week"):
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    elif text in ("monthly", "every month"):
        rule = f"FREQ=MONTHLY;BYMONTHDAY={month_day}"
    elif every := _EVERY_N.fullmatch(text):
        interval, unit = int(every.group(1)), every.group(2)
        if interval < 1:
            raise TimingError("The repeat interval has to be at least 1.")
        extra = {"day": "", "week": f";BYDAY={weekday}", "month": f";BYMONTHDAY={month_day}"}[unit]
        freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}[unit]
        rule = f"FREQ={freq};INTERVAL={interval}{extra}" if interval > 1 else f"FREQ={freq}{extra}"
    elif monthly := _MONTHLY_ON.fullmatch(text):
        ordinal, code = _ORDINALS[monthly.group(1)], _WEEKDAY_WORDS[monthly.group(2)]
        rule = f"FREQ=MONTHLY;BYDAY={ordinal}{code}"
    elif text.startswith(("rrule:", "freq=")):
        rule = _normalise_raw(spec)
    else:
        raise TimingError(
            f"I don't understand the repeat '{spec.strip()[:60]}'. Use one of: "
            + ", ".join(RECURRENCE_EXAMPLES[1:]) + "."
        )
    _check_starts_on_rule(rule, first_start_local)
    return rule


def _normalise_raw(spec: str) -> str:
    text = "".join(spec.split()).upper().removeprefix("RRULE:").rstrip(";")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, equals, value = part.partition("=")
        if not equals or not name or not value or name in parts:
            raise TimingError(f"'{spec.strip()[:80]}' is not a valid RRULE (look at '{part[:30]}').")
        parts[name] = value
    if parts.get("FREQ") not in _ALLOWED_FREQS:
        raise TimingError("A meetup can repeat daily, weekly, monthly or yearly (FREQ=DAILY|WEEKLY|MONTHLY|YEARLY).")
    if unknown := sorted(set(parts) - set(_PART_ORDER)):
        raise TimingError(f"Meetup rules can use {', '.join(_PART_ORDER)}; not {', '.join(unknown)[:60]}.")
    for name in ("INTERVAL", "COUNT"):
        if name in parts and not (parts[name].isdigit() and 1 <= int(parts[name]) <= 1000):
            raise TimingError(f"{name} must be a whole number from 1 to 1000, not '{parts[name][:20]}'.")
    if "BYSETPOS" in parts and parts["FREQ"] not in ("MONTHLY", "YEARLY"):
        raise TimingError("BYSETPOS only works with FREQ=MONTHLY or FREQ=YEARLY in a meetup rule.")
    _check_month_days(parts)
    if "COUNT" in parts and "UNTIL" in parts:
        raise TimingError("An RRULE can have COUNT or UNTIL, not both.")
    if "UNTIL" in parts and not parts["UNTIL"].endswith("Z"):
        raise TimingError("UNTIL must be in UTC, ending in Z, like UNTIL=20261231T230000Z.")
    return ";".join(f"{name}={parts[name]}" for name in _PART_ORDER if name in parts)


def _check_month_days(parts: dict[str, str]) -> None:
    # dateutil searches up to year 9999 for a rule that never matches (seconds of CPU for
    # FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30), so refuse the usual way to write one up front.
    if "BYMONTHDAY" not in parts:
        return
    try:
        months = [int(m) for m in parts.get("BYMONTH", "1,2,3,4,5,6,7,8,9,10,11,12").split(",")]
        days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")]
    except ValueError:
        raise TimingError("BYMONTH and BYMONTHDAY take numbers, like BYMONTHDAY=15.") from None
    longest = {m: calendar.monthrange(2000, m)[1] for m in months if 1 <= m <= 12}  # 2000: leap
    if not any(1 <= day <= length for day in days for length in longest.values()):
        raise TimingError("That repeat rule gives no dates at all: no such day in those months.")


def _parse(rule: str, dtstart: datetime) -> RRule:
    try:
        parsed = rrulestr(rule, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise TimingError(f"'{rule[:80]}' is not a valid RRULE: {str(error)[:80]}.") from None
    if not isinstance(parsed, RRule):
        raise TimingError("Give a single RRULE line, without DTSTART or EXDATE.")
    return parsed


def _check_starts_on_rule(rule: str, first_start_local: datetime) -> None:
    # dateutil skips a DTSTART that does not match the rule while RFC 5545 (and so Google and
    # Outlook) count it as the first occurrence; refusing such starts keeps both views equal.
    dtstart = first_start_local if first_start_local.tzinfo else first_start_local.replace(tzinfo=UTC)
    first = _parse(rule, dtstart).after(dtstart, inc=True)
    if first is None:
        raise TimingError("That repeat rule gives no dates at all from the first start.")
    if first.replace(tzinfo=None) != dtstart.replace(tzinfo=None):
        raise TimingError(
            f"The first start ({_day(dtstart)}) is not on that schedule; the first date it gives is "
            f"{_day(first)}. Move the start or change the repeat."
        )


def _day(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment.day} {MONTH_NAMES[moment.month]} {moment.year}"


def occurrences(
    rrule: str | None,
    local_start: datetime,
    zone_name: str,
    window_start_utc: datetime,
    window_end_utc: datetime,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    max_count: int = DEFAULT_MAX_COUNT,
) -> list[datetime]:
    """UTC starts of a meetup in [window_start_utc, min(window_end_utc, window_start_utc + horizon_days)),
    at most `max_count` of them, earliest first. `local_start` is the naive wall time of the first
    start in `zone_name`; `rrule` is None for a one-off meetup."""
    if window_start_utc.tzinfo is None or window_end_utc.tzinfo is None:
        raise ValueError("window bounds must be aware")
    tz = zone(zone_name)
    if local_start.tzinfo is not None:
        local_start = local_start.astimezone(tz).replace(tzinfo=None)
    window_end = min(window_end_utc, window_start_utc + timedelta(days=horizon_days))
    if rrule is None:
        start = to_utc(local_start, zone_name)
        return [start] if window_start_utc <= start < window_end else []
    rule = _parse(rrule, local_start.replace(tzinfo=tz))
    # Start a day early in wall time: comparisons inside one ZoneInfo ignore the UTC offset.
    from_wall = window_start_utc.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    found: list[datetime] = []
    for occurrence in rule.xafter(from_wall.replace(tzinfo=tz), inc=True):
        start = to_utc(occurrence.replace(tzinfo=None), zone_name)
        if start >= window_end or len(found) >= max_count:
            break
        if start >= window_start_utc:
            found.append(start)
    return found



# --- a stored rule in words ----------------------------------------------------------------------

_FREQ_WORDS = {"DAILY": ("daily", "day"), "WEEKLY": ("weekly", "week"), "MONTHLY": ("monthly", "month"),
               "YEARLY": ("yearly", "year")}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def describe_rule(rule: str) -> str:
    """A stored RRULE in words: 'weekly on Sunday', 'every 2 weeks on Tuesday and Thursday',
    'monthly on the first Tuesday', 'monthly on the 15th, 10 times', 'daily, until 31 December 2026'.
    A rule the words can't say (BYSETPOS with several days, BYMONTH...) is shown as it is, after the words."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    once, unit = _FREQ_WORDS.get(parts.get("FREQ", ""), ("", ""))
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    words = once if interval == 1 else f"every {interval} {unit}s"
    said = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    days = [_BYDAY.fullmatch(code) for code in parts.get("BYDAY", "").split(",")] if "BYDAY" in parts else []
    setpos = parts.get("BYSETPOS", "")
    if days and all(days):
        nth = [int(d[1]) if d[1] else None for d in days]
        if setpos.lstrip("-").isdigit() and len(days) == 1 and nth[0] is None:
            nth, said = [int(setpos)], said | {"BYSETPOS"}
        names = [WEEKDAY_NAMES[_DAY_CODES.index(d[2])] for d in days]
        if all(n is None for n in nth) and once == "weekly":
            words += " on " + _and(names)
            said.add("BYDAY")
        elif all(n is None for n in nth) and interval == 1 and once in ("daily", "monthly") and not setpos:
            words = "every " + _and(names)  # FREQ=DAILY;BYDAY=MO,TU: simply every Monday and Tuesday
            said.add("BYDAY")
        elif all(n in _ORDINAL_WORDS for n in nth) and once in ("monthly", "yearly"):
            words += " on " + _and([f"the {_ORDINAL_WORDS[n]} {name}" for n, name in zip(nth, names, strict=True)])
            said.add("BYDAY")
    if "BYMONTHDAY" in parts and once == "monthly":
        month_days = parts["BYMONTHDAY"].split(",")
        if all(d.lstrip("-").isdigit() for d in month_days):
            words += " on " + _and([_month_day(int(d)) for d in month_days])
            said.add("BYMONTHDAY")
    if set(parts) - said or not once:
        words += f" ({rule})"
    if "COUNT" in parts:
        return f"{words}, {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        if len(until) >= 8 and until[:8].isdigit():
            month = int(until[4:6])
            return f"{words}, until {int(until[6:8])} {MONTH_NAMES[month] if 1 <= month <= 12 else '?'} {until[:4]}"
        return f"{words}, until {until}"
    return f"{words}, no end date"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _month_day(day: int) -> str:
    if day == -1:
        return "the last day"
    if day < 0:
        return f"the {_ordinal(-day)} last day"
    return f"the {_ordinal(day)}"


def _ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
