"""The choice of helpers and working-hours arithmetic, as pure functions: each rule flips with its comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Member
from bot.features.topics.escalation import Candidate, rank_helpers
from bot.features.topics.hours import WorkingHours
from bot.identity import MemberRef

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC
HOURS = WorkingHours.parse("Mon-Fri 09:00-18:00")


def member(i: int, zone: str | None = None, **kw) -> Member:
    return Member(id=i, community_id=1, ref=MemberRef("console", "w", f"u{i}"), name=f"m{i}", zone=zone, **kw)


def rank(*candidates: Candidate, asker_id: int = 99, cap: int = 3, limit: int = 3, now: datetime = NOW) -> list[int]:
    return [m.id for m in rank_helpers(candidates, asker_id=asker_id, now=now, hours=HOURS, community_zone="UTC",
                                       weekly_cap=cap, limit=limit)]


def test_more_accepted_answers_rank_first_whatever_the_kudos():
    assert rank(Candidate(member(1), accepted_answers=1, kudos=0),
                Candidate(member(2), accepted_answers=0, kudos=9)) == [1, 2]
    assert rank(Candidate(member(1), accepted_answers=0, kudos=9),
                Candidate(member(2), accepted_answers=1, kudos=0)) == [2, 1]


def test_then_more_kudos_then_followers_then_the_least_asked_then_the_id():
    assert rank(Candidate(member(1), kudos=1), Candidate(member(2), kudos=2)) == [2, 1]
    assert rank(Candidate(member(1), follows=False), Candidate(member(2), follows=True)) == [2, 1]
    assert rank(Candidate(member(1), escalations_this_week=2), Candidate(member(2), escalations_this_week=1)) == [2, 1]
    assert rank(Candidate(member(2)), Candidate(member(1))) == [1, 2]


def test_at_most_the_limit():
    assert rank(*(Candidate(member(i), kudos=i) for i in range(1, 6)), limit=3) == [5, 4, 3]


def test_never_the_asker():
    assert rank(Candidate(member(1), kudos=5), Candidate(member(2)), asker_id=1) == [2]


def test_under_the_weekly_cap_only():
    assert rank(Candidate(member(1), escalations_this_week=3), cap=3) == []
    assert rank(Candidate(member(1), escalations_this_week=2), cap=3) == [1]


def test_a_pause_holds_until_it_ends():
    assert rank(Candidate(member(1), paused_until=NOW + timedelta(seconds=1))) == []
    assert rank(Candidate(member(1), paused_until=NOW)) == [1]


def test_awake_in_their_own_zone():
    tokyo, new_york = member(1, zone="Asia/Tokyo"), member(2, zone="America/New_York")  # 19:00 and 05:00 there
    assert rank(Candidate(tokyo), Candidate(new_york), Candidate(member(3))) == [3]
    later = NOW.replace(hour=15)  # 00:00 Tokyo, 10:00 New York
    assert rank(Candidate(tokyo), Candidate(new_york), now=later) == [2]


def test_people_who_left_and_bots_are_never_asked():
    assert rank(Candidate(member(1, left_at=NOW)), Candidate(member(2, is_bot=True)), Candidate(member(3))) == [3]


@pytest.mark.parametrize("local, awake", [("09:00", True), ("08:59", False), ("17:59", True), ("18:00", False)])
def test_working_hours_start_inclusive_end_exclusive(local, awake):
    hour, minute = map(int, local.split(":"))
    assert HOURS.awake(NOW.replace(hour=hour, minute=minute), "UTC") is awake


def test_a_weekend_is_not_working_time():
    assert not HOURS.awake(datetime(2026, 11, 28, 12, 0, tzinfo=UTC), "UTC")  # Saturday


def test_a_delay_counts_working_hours_only():
    friday_5pm = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    assert HOURS.after(friday_5pm, timedelta(hours=2), "UTC") == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert HOURS.after(NOW, timedelta(hours=24), "UTC") == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 8+9+7
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert HOURS.after(saturday, timedelta(hours=1), "UTC") == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_a_delay_keeps_local_hours_across_daylight_saving():
    berlin = WorkingHours.parse("Mon-Fri 09:00-18:00")
    friday = datetime(2026, 10, 23, 16, 0, tzinfo=UTC)  # 18:00 CEST: closed
    # Monday 26 October is CET (UTC+1): 09:00 local is 08:00 UTC
    assert berlin.after(friday, timedelta(hours=1), "Europe/Berlin") == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["weekdays", "Mon-Fri 18:00-09:00", "Mon-Fri 25:00-26:00", "Xyz 09:00-10:00"])
def test_bad_working_hours_are_refused(text):
    with pytest.raises(ValueError):
        WorkingHours.parse(text)


def test_working_hours_may_wrap_the_week():
    assert WorkingHours.parse("Sun-Thu 08:00-16:00").days == frozenset({6, 0, 1, 2, 3})
