"""/meetup through the console: the create syntax, bad input, roles, RSVPs, attendance, .ics, the CLI feed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.core import Invocation
from bot.features.meetups.syntax import parse_details
from bot.identity import MemberRef, Person, Place
from bot.reply import Visibility

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def count_meetups(app) -> tuple[int, int]:
    async with app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        meetups = await uow.meetups.active(community.id)
        occurrences = [o for m in meetups for o in await uow.meetups.occurrences(community.id, m.id)]
    return len(meetups), len(occurrences)



def test_the_create_syntax():
    details = parse_details('“Sunday run” next sunday 18:00 repeat=every 2 weeks place=Café Central, Vienna '
                            'duration=1h30m capacity=12 about="5k, all paces"', creating=True)
    assert details.title == "Sunday run" and details.start == "next sunday 18:00"
    assert details.repeat == "every 2 weeks" and details.place == "Café Central, Vienna"
    assert details.duration == timedelta(minutes=90) and details.capacity == 12 and details.about == "5k, all paces"
    assert parse_details("title=Run start=tomorrow 9am", creating=True).start == "tomorrow 9am"
    assert parse_details("repeat=FREQ=WEEKLY;BYDAY=TU,TH", creating=False).repeat == "FREQ=WEEKLY;BYDAY=TU,TH"


@pytest.mark.parametrize("line, expected", [
    ('/meetup create "Old" 2026-01-05 18:00', "is in the past"),
    ('/meetup create "Leap" 2027-02-30 18:00', "There is no 30 February"),
    ('/meetup create "Gap" 2027-03-28 02:30', "does not exist in Europe/Berlin (clocks jump forward)"),
    ('/meetup create "Zone" tomorrow 18:00 zone=Mars/Base', "I don't know the time zone 'Mars/Base'"),
    ('/meetup create "Full" tomorrow 18:00 capacity=0', "Capacity must be at least 1 seat"),
    ('/meetup create "Odd" tomorrow 18:00 repeat=sometimes', "I don't understand the repeat 'sometimes'"),
    ('/meetup create "Long" tomorrow 18:00 duration=3 days', "is not a duration"),
    ('/meetup create tomorrow 18:00', "Give the meetup a title first, in quotes"),
    ('/meetup create "No time"', "Tell me when it starts"),
    ('/meetup create "Vague" next week', "Please add a time of day"),
    ('/meetup create', "Please add a title in quotes"),
])
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(ready, line, expected):
    out = await ready.say(":as carol", line)
    assert expected in out and "only carol sees this" in out, out
    assert await count_meetups(ready.app) == (0, 0)


async def test_members_cannot_create_and_champions_cannot_edit_someone_elses(ready):
    assert "Only a champion or above" in await ready.say(":as bob", '/meetup create "Mine" tomorrow 18:00')
    await ready.say(":as alice", '/meetup create "Alice\'s" tomorrow 18:00 capacity=5')
    for line in ("/meetup edit 1 capacity=9", "/meetup cancel 1", "/meetup move 1 2026-11-24 2026-11-25 18:00"):
        out = await ready.say(":as carol", line)
        assert "belongs to its creator: only they or a manager can change it" in out
    show = await ready.say("/meetup show 1")
    assert "Capacity: 5" in show and "Tue 24 Nov 2026 18:00 CET" in show


async def test_an_open_ended_series_is_expanded_over_the_horizon_only(ready, clock):
    out = await ready.say(":as carol", '/meetup create "Standup" tomorrow 9am repeat=FREQ=DAILY')
    assert "RSVPs and reminders open 90 days ahead" in out
    assert await count_meetups(ready.app) == (1, 90)
    out = await ready.say(":as bob", "/meetup rsvp 1 yes 2027-06-01")
    assert "isn't open yet" in out
    clock.advance(days=10)
    await ready.app.dispatcher.run_due()  # the daily top-up stores the next days
    assert await count_meetups(ready.app) == (1, 100)
    assert "You're going" in await ready.say("/meetup rsvp 1 yes 2027-03-01")


async def test_rsvp_twice_is_refused_and_buttons_run_the_same_command(ready):
    out = await ready.say(":as alice", '/meetup create "Clinic" 2026-11-26 18:00')
    message_id = out.split("]")[0].lstrip("[")
    assert "[1] Going  [2] Maybe  [3] Can't come" in out
    assert "You're going to Clinic" in await ready.say(":as bob", f":press {message_id} 1")
    assert "You already answered yes for Clinic on 2026-11-26; nothing changed" in await ready.say(
        "/meetup rsvp 1 yes")
    assert "Noted: maybe" in await ready.say(f":press {message_id} 2")
    assert "Maybe: bob" in await ready.say("/meetup show 1")


async def test_cancelling_a_meetup_tells_yes_and_maybe_but_not_no(ready):
    await ready.say(":as alice", '/meetup create "Talk" 2026-11-27 18:00')
    await ready.say(":as bob", "/meetup rsvp 1 yes", ":as dan", "/meetup rsvp 1 maybe", ":as erin",
                    "/meetup rsvp 1 no")
    out = await ready.say(":as alice", "/meetup cancel 1")
    assert "is cancelled" in out
    assert "(DM to bob)" in out and "(DM to dan)" in out and "(DM to erin)" not in out
    assert "was cancelled" in await ready.say(":as bob", "/meetup rsvp 1 no")
    assert "No meetups are coming up" in await ready.say("/meetup list")


async def test_attendance_by_champion_and_by_button_is_kept_for_the_digest(ready, clock):
    await ready.say(":as alice", '/meetup create "Run" 2026-11-24 18:00')
    await ready.say(":as bob", "/meetup rsvp 1 yes", ":as dan", "/meetup rsvp 1 yes")
    assert "hasn't taken place yet" in await ready.say(":as alice", "/meetup attended 1 @bob")
    clock.set(datetime(2026, 11, 24, 18, 0, tzinfo=UTC))  # 19:00 Berlin: over
    await ready.app.dispatcher.run_due()
    followup = next(line for line in ready.printed if "Were you there?" in line)
    message_id = followup.split("]")[0].lstrip("[")
    assert "I don't know anyone called @frank" in await ready.say(":as alice", "/meetup attended 1 @bob @frank")
    out = await ready.say(":as frank", "/help", ":as alice", "/meetup attended 1 @bob @frank")
    assert "bob, frank (2 newly recorded)" in out
    assert "marked as there" in await ready.say(":as dan", f":press {message_id} 1")
    assert "already marked" in await ready.say(f":press {message_id} 1")
    from bot.features.meetups.export import attendance

    async with ready.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        [line] = await attendance(uow, community.id, NOW, NOW + timedelta(days=7))
    assert (line.title, line.said_yes, line.attended, line.attended_without_rsvp) == ("Run", 2, 3, 1)


async def test_mute_is_toggled_once(ready):
    assert "muted" in await ready.say(":as bob", "/meetup mute")
    assert "already muted" in await ready.say("/meetup mute")
    assert "on again" in await ready.say("/meetup unmute")


async def test_meetup_ics_is_a_calendar_file_with_the_rule_zone_and_cancellations(ready):
    await ready.say(":as alice", '/meetup create "Sunday run" 2026-11-29 18:00 repeat=weekly place=#running')
    await ready.say("/meetup cancel 1 2026-12-06", "/meetup move 1 2026-12-13 2026-12-14 19:00")
    alice = Person(MemberRef("console", "local", "alice"), "alice")
    reply = await ready.app.core.handle(Invocation(alice, Place("console", "local", "general"), "meetup ics 1"))
    assert reply.visibility is Visibility.EPHEMERAL
    [attachment] = reply.attachments
    assert attachment.filename == "meetup-1.ics" and attachment.mime_type == "text/calendar"
    calendar = Calendar.from_ical(attachment.content)
    master, moved = [c for c in calendar.walk("VEVENT")]
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"
    assert master["DTSTART"].dt.tzinfo.key == "Europe/Berlin" and master["DTSTART"].dt.hour == 18
    assert [d.dt.day for d in master["EXDATE"].dts] == [6]
    assert moved["RECURRENCE-ID"].dt.day == 13 and moved["DTSTART"].dt.day == 14
    assert calendar.walk("VTIMEZONE")


def test_the_cli_writes_a_community_feed(tmp_path):
    db = tmp_path / "feed.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    script = ':as alice\n/meetup create "Sunday run" next sunday 18:00 repeat=weekly\n'
    subprocess.run([sys.executable, "-m", "adapters.app.cli", "console"], input=script, text=True, env=env,
                   cwd=ROOT, check=True, capture_output=True)
    out = tmp_path / "feed.ics"
    result = subprocess.run([sys.executable, "-m", "adapters.app.cli", "meetups", "ics", "--community",
                             "Local community", "--out", str(out)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(out.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Local community meetups"
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Sunday run"]
    missing = subprocess.run([sys.executable, "-m", "adapters.app.cli", "meetups", "ics", "--community", "Nope"],
                             env=env, cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 1 and "There is no community called 'Nope'" in missing.stderr
