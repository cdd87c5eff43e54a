"""Meetup time logic: reading starts, zones and DST, recurrence, reminder offsets, the downtime rule."""

import calendar
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.errors import Refusal
from bot.features.meetups.recurrence import occurrences, recurrence_rule
from bot.features.meetups.timing import (
    ACCEPTED_FORMS,
    Offset,
    TimingError,
    in_dst_gap,
    latest_overdue,
    parse_offset,
    parse_start,
    reminder_due,
    reminders_to_send,
    to_utc,
    zone,
)

BERLIN = "Europe/Berlin"
BERLIN_TZ = ZoneInfo(BERLIN)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday, 11:00 in Berlin
EARLY_2026 = datetime(2026, 1, 1, tzinfo=UTC)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN_TZ)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- reading a start ---------------------------------------------------------------------------

EXPECTED_STARTS = {
    "2026-12-03 18:00": berlin(2026, 12, 3, 18),
    "2026-12-03T18:00": berlin(2026, 12, 3, 18),
    "03.12.2026 18:00": berlin(2026, 12, 3, 18),  # dotted dates are day-first
    "3 Dec 2026 18:00": berlin(2026, 12, 3, 18),
    "dec 3 18:00": berlin(2026, 12, 3, 18),
    "next thursday 18:00": berlin(2026, 11, 26, 18),  # the coming Thursday
    "friday 6pm": berlin(2026, 11, 27, 18),
    "tomorrow 9am": berlin(2026, 11, 24, 9),
    "today 18:30": berlin(2026, 11, 23, 18, 30),
    "in 2 hours": berlin(2026, 11, 23, 13),
    "in 45 minutes": berlin(2026, 11, 23, 11, 45),
}


def test_every_accepted_form_has_an_expected_result():
    assert list(EXPECTED_STARTS) == ACCEPTED_FORMS


@pytest.mark.parametrize(("text", "expected"), EXPECTED_STARTS.items())
def test_accepted_form_parses_to_the_exact_start(text, expected):
    start = parse_start(text, BERLIN, NOW)
    assert start == expected
    assert start.tzinfo == BERLIN_TZ
    assert start.utcoffset() == timedelta(hours=1)
    assert (start.second, start.microsecond) == (0, 0)


def test_relative_words_are_read_in_the_creators_zone():
    late_evening = utc(2026, 11, 23, 23, 30)  # already Tuesday 00:30 in Berlin, still Monday in New York
    assert parse_start("tomorrow 9am", BERLIN, late_evening) == berlin(2026, 11, 25, 9)
    new_york = ZoneInfo("America/New_York")
    assert parse_start("tomorrow 9am", "America/New_York", late_evening) == datetime(2026, 11, 24, 9, tzinfo=new_york)


def test_a_weekday_named_on_that_weekday_means_next_week():
    thursday = utc(2026, 11, 26, 10)
    assert parse_start("thursday 18:00", BERLIN, thursday) == berlin(2026, 12, 3, 18)
    assert parse_start("next thursday 18:00", BERLIN, thursday) == berlin(2026, 12, 3, 18)
    assert parse_start("today 18:00", BERLIN, thursday) == berlin(2026, 11, 26, 18)


def test_extra_spaces_and_capitals_are_fine():
    assert parse_start("  Tomorrow   9AM ", BERLIN, NOW) == berlin(2026, 11, 24, 9)


def test_a_named_zone_in_the_text_wins_over_the_creators_zone():
    assert parse_start("2026-12-03 18:00 UTC", BERLIN, NOW) == berlin(2026, 12, 3, 19)


def test_in_hours_counts_real_time_across_a_dst_change():
    before_fall_back = utc(2026, 10, 25, 0, 0)  # 02:00 CEST; the clocks go back at 03:00 CEST
    start = parse_start("in 2 hours", BERLIN, before_fall_back)
    assert start == utc(2026, 10, 25, 2, 0)
    assert start.strftime("%H:%M %Z") == "03:00 CET"


