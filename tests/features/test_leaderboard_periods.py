"""Leaderboard periods are calendar periods in the community's zone: a kudos one minute before a period starts
is last period's, one minute after is this period's. Zones far from UTC on both sides, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

ZONES = ["Pacific/Kiritimati", "America/Los_Angeles"]  # UTC+14 and UTC-8/-7 (with DST)

# (period, the local midnight a period starts, a later local time inside the same period)
BOUNDARIES = [
    ("week", datetime(2026, 11, 30), datetime(2026, 12, 6, 23, 58)),       # Monday .. the Sunday after
    ("week", datetime(2027, 1, 4), datetime(2027, 1, 10, 23, 58)),         # the first Monday of a year
    ("month", datetime(2026, 12, 1), datetime(2026, 12, 31, 23, 58)),
    ("month", datetime(2027, 3, 1), datetime(2027, 3, 31, 23, 58)),       # after a 28-day February
    ("quarter", datetime(2026, 4, 1), datetime(2026, 6, 30, 23, 58)),     # Q2: April .. June
    ("quarter", datetime(2026, 7, 1), datetime(2026, 9, 30, 23, 58)),     # Q3
    ("quarter", datetime(2026, 10, 1), datetime(2026, 12, 31, 23, 58)),   # Q4
    ("quarter", datetime(2027, 1, 1), datetime(2027, 3, 31, 23, 58)),     # Q1 of the next year
]


async def board(console, args: str) -> list[str]:
    out = await console.say(f"/leaderboard {args}")
    return re.findall(r"^\d+\. (.+?) — \d+$", out, flags=re.MULTILINE)


async def in_zone(console, zone: str) -> None:
    await console.say(":as owner", f"/settings zone {zone}", ":as alice")


def at(clock, local: datetime, zone: str) -> None:
    clock.set(local.replace(tzinfo=ZoneInfo(zone)))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("period, start, later", BOUNDARIES, ids=lambda v: f"{v:%Y-%m-%d}" if hasattr(v, "year")
                         else v)
async def test_a_kudos_a_minute_before_a_period_is_last_periods(console, clock, zone, period, start, later):
    await in_zone(console, zone)
    at(clock, start - timedelta(minutes=1), zone)
    await console.say("/kudos @before thanks")
    assert await board(console, period) == ["before"]  # the period that is ending counts it
    at(clock, start + timedelta(minutes=1), zone)
    await console.say("/kudos @after thanks")
    assert await board(console, period) == ["after"]
    at(clock, later, zone)
    assert await board(console, period) == ["after"]  # still the same period
    at(clock, later + timedelta(minutes=3), zone)  # next period: neither
    assert await board(console, period) == []
    assert await board(console, "all") == ["before", "after"]


@pytest.mark.parametrize("zone", ZONES)
async def test_the_default_period_is_the_month(console, clock, zone):
    await in_zone(console, zone)
    at(clock, datetime(2026, 11, 30, 23, 59), zone)
    await console.say("/kudos @before thanks")
    at(clock, datetime(2026, 12, 1, 0, 1), zone)
    await console.say("/kudos @after thanks")
    assert await board(console, "") == ["after"]


@pytest.mark.parametrize("local, period, title", [
    (datetime(2026, 11, 30, 0, 1), "week", "this week (from Monday 30 Nov)"),  # in UTC still Sunday 29 November
    (datetime(2026, 12, 3, 12, 0), "week", "this week (from Monday 30 Nov)"),  # a Thursday
    (datetime(2027, 1, 1, 0, 1), "month", "this month (January 2027)"),  # in UTC still 31 December
    (datetime(2027, 1, 1, 0, 1), "quarter", "this quarter (Q1 2027)"),
    (datetime(2027, 1, 1, 0, 1), "all", "all time"),
])
async def test_the_title_names_the_period_in_the_community_zone(console, clock, local, period, title):
    zone = "Pacific/Kiritimati"
    await in_zone(console, zone)
    at(clock, local, zone)
    out = await console.say(f"/leaderboard {period}")
    assert re.search(rf"^\[m\d+\] \(#general\) copbot: Kudos leaderboard, {re.escape(title)}, received$", out,
                     flags=re.MULTILINE), out


async def test_given_and_tag_boards_use_the_period_too(console, clock):
    zone = "Pacific/Kiritimati"
    await in_zone(console, zone)
    at(clock, datetime(2026, 11, 29, 23, 59), zone)  # Sunday
    await console.say(":as carol", "/kudos @bob thanks #seo")
    at(clock, datetime(2026, 11, 30, 0, 1), zone)  # Monday
    await console.say(":as dan", "/kudos @erin thanks #seo")
    assert await board(console, "week given") == ["dan"]
    assert await board(console, "week #seo") == ["erin"]
    assert await board(console, "all given #seo") == ["carol", "dan"]


async def test_opting_back_in_puts_the_member_back_on_the_board(console):
    await console.say(":as alice", "/kudos @bob thanks", ":as bob", "/kudos @carol thanks")
    await console.say(":as bob", "/leaderboard optout")
    assert await board(console, "all") == ["carol"]
    assert await board(console, "all given") == ["alice"]
    await console.say("/leaderboard optin")
    assert await board(console, "all") == ["bob", "carol"]
    assert await board(console, "all given") == ["alice", "bob"]


async def test_opting_out_twice_and_in_once_is_in(console):
    await console.say(":as alice", "/kudos @bob thanks")
    await console.say(":as bob", "/leaderboard optout", "/leaderboard optout", "/leaderboard optin")
    assert await board(console, "all") == ["bob"]


# Streaks: consecutive calendar weeks (in the community's zone) with kudos received -----------------------


async def streak(console, who: str = "bob") -> int:
    out = await console.say(f"/profile @{who}")
    return int(re.search(r"(-?\d+) weeks? in a row", out)[1])


async def test_a_streak_counts_consecutive_weeks_and_survives_the_week_after(console, clock):
    zone = "Pacific/Kiritimati"
    await in_zone(console, zone)
    for monday in (datetime(2026, 11, 16, 9), datetime(2026, 11, 23, 9), datetime(2026, 11, 30, 9)):
        at(clock, monday, zone)
        await console.say("/kudos @bob thanks")
    assert await streak(console) == 3
    at(clock, datetime(2026, 12, 13, 23, 59), zone)  # the Sunday ending the week after: still alive
    assert await streak(console) == 3
    at(clock, datetime(2026, 12, 14, 0, 1), zone)  # a whole week without kudos: broken
    assert await streak(console) == 0


async def test_a_gap_of_one_week_restarts_the_streak(console, clock):
    zone = "America/Los_Angeles"
    await in_zone(console, zone)
    for day in (datetime(2026, 11, 2, 9), datetime(2026, 11, 16, 9), datetime(2026, 11, 29, 23, 58)):
        at(clock, day, zone)
        await console.say("/kudos @bob thanks")
    assert await streak(console) == 2  # the weeks of 16 and 23 November; the 2nd is before a gap
    at(clock, datetime(2026, 11, 30, 0, 1), zone)  # Monday: a new week, the streak still stands
    assert await streak(console) == 2


async def test_the_streak_week_starts_on_monday_in_the_community_zone(console, clock):
    zone = "Pacific/Kiritimati"
    await in_zone(console, zone)
    at(clock, datetime(2026, 11, 29, 23, 59), zone)  # Sunday local (Sunday 09:59 UTC)
    await console.say("/kudos @bob thanks")
    at(clock, datetime(2026, 11, 30, 0, 1), zone)  # Monday local (Sunday 10:01 UTC)
    await console.say("/kudos @bob again")
    assert await streak(console) == 2
    assert "1 this week, 2 in all" in await console.say("/profile @bob")


# The period arithmetic itself, month by month (no store needed) -----------------------------------------

@pytest.mark.parametrize("month, quarter, first_month", [
    (1, 1, 1), (2, 1, 1), (3, 1, 1), (4, 2, 4), (5, 2, 4), (6, 2, 4),
    (7, 3, 7), (8, 3, 7), (9, 3, 7), (10, 4, 10), (11, 4, 10), (12, 4, 10),
])
def test_every_month_belongs_to_its_calendar_quarter(month, quarter, first_month):
    from bot.periods import describe, period_start

    zone = "America/Los_Angeles"
    now = datetime(2026, month, 15, 12, tzinfo=ZoneInfo(zone))
    assert period_start("quarter", now, zone) == datetime(2026, first_month, 1, tzinfo=ZoneInfo(zone))
    assert describe("quarter", now, zone) == f"this quarter (Q{quarter} 2026)"


def test_all_time_has_no_start_and_an_unknown_period_is_an_error():
    from bot.periods import period_start

    now = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("UTC"))
    assert period_start("all", now, "UTC") is None
    with pytest.raises(ValueError, match="fortnight"):
        period_start("fortnight", now, "UTC")
