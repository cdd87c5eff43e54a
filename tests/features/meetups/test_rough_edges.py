"""The rough edges a new user hits in the first hour with /meetup (issue 11): each wrong result, fixed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.features.meetups.model import YES, Meetup
from bot.features.meetups.recurrence import describe_rule
from bot.features.meetups.timing import MAX_YEARS_AHEAD
from bot.features.meetups.views import seats, told

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)



async def stored(app) -> dict[str, list]:
    """Every meetup's occurrences (original UTC start, current UTC start, cancelled) and every RSVP."""
    async with app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        found: dict[str, list] = {}
        for meetup in await uow.meetups.active(community.id):
            rows = []
            for o in await uow.meetups.occurrences(community.id, meetup.id):
                answers = [(m.name, r.status, r.attended) for r, m in await uow.meetups.rsvps(community.id, o.id)]
                rows.append((o.original_start, o.start_at, o.cancelled_at is not None, answers))
            found[meetup.title] = rows
    return found


def berlin_utc(day: str, hour: int) -> datetime:
    """UTC of a Berlin winter wall time."""
    return datetime.fromisoformat(f"{day}T{hour:02}:00+01:00").astimezone(UTC)


# --- moving onto a date the series already has ---------------------------------------------------

async def test_a_date_cannot_move_onto_another_date_of_the_series(ready):
    await ready.say(":as alice", '/meetup create "Sunday run" 2026-12-06 18:00 repeat=weekly')
    out = await ready.say("/meetup move 1 2026-12-20 2026-12-27 18:00")
    assert "already meets on 2026-12-27" in out and "only alice sees this" in out
    rows = (await stored(ready.app))["Sunday run"]
    assert all(original == current for original, current, _, _ in rows)  # nothing moved
    await ready.say(":as bob", "/meetup rsvp 1 yes 2026-12-27")
    [answered] = [row for row in (await stored(ready.app))["Sunday run"] if row[3]]
    assert answered[0] == berlin_utc("2026-12-27", 18) and answered[3] == [("bob", YES, False)]


async def test_moving_onto_a_cancelled_date_works_and_the_date_then_names_the_moved_one(ready):
    await ready.say(":as alice", '/meetup create "Sunday run" 2026-12-06 18:00 repeat=weekly')
    await ready.say("/meetup cancel 1 2026-12-27", "/meetup move 1 2026-12-20 2026-12-27 19:00")
    await ready.say(":as bob", "/meetup rsvp 1 yes 2026-12-27")
    [answered] = [row for row in (await stored(ready.app))["Sunday run"] if row[3]]
    assert answered[:3] == (berlin_utc("2026-12-20", 18), berlin_utc("2026-12-27", 19), False)


# --- starts far ahead, unknown options, lengths: a clear reply, nothing stored -------------------

@pytest.mark.parametrize("line, expected", [
    ('/meetup create "T" 9999-12-10 18:00', f"is more than {MAX_YEARS_AHEAD} years ahead"),
    ('/meetup create "T" 2030-01-10 18:00', f"is more than {MAX_YEARS_AHEAD} years ahead"),
    ('/meetup create "T" 2026-12-10 18:00 nosuch=1',
     "There is no option nosuch=. The options are title=, start=, repeat=, duration=, place=, capacity=, zone=, "
     "about=; each value runs to the next option."),
    ('/meetup create "T" 2026-12-10 18:00 duration=1h colour=red', "There is no option colour="),
    ('/meetup create "T" 2026-12-10 18:00 about=' + "x" * 10_000,
     "Please keep the description under 1500 characters (this one has 10000)."),
    ('/meetup create "' + "T" * 300 + '" 2026-12-10 18:00', "Please keep the title under 200 characters"),
    ('/meetup create "T" 2026-12-10 18:00 place=' + "p" * 600, "Please keep the place under 500 characters"),
    ('/meetup create "T" ' + "1" * 150, "Please keep the start under 100 characters"),
    ('/meetup create "T" 2026-12-10 18:00 about=' + "x" * 30_000,
     "Please keep the meetup's details under 20000 characters"),
])
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(ready, line, expected):
    out = await ready.say(":as carol", line)
    assert expected in out and "only carol sees this" in out, out[:300]
    assert "went wrong" not in out
    assert await stored(ready.app) == {}


async def test_a_start_a_few_years_ahead_is_still_fine(ready):
    await ready.say(":as carol", '/meetup create "Reunion" 2029-06-01 18:00')
    assert [row[0] for row in (await stored(ready.app))["Reunion"]] == [datetime(2029, 6, 1, 16, 0, tzinfo=UTC)]


async def test_an_edit_names_an_unknown_option_and_changes_nothing(ready):
    await ready.say(":as alice", '/meetup create "Clinic" 2026-11-26 18:00 capacity=5')
    out = await ready.say("/meetup edit 1 capacity=9 seats=3")
    assert "There is no option seats=" in out
    assert "Capacity: 5" in await ready.say("/meetup show 1")


# --- help ------------------------------------------------------------------------------------------

async def test_help_says_attended_and_here_default_to_the_latest_date_that_started(ready):
    out = await ready.say("/help meetup")

    def day_help(summary: str) -> str:
        block = out[out.index(summary):]
        return next(line for line in block.splitlines() if line.strip().startswith("day:"))

    for summary in ("Record who came to a meetup", "Say you were at a meetup"):
        assert "default: the latest one that has started" in day_help(summary)
    assert "default: the next one" in day_help("Say if you're coming")


# --- times: the reader's zone first, repeats in words, the fall-back night ----------------------