def test_a_repeated_wall_time_means_its_first_occurrence():
    start = parse_start("2026-10-25 02:30", BERLIN, EARLY_2026)
    assert start.fold == 0
    assert start.utcoffset() == timedelta(hours=2)
    assert start.astimezone(UTC) == utc(2026, 10, 25, 0, 30)


BAD_STARTS = [
    ("2026-11-20 18:00", NOW, "That start (Friday 20 November 2026, 18:00 Europe/Berlin) is in the past."),
    ("today 9am", NOW, "That start (Monday 23 November 2026, 09:00 Europe/Berlin) is in the past."),
    ("2027-02-30 18:00", NOW, "There is no 30 February."),
    ("30.02.2027 18:00", NOW, "There is no 30 February."),
    ("feb 30 18:00", NOW, "There is no 30 February."),
    ("2027-02-29 18:00", NOW, "There is no 29 February in 2027."),
    ("31 april 2027 18:00", NOW, "There is no 31 April."),
    ("2026-13-01 18:00", NOW, "There is no month 13; months go from 1 to 12."),
    (
        "2026-03-29 02:30",
        EARLY_2026,
        "02:30 on 29 March 2026 does not exist in Europe/Berlin (clocks jump forward); pick another time.",
    ),
    ("blah blah", NOW, "I couldn't read 'blah blah' as a date and time. Try one of '2026-12-03 18:00',"),
    ("", NOW, "Tell me when it starts, for example '2026-12-03 18:00'"),
    ("dec 3", NOW, "Please add a time of day, for example 'dec 3 18:00'."),
    ("12/03/2026 18:00", NOW, "12/03/2026 could mean 12 March or 3 December; write it as 2026-03-12"),
]


@pytest.mark.parametrize(("text", "now", "message"), BAD_STARTS)
def test_bad_start_is_refused_with_a_helpful_sentence(text, now, message):
    with pytest.raises(TimingError) as refused:
        parse_start(text, BERLIN, now)
    assert str(refused.value).startswith(message)


def test_dst_gap_is_refused_in_other_zones_too():
    with pytest.raises(TimingError, match=r"02:30 on 8 March 2026 does not exist in America/New_York"):
        parse_start("2026-03-08 02:30", "America/New_York", EARLY_2026)


def test_unambiguous_slashed_date_is_read():
    assert parse_start("25/12/2026 18:00", BERLIN, NOW) == berlin(2026, 12, 25, 18)


def test_timing_error_is_a_refusal_and_a_value_error():
    error = TimingError("There is no 30 February.")
    assert isinstance(error, Refusal) and isinstance(error, ValueError)
    assert error.message == str(error) == "There is no 30 February."


def test_naive_now_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError) as raised:
        parse_start("tomorrow 9am", BERLIN, datetime(2026, 11, 23, 10))
    assert not isinstance(raised.value, TimingError)


# --- zones and DST -----------------------------------------------------------------------------


def test_zone_returns_the_iana_zone():
    assert zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")
    assert zone("UTC") == ZoneInfo("UTC")


@pytest.mark.parametrize("name", ["Mars/Base", "", "../../etc/passwd", "europe/berlin"])
def test_unknown_zone_is_refused(name):
    with pytest.raises(TimingError) as refused:
        zone(name)
    assert str(refused.value) == f"I don't know the time zone '{name}'. Use a name like Europe/Berlin."


def test_parse_start_refuses_an_unknown_zone():
    with pytest.raises(TimingError, match="I don't know the time zone 'Mars/Base'"):
        parse_start("tomorrow 9am", "Mars/Base", NOW)


