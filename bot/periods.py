"""Calendar periods in a community's zone: this week, month, quarter."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import local_midnight_utc, local_today

PERIODS = ("week", "month", "quarter", "all")
LOCAL_PERIODS = ("week", "month", "quarter")  # the ones that begin at a local midnight: a zone change moves them


def first_day(period: str, now: datetime, zone_name: str) -> date | None:
    """The local date the current calendar period began in that zone (None for "all")."""
    today = local_today(now, zone_name)
    if period == "all":
        return None
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    if period == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    raise ValueError(period)


def period_start(period: str, now: datetime, zone_name: str) -> datetime | None:
    """The UTC instant the current calendar period began in that zone (None for "all")."""
    first = first_day(period, now, zone_name)
    return None if first is None else local_midnight_utc(first, zone_name)


def describe(period: str, now: datetime, zone_name: str) -> str:
    today = local_today(now, zone_name)
    return {
        "week": f"this week (from Monday {today - timedelta(days=today.weekday()):%d %b})",
        "month": f"this month ({today:%B %Y})",
        "quarter": f"this quarter (Q{(today.month - 1) // 3 + 1} {today.year})",
        "all": "all time",
    }[period]


def week_streak(times: list[datetime], now: datetime, zone_name: str) -> int:
    """Consecutive calendar weeks with at least one time in them, ending this week (or last week,
    so a streak isn't broken on Monday morning)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    weeks = {_monday(t.astimezone(zone).date()) for t in times}
    week = _monday(local_today(now, zone_name))
    if week not in weeks:
        week -= timedelta(weeks=1)
    streak = 0
    while week in weeks:
        streak += 1
        week -= timedelta(weeks=1)
    return streak


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