async def test_times_are_shown_in_the_readers_zone(console, clock):
    clock.set(NOW)
    await console.say(":as alice", "/settings zone Europe/Berlin")
    out = await console.say('/meetup create "Run" 2026-12-06 18:00')
    assert "Sun 06 Dec 2026 18:00 CET" in out and "UTC" not in out
    await console.say(":as bob", "/timezone America/New_York")
    assert "Sun 06 Dec 2026 12:00 EST" in await console.say("/meetup rsvp 1 yes")


@pytest.mark.parametrize("rule, words", [
    ("FREQ=MONTHLY;BYDAY=1TU", "monthly on the first Tuesday, no end date"),
    ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=6", "monthly on the last Friday, 6 times"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", "monthly on the second Tuesday, no end date"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "every 2 weeks on Tuesday and Thursday, no end date"),
    ("FREQ=WEEKLY;BYDAY=SU;UNTIL=20261231T230000Z", "weekly on Sunday, until 31 December 2026"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on the 15th, no end date"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day, no end date"),
    ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "every Monday, Tuesday, Wednesday, Thursday and Friday, no end date"),
    ("FREQ=DAILY;INTERVAL=3", "every 3 days, no end date"),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", "yearly (FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1), no end date"),
])
def test_a_rule_is_described_in_words(rule, words):
    assert describe_rule(rule) == words


async def test_a_series_is_shown_in_words(ready):
    out = await ready.say(":as alice", '/meetup create "Study" 2026-12-01 18:00 repeat=monthly on the first tuesday')
    assert "Schedule: monthly on the first Tuesday at 18:00 Europe/Berlin, no end date" in out
    assert "FREQ=" not in out


async def test_a_start_on_the_fall_back_night_says_which_one_it_took(ready):
    out = await ready.say(":as alice", '/meetup create "Night owls" 2027-10-31 02:30')
    assert "02:30 on 31 October 2027 happens twice in Europe/Berlin (clocks go back): I took the first one" in out
    [row] = (await stored(ready.app))["Night owls"]
    assert row[0] == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, summer time
    assert "happens twice" not in await ready.say('/meetup create "Day owls" 2027-10-31 12:30')


# --- the list, grammar, promises, who came ---------------------------------------------------------

async def test_the_list_shows_each_series_once_then_one_offs_with_your_answer(ready):
    await ready.say(":as alice", '/meetup create "Sunday run" 2026-11-29 18:00 repeat=weekly',
                    '/meetup create "Clinic" 2026-11-26 18:00', '/meetup create "Talk" 2026-12-02 18:00')
    await ready.say(":as bob", "/meetup rsvp 3 maybe")
    lines = (await ready.say("/meetup list")).splitlines()
    shown = [line for line in lines if line.startswith("#")]
    assert [line.split(" — ")[0] for line in shown] == ["#1 Sunday run", "#2 Clinic", "#3 Talk"]
    assert "Sun 29 Nov 2026 18:00 CET" in shown[0] and "you said maybe" in shown[2]
    assert "you" not in shown[0] + shown[1]


async def test_the_list_says_how_many_more_there_are(ready):
    await ready.say(":as alice")
    for n in range(12):
        await ready.say(f'/meetup create "Talk {n}" 2026-12-{n + 1:02} 18:00')
    out = await ready.say("/meetup list")
    assert len([line for line in out.splitlines() if line.startswith("#")]) == 10
    assert "…and 2 more meetups." in out


def meetup(capacity: int | None) -> Meetup:
    return Meetup(1, 1, 1, 1, "Run", "", "", "console", "local", "general", "UTC", datetime(2026, 12, 6, 18),
                  timedelta(hours=1), None, capacity, ("1d",), NOW)


def test_counts_read_as_english():
    assert seats(meetup(1), 1) == "1 of 1 seat taken"
    assert seats(meetup(12), 2) == "2 of 12 seats taken"
    assert seats(meetup(1), 2) == "2 going for 1 seat"  # the capacity was lowered below the yeses
    assert seats(meetup(None), 3) == "3 going"
    assert told(0) == "nobody had said yes or maybe"
    assert told(1) == "1 person who answered was told"
    assert told(2) == "2 people who answered were told"


async def test_no_reminder_is_promised_once_every_reminder_time_has_passed(ready):
    await ready.say(":as alice", '/meetup create "Soon" in 30 minutes', '/meetup create "Later" 2026-11-30 18:00')
    assert "I'll remind you" not in await ready.say(":as bob", "/meetup rsvp 1 yes")
    assert "I'll remind you" in await ready.say("/meetup rsvp 2 yes")
    await ready.say(":as dan", "/meetup mute")
    out = await ready.say("/meetup rsvp 2 yes")
    assert "I'll remind you" not in out and "muted" in out


async def test_show_after_a_meetup_says_who_came(ready, clock):
    await ready.say(":as alice", '/meetup create "Run" 2026-11-24 18:00')
    await ready.say(":as bob", "/meetup rsvp 1 yes", ":as dan", "/meetup rsvp 1 yes")
    clock.set(datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    await ready.app.dispatcher.run_due()
    assert "nobody is marked as there yet" in await ready.say("/meetup show 1")
    await ready.say(":as frank", "/help", ":as alice", "/meetup attended 1 @bob @frank")
    out = await ready.say("/meetup show 1")
    assert "has no upcoming dates" in out and "2 said yes; came (2): bob, frank" in out


# --- the documentation ----------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[3] / "docs" / "meetups.md"


async def test_the_docs_console_session_is_true(console, clock):
    """docs/meetups.md shows a console session (lines, then what was printed): it is what the console prints."""
    session = DOCS.read_text(encoding="utf-8").split("## A console session", 1)[1]
    script, printed = re.findall(r"```\n(.*?)```", session, re.S)[:2]
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert await console.script(script) == printed.strip()