def test_a_time_in_a_gap_shifts_forward_by_the_gap_and_a_repeated_time_is_the_first():
    assert in_dst_gap(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert not in_dst_gap(datetime(2026, 3, 29, 3, 30), BERLIN)
    assert not in_dst_gap(datetime(2026, 10, 25, 2, 30), BERLIN)
    assert to_utc(datetime(2026, 3, 29, 2, 30), BERLIN) == berlin(2026, 3, 29, 3, 30).astimezone(UTC)
    assert to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


# --- the weekly Sunday 18:00 Berlin series across both 2026 DST changes ------------------------

SERIES_START = datetime(2026, 3, 22, 18, 0)  # a Sunday, one week before the spring change


@pytest.fixture
def sunday_series():
    rule = recurrence_rule("weekly", SERIES_START.replace(tzinfo=BERLIN_TZ))
    assert rule == "FREQ=WEEKLY;BYDAY=SU"
    return occurrences(rule, SERIES_START, BERLIN, utc(2026, 3, 1), utc(2026, 11, 15), horizon_days=365)


def test_weekly_series_stays_at_1800_local_across_both_dst_changes(sunday_series):
    expected_days = [SERIES_START.date() + timedelta(weeks=n) for n in range(34)]
    assert [start.astimezone(BERLIN_TZ).date() for start in sunday_series] == expected_days
    assert expected_days[-1].isoformat() == "2026-11-08"
    for start in sunday_series:
        assert start.tzinfo == UTC
        assert start.astimezone(BERLIN_TZ).time() == time(18, 0)
    by_day = {start.astimezone(BERLIN_TZ).date().isoformat(): start for start in sunday_series}
    assert by_day["2026-03-22"] == utc(2026, 3, 22, 17)  # CET, +01:00
    assert by_day["2026-03-29"] == utc(2026, 3, 29, 16)  # change day: CEST, +02:00
    assert by_day["2026-10-18"] == utc(2026, 10, 18, 16)
    assert by_day["2026-10-25"] == utc(2026, 10, 25, 17)  # change day: CET again
    assert [by_day[d].astimezone(BERLIN_TZ).utcoffset() for d in ("2026-03-22", "2026-03-29", "2026-10-25")] == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=1),
    ]


def test_reminders_are_1800_saturday_and_1700_sunday_local_every_week(sunday_series):
    for start in sunday_series:
        day_before = reminder_due(start, BERLIN, "1d").astimezone(BERLIN_TZ)
        hour_before = reminder_due(start, BERLIN, "1h").astimezone(BERLIN_TZ)
        assert (day_before.strftime("%A"), day_before.time()) == ("Saturday", time(18, 0))
        assert day_before.date() == start.astimezone(BERLIN_TZ).date() - timedelta(days=1)
        assert (hour_before.strftime("%A"), hour_before.time()) == ("Sunday", time(17, 0))


def test_reminders_on_the_change_days_exactly():
    spring, autumn = utc(2026, 3, 29, 16), utc(2026, 10, 25, 17)
    assert reminder_due(spring, BERLIN, "1d") == utc(2026, 3, 28, 17)  # 18:00 CET: only 23 h before
    assert reminder_due(spring, BERLIN, "1h") == utc(2026, 3, 29, 15)  # 17:00 CEST
    assert reminder_due(autumn, BERLIN, "1d") == utc(2026, 10, 24, 16)  # 18:00 CEST: 25 h before
    assert reminder_due(autumn, BERLIN, "1h") == utc(2026, 10, 25, 16)  # 17:00 CET


def test_week_offsets_are_calendar_and_minute_offsets_are_elapsed():
    spring = utc(2026, 3, 29, 16)
    assert reminder_due(spring, BERLIN, "1w") == berlin(2026, 3, 22, 18).astimezone(UTC)
    assert reminder_due(spring, BERLIN, "90m") == utc(2026, 3, 29, 14, 30)
    assert reminder_due(spring, BERLIN, Offset(2, "d")) == berlin(2026, 3, 27, 18).astimezone(UTC)


def test_a_calendar_reminder_landing_in_a_gap_shifts_forward():
    start = berlin(2026, 3, 30, 2, 30).astimezone(UTC)  # the day after the change
    assert reminder_due(start, BERLIN, "1d") == berlin(2026, 3, 29, 3, 30).astimezone(UTC)


def test_reminder_due_needs_an_aware_start():
    with pytest.raises(ValueError):
        reminder_due(datetime(2026, 3, 29, 16), BERLIN, "1h")


# --- occurrences in DST gaps and repeated hours ------------------------------------------------


