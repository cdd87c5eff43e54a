"""Calendar files: they parse back, carry the zone, the rule, cancellations and moves."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from bot.features.meetups.ics import PRODID, MeetupIcs, calendar_for, feed_for
from bot.features.meetups.recurrence import occurrences

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

SUNDAY_RUN = MeetupIcs(
    id=7,
    title="Sunday run",
    description="5k, all paces; bring water",
    place="https://meet.example/run",
    zone="Europe/Berlin",
    local_start=datetime(2026, 3, 22, 18, 0),
    duration=timedelta(minutes=90),
    rrule="FREQ=WEEKLY;BYDAY=SU",
    cancelled_local_starts=frozenset({datetime(2026, 4, 5, 18, 0)}),
    moved={datetime(2026, 4, 12, 18, 0): datetime(2026, 4, 13, 19, 0)},
)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_series_calendar_parses_back_with_rule_zone_and_timezone_component():
    data = calendar_for(SUNDAY_RUN, now=STAMP)
    text = data.decode()
    calendar = parse(data)
    assert str(calendar["PRODID"]) == PRODID == "-//copbot//meetups//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Sunday run"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [tz.tz_name for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    assert "BEGIN:DAYLIGHT" in text and "BEGIN:STANDARD" in text
    assert "DTSTART;TZID=Europe/Berlin:20260322T180000\r\n" in text
    assert "DTEND;TZID=Europe/Berlin:20260322T193000\r\n" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=SU\r\n" in text
    assert "EXDATE;TZID=Europe/Berlin:20260405T180000\r\n" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_one_event_for_the_series_and_one_per_moved_occurrence():
    calendar = parse(calendar_for(SUNDAY_RUN, now=STAMP))
    master, moved = calendar.walk("VEVENT")
    assert len(calendar.walk("VEVENT")) == 2
    assert str(master["UID"]) == str(moved["UID"]) == "meetup-7@copbot"
    assert master.start == datetime(2026, 3, 22, 18, tzinfo=BERLIN)
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master.end - master.start == timedelta(minutes=90)
    assert master["DTSTAMP"].dt == STAMP
    assert str(master["SUMMARY"]) == "Sunday run"
    assert str(master["DESCRIPTION"]) == "5k, all paces; bring water"
    assert str(master["LOCATION"]) == str(master["URL"]) == "https://meet.example/run"
    assert "RECURRENCE-ID" not in master
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 4, 12, 18, tzinfo=BERLIN)
    assert moved.start == datetime(2026, 4, 13, 19, tzinfo=BERLIN)
    assert moved.end == datetime(2026, 4, 13, 20, 30, tzinfo=BERLIN)
    assert "RRULE" not in moved


def test_a_calendar_app_expanding_the_file_sees_our_occurrences_minus_the_cancelled_one():
    master = parse(calendar_for(SUNDAY_RUN, now=STAMP)).walk("VEVENT")[0]
    expanded = rruleset()
    expanded.rrule(rrulestr(master["RRULE"].to_ical().decode(), dtstart=master.start))
    for excluded in master["EXDATE"].dts:
        expanded.exdate(excluded.dt)
    window = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    from_file = [start.astimezone(UTC) for start in expanded.between(*window, inc=True)]
    ours = occurrences(SUNDAY_RUN.rrule, SUNDAY_RUN.local_start, SUNDAY_RUN.zone, *window, horizon_days=365)
    assert from_file == [start for start in ours if start != datetime(2026, 4, 5, 16, tzinfo=UTC)]
    assert datetime(2026, 3, 29, 16, tzinfo=UTC) in from_file  # 18:00 CEST on the change day


def test_a_moved_occurrence_that_was_also_cancelled_gets_no_override():
    both = MeetupIcs(
        id=8, title="Study group", zone="Europe/Berlin", local_start=datetime(2026, 3, 22, 18),
        rrule="FREQ=WEEKLY", cancelled_local_starts=(datetime(2026, 4, 5, 18),),
        moved={datetime(2026, 4, 5, 18): datetime(2026, 4, 6, 18)},
    )
    events = parse(calendar_for(both, now=STAMP)).walk("VEVENT")
    assert len(events) == 1
    assert [excluded.dt for excluded in events[0]["EXDATE"].dts] == [datetime(2026, 4, 5, 18, tzinfo=BERLIN)]


def test_one_off_meetups_have_no_rule_and_a_cancelled_one_says_so():
    one_off = MeetupIcs(id=3, title="Expert call", zone="America/New_York", local_start=datetime(2026, 12, 3, 12))
    cancelled = MeetupIcs(
        id=4, title="Retro", zone="America/New_York", local_start=datetime(2026, 12, 10, 12),
        cancelled_local_starts=(datetime(2026, 12, 10, 12),),
    )
    moved = MeetupIcs(
        id=5, title="Demo", zone="America/New_York", local_start=datetime(2026, 12, 17, 12),
        moved={datetime(2026, 12, 17, 12): datetime(2026, 12, 18, 15)},
    )
    events = {str(e["UID"]): e for e in parse(feed_for([one_off, cancelled, moved], "x", now=STAMP)).walk("VEVENT")}
    assert "RRULE" not in events["meetup-3@copbot"] and "STATUS" not in events["meetup-3@copbot"]
    assert events["meetup-3@copbot"].start == datetime(2026, 12, 3, 12, tzinfo=NEW_YORK)
    assert str(events["meetup-4@copbot"]["STATUS"]) == "CANCELLED"
    assert events["meetup-5@copbot"].start == datetime(2026, 12, 18, 15, tzinfo=NEW_YORK)


def test_feed_holds_every_meetup_with_each_zone_once():
    new_york_call = MeetupIcs(
        id=9, title="Monthly expert call", zone="America/New_York", local_start=datetime(2026, 12, 1, 12),
        rrule="FREQ=MONTHLY;BYDAY=1TU", description="Ask anything",
    )
    one_off = MeetupIcs(id=10, title="Kick-off", zone="Europe/Berlin", local_start=datetime(2026, 12, 3, 18))
    data = feed_for([SUNDAY_RUN, new_york_call, one_off], "Runners & friends", now=STAMP)
    calendar = parse(data)
    assert str(calendar["X-WR-CALNAME"]) == "Runners & friends"
    assert "X-WR-TIMEZONE" not in calendar  # more than one zone
    assert sorted(tz.tz_name for tz in calendar.walk("VTIMEZONE")) == ["America/New_York", "Europe/Berlin"]
    events = calendar.walk("VEVENT")
    assert len(events) == 3 + 1  # one per meetup, plus the moved Sunday run
    assert sorted({str(e["UID"]) for e in events}) == ["meetup-10@copbot", "meetup-7@copbot", "meetup-9@copbot"]
    assert "DTSTART;TZID=America/New_York:20261201T120000\r\n" in data.decode()
    assert "RRULE:FREQ=MONTHLY;BYDAY=1TU\r\n" in data.decode()


def test_text_is_escaped_lines_folded_and_output_stable():
    wordy = MeetupIcs(
        id="abc", title="Q&A; cats, dogs", zone="Europe/Berlin", local_start=datetime(2026, 12, 3, 18),
        description="Line one\nLine two, with a comma; and more " + "words " * 40, place="Room 4, 2nd floor",
    )
    data = calendar_for(wordy, now=STAMP)
    assert data == calendar_for(wordy, now=STAMP)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    event = parse(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Q&A; cats, dogs"
    assert str(event["DESCRIPTION"]) == wordy.description
    assert str(event["LOCATION"]) == "Room 4, 2nd floor"
    assert "URL" not in event
    assert str(event["UID"]) == "meetup-abc@copbot"


def test_an_empty_feed_is_still_a_valid_calendar():
    calendar = parse(feed_for([], "Nothing yet", now=STAMP))
    assert calendar.walk("VEVENT") == [] and str(calendar["X-WR-CALNAME"]) == "Nothing yet"