def test_an_occurrence_in_a_gap_is_shifted_forward_by_the_gap():
    starts = occurrences("FREQ=DAILY", datetime(2026, 3, 28, 2, 30), BERLIN, utc(2026, 3, 1), utc(2026, 3, 31))
    local = [start.astimezone(BERLIN_TZ).strftime("%d %H:%M %Z") for start in starts]
    assert local == ["28 02:30 CET", "29 03:30 CEST", "30 02:30 CEST"]


def test_an_occurrence_at_a_repeated_time_is_the_first_one():
    starts = occurrences("FREQ=WEEKLY;BYDAY=SU", datetime(2026, 10, 18, 2, 30), BERLIN, utc(2026, 10, 1), utc(2026, 11, 2))
    assert starts == [utc(2026, 10, 18, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 11, 1, 1, 30)]


# --- bounds: horizon, max count, window --------------------------------------------------------


def test_an_rrule_without_end_is_bounded_by_the_horizon():
    far_future = utc(2100, 1, 1)
    starts = occurrences("FREQ=DAILY", datetime(2026, 11, 24, 18), BERLIN, NOW, far_future)
    horizon_end = NOW + timedelta(days=120)  # 2027-03-23 10:00 UTC
    assert (starts[0], starts[-1]) == (utc(2026, 11, 24, 17), utc(2027, 3, 22, 17))
    assert len(starts) == 119
    assert starts[-1] < horizon_end < starts[-1] + timedelta(days=1)


def test_expansion_never_exceeds_max_count():
    starts = occurrences("FREQ=DAILY", datetime(2026, 11, 24, 18), BERLIN, NOW, utc(2100, 1, 1), horizon_days=2000)
    assert len(starts) == 500
    assert len(occurrences("FREQ=DAILY", datetime(2026, 11, 24, 18), BERLIN, NOW, utc(2100, 1, 1), max_count=5)) == 5


def test_window_is_start_inclusive_end_exclusive_and_can_begin_mid_series():
    first = datetime(2026, 3, 22, 18)
    starts = occurrences("FREQ=WEEKLY;BYDAY=SU", first, BERLIN, utc(2026, 3, 29, 16), utc(2026, 4, 12, 16))
    assert starts == [utc(2026, 3, 29, 16), utc(2026, 4, 5, 16)]


def test_count_and_until_end_a_series():
    first = datetime(2026, 3, 22, 18)
    counted = recurrence_rule("FREQ=WEEKLY;BYDAY=SU;COUNT=3", first.replace(tzinfo=BERLIN_TZ))
    assert counted == "FREQ=WEEKLY;COUNT=3;BYDAY=SU"
    assert len(occurrences(counted, first, BERLIN, EARLY_2026, utc(2027, 1, 1))) == 3
    until = recurrence_rule("rrule: freq=weekly;until=20260412T160000Z", first.replace(tzinfo=BERLIN_TZ))
    assert until == "FREQ=WEEKLY;UNTIL=20260412T160000Z"
    assert occurrences(until, first, BERLIN, EARLY_2026, utc(2027, 1, 1))[-1] == utc(2026, 4, 12, 16)


def test_a_one_off_meetup_has_one_occurrence_inside_the_window():
    one_off = datetime(2026, 12, 3, 18)
    assert occurrences(None, one_off, BERLIN, NOW, utc(2027, 1, 1)) == [utc(2026, 12, 3, 17)]
    assert occurrences(None, one_off, BERLIN, utc(2026, 12, 4), utc(2027, 1, 1)) == []


# --- recurrence words --------------------------------------------------------------------------

FIRST_TUESDAY = berlin(2026, 12, 1, 18)  # the first Tuesday of December 2026


@pytest.mark.parametrize(
    ("spec", "rule"),
    [
        ("weekly", "FREQ=WEEKLY;BYDAY=TU"),
        ("Every week", "FREQ=WEEKLY;BYDAY=TU"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("biweekly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("daily", "FREQ=DAILY"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("monthly", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every 2 months", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1"),
        ("monthly on the first tuesday", "FREQ=MONTHLY;BYDAY=1TU"),
        ("Monthly  on the first Tuesday", "FREQ=MONTHLY;BYDAY=1TU"),
        ("RRULE:FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("freq=monthly; byday=1tu", "FREQ=MONTHLY;BYDAY=1TU"),
        ("none", None),
        ("", None),
        ("once", None),
    ],
)
def test_recurrence_words_become_a_normalised_rrule(spec, rule):
    assert recurrence_rule(spec, FIRST_TUESDAY) == rule


def test_monthly_on_the_first_tuesday_gives_the_right_dates():
    rule = recurrence_rule("monthly on the first tuesday", FIRST_TUESDAY)
    starts = occurrences(rule, FIRST_TUESDAY.replace(tzinfo=None), BERLIN, NOW, utc(2027, 6, 1), horizon_days=365)
    assert [start.astimezone(BERLIN_TZ).date().isoformat() for start in starts] == [
        "2026-12-01",
        "2027-01-05",
        "2027-02-02",
        "2027-03-02",
        "2027-04-06",
        "2027-05-04",
    ]
    assert {start.astimezone(BERLIN_TZ).time() for start in starts} == {time(18, 0)}


ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def nth_weekdays(year: int, month: int, weekday: int) -> list[int]:
    return [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday]]


@pytest.mark.parametrize("ordinal", ORDINALS)
@pytest.mark.parametrize("weekday", range(7))
def test_monthly_on_the_nth_weekday_matches_the_calendar(ordinal, weekday):
    index = ORDINALS[ordinal]
    first = datetime(2027, 1, nth_weekdays(2027, 1, weekday)[index], 19)
    rule = recurrence_rule(f"monthly on the {ordinal} {WEEKDAYS[weekday]}", first.replace(tzinfo=BERLIN_TZ))
    starts = occurrences(rule, first, BERLIN, utc(2027, 1, 1), utc(2028, 1, 1), horizon_days=365)
    expected = [datetime(2027, month, nth_weekdays(2027, month, weekday)[index], 19) for month in range(1, 13)]
    assert [start.astimezone(BERLIN_TZ).replace(tzinfo=None) for start in starts] == expected


BAD_RULES = [
    ("blah", "I don't understand the repeat 'blah'. Use one of: daily, weekly, every 2 weeks,"),
    ("FREQ=WEEKLY;BYDAY=XX", "'FREQ=WEEKLY;BYDAY=XX' is not a valid RRULE"),
    ("FREQ=WEEKLY;BYDAY=XX;WKST=MO", "'FREQ=WEEKLY;BYDAY=XX;WKST=MO' is not a valid RRULE: invalid 'BYDAY'"),
    ("FREQ=WEEKLY;BYDAY", "'FREQ=WEEKLY;BYDAY' is not a valid RRULE"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1 to 1000, not '0'."),
    ("FREQ=WEEKLY;COUNT=-2", "COUNT must be a whole number from 1 to 1000, not '-2'."),
    ("FREQ=WEEKLY;UNTIL=20201231T000000Z", "That repeat rule gives no dates at all from the first start."),
    ("FREQ=HOURLY", "A meetup can repeat daily, weekly, monthly or yearly"),
    ("FREQ=WEEKLY;BYHOUR=9", "Meetup rules can use FREQ, INTERVAL, COUNT, UNTIL,"),
    ("FREQ=WEEKLY;COUNT=2;UNTIL=20271231T230000Z", "An RRULE can have COUNT or UNTIL, not both."),
    ("FREQ=WEEKLY;UNTIL=20271231T230000", "UNTIL must be in UTC, ending in Z"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "That repeat rule gives no dates at all"),
    ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", "BYSETPOS only works with FREQ=MONTHLY or FREQ=YEARLY"),
    ("FREQ=WEEKLY;BYDAY=MO", "The first start (Tuesday 1 December 2026) is not on that schedule; the first date"),
    ("monthly on the last friday", "The first start (Tuesday 1 December 2026) is not on that schedule"),
    ("every 0 weeks", "The repeat interval has to be at least 1."),
]


@pytest.mark.parametrize(("spec", "message"), BAD_RULES)
def test_bad_recurrence_is_refused_with_a_helpful_sentence(spec, message):
    with pytest.raises(TimingError) as refused:
        recurrence_rule(spec, FIRST_TUESDAY)
    assert str(refused.value).startswith(message)


# --- reminder offsets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset"),
    [("30m", Offset(30, "m")), ("90m", Offset(90, "m")), ("1h", Offset(1, "h")), (" 2D ", Offset(2, "d")),
     ("1w", Offset(1, "w")), ("4w", Offset(4, "w"))],
)
def test_parse_offset(text, offset):
    assert parse_offset(text) == offset
    assert str(offset) == text.strip().lower()
    assert offset.is_calendar == (offset.unit in "dw")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "'' is not a reminder time. Use a number and a unit: 30m (minutes), 1h (hours), 1d (days) or 1w (weeks)."),
        ("1", "'1' is not a reminder time."),
        ("h", "'h' is not a reminder time."),
        ("1.5h", "'1.5h' is not a reminder time."),
        ("-1h", "'-1h' is not a reminder time."),
        ("1 day", "'1 day' is not a reminder time."),
        ("0m", "A reminder has to come at least 1 minute before the meetup."),
        ("5w", "A reminder can be at most 30 days before the meetup."),
    ],
)
def test_bad_offset_is_refused(text, message):
    with pytest.raises(TimingError) as refused:
        parse_offset(text)
    assert str(refused.value).startswith(message)


# --- which reminders to send after downtime ----------------------------------------------------

START = utc(2026, 3, 29, 16)  # Sunday 18:00 CEST
DUE = [("day-before", utc(2026, 3, 28, 17)), ("hour-before", utc(2026, 3, 29, 15))]


def test_on_time_the_due_reminder_is_sent_and_the_later_one_waits():
    assert reminders_to_send(START, DUE, utc(2026, 3, 28, 17)) == (["day-before"], [])


def test_nothing_due_nothing_to_do():
    assert reminders_to_send(START, DUE, utc(2026, 3, 28, 16, 59)) == ([], [])


def test_after_downtime_only_the_latest_overdue_reminder_is_sent():
    assert reminders_to_send(START, DUE, utc(2026, 3, 29, 15, 40)) == (["hour-before"], ["day-before"])


def test_once_the_meetup_started_nothing_is_sent():
    assert reminders_to_send(START, DUE, START) == ([], ["day-before", "hour-before"])
    assert reminders_to_send(START, DUE, START + timedelta(hours=3)) == ([], ["day-before", "hour-before"])


def test_latest_overdue():
    dues = [due for _, due in DUE]
    assert latest_overdue(dues, utc(2026, 3, 28, 0)) is None
    assert latest_overdue(dues, utc(2026, 3, 29, 0)) == utc(2026, 3, 28, 17)
    assert latest_overdue(dues, utc(2026, 3, 30)) == utc(2026, 3, 29, 15)


# --- property: a weekly series keeps its wall time in any zone ---------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"]


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    first_day=st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2027, 12, 31).date()),
    wall=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    weeks=st.integers(min_value=1, max_value=3),
)
def test_weekly_series_keep_the_wall_time_of_the_first_start(zone_name, first_day, wall, weeks):
    first = datetime.combine(first_day, wall)
    assume(not in_dst_gap(first, zone_name))
    tz = ZoneInfo(zone_name)
    rule = recurrence_rule(f"every {weeks} weeks", first.replace(tzinfo=tz))
    first_utc = to_utc(first, zone_name)
    starts = occurrences(rule, first, zone_name, first_utc, first_utc + timedelta(days=400), horizon_days=400)
    assert starts[0] == first_utc
    for n, start in enumerate(starts):
        expected_wall = first + timedelta(weeks=n * weeks)
        local = start.astimezone(tz).replace(tzinfo=None)
        if in_dst_gap(expected_wall, zone_name):  # shifted forward by the gap, never skipped
            assert local > expected_wall and local - expected_wall <= timedelta(hours=1)
        else:
            assert local == expected_wall
    assert first_utc + timedelta(days=400) - starts[-1] <= timedelta(weeks=weeks, hours=1)
