"""The waitlist of a full meetup, asserted on the RSVP rows and on who received which DM
(SQLite and PostgreSQL alike, through the console)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.features.meetups.test_reminders import berlin_time, step

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def statuses(app, meetup_id: int = 1) -> dict[str, str]:
    """Who answered what for the meetup's first occurrence, read from the store."""
    async with app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        first = (await uow.meetups.occurrences(community.id, meetup_id))[0]
        return {member.name: rsvp.status for rsvp, member in await uow.meetups.rsvps(community.id, first.id)}


def dms(sent) -> list[str]:
    return [s.dm_to for s in sent if s.dm_to]


@pytest.fixture
async def full(berlin, clock):
    """'Workshop' with one seat, taken by bob; carol then dan then erin queue for it, a minute apart."""
    clock.set(NOW)
    await berlin.say(":as alice", '/meetup create "Workshop" 2026-11-30 18:00 capacity=1')
    for name in ("bob", "carol", "dan", "erin"):
        await berlin.say(f":as {name}", "/meetup rsvp 1 yes")
        clock.advance(minutes=1)
    assert await statuses(berlin.app) == {"bob": "yes", "carol": "waitlist", "dan": "waitlist", "erin": "waitlist"}
    berlin.recorder.take()
    return berlin


async def test_the_first_in_line_is_promoted_not_the_last(full):
    await full.say(":as bob", "/meetup rsvp 1 no")
    assert await statuses(full.app) == {"bob": "no", "carol": "yes", "dan": "waitlist", "erin": "waitlist"}
    assert dms(full.recorder.take()) == ["carol"]


async def test_the_line_is_the_order_people_joined_it_even_when_ids_say_otherwise(berlin, clock):
    """erin's row is older than dan's, but dan joined the waitlist first: dan is first in line."""
    clock.set(NOW)
    await berlin.say(":as alice", '/meetup create "Workshop" 2026-11-30 18:00 capacity=1')
    await berlin.say(":as bob", "/meetup rsvp 1 yes", ":as erin", "/meetup rsvp 1 maybe")
    clock.advance(minutes=1)
    await berlin.say(":as dan", "/meetup rsvp 1 yes")
    clock.advance(minutes=1)
    await berlin.say(":as erin", "/meetup rsvp 1 yes")
    berlin.recorder.take()
    await berlin.say(":as bob", "/meetup rsvp 1 no")
    assert await statuses(berlin.app) == {"bob": "no", "erin": "waitlist", "dan": "yes"}
    assert dms(berlin.recorder.take()) == ["dan"]


async def test_a_seat_frees_on_yes_to_maybe_as_well_as_yes_to_no(full):
    await full.say(":as bob", "/meetup rsvp 1 maybe")
    assert await statuses(full.app) == {"bob": "maybe", "carol": "yes", "dan": "waitlist", "erin": "waitlist"}
    assert dms(full.recorder.take()) == ["carol"]
    await full.say(":as carol", "/meetup rsvp 1 no")
    assert await statuses(full.app) == {"bob": "maybe", "carol": "no", "dan": "yes", "erin": "waitlist"}
    assert dms(full.recorder.take()) == ["dan"]


async def test_leaving_the_waitlist_or_saying_maybe_frees_no_seat_and_promotes_nobody(full):
    await full.say(":as carol", "/meetup rsvp 1 no", ":as dan", "/meetup rsvp 1 maybe")
    assert await statuses(full.app) == {"bob": "yes", "carol": "no", "dan": "maybe", "erin": "waitlist"}
    assert dms(full.recorder.take()) == []
    await full.say(":as bob", "/meetup rsvp 1 no")  # erin is the only one left in line
    assert await statuses(full.app) == {"bob": "no", "carol": "no", "dan": "maybe", "erin": "yes"}


async def test_a_waitlisted_yes_again_is_refused_and_keeps_the_place_in_line(full, clock):
    clock.advance(minutes=5)
    out = await full.say(":as carol", "/meetup rsvp 1 yes")
    assert "already are on the waitlist" in out and "only carol sees this" in out
    await full.say(":as bob", "/meetup rsvp 1 no")
    assert (await statuses(full.app))["carol"] == "yes"
    assert dms(full.recorder.take()) == ["carol"]


async def test_a_yes_takes_the_last_seat_and_the_next_yes_is_waitlisted(berlin, clock):
    clock.set(NOW)
    await berlin.say(":as alice", '/meetup create "Workshop" 2026-11-30 18:00 capacity=2')
    await berlin.say(":as bob", "/meetup rsvp 1 yes", ":as carol", "/meetup rsvp 1 yes", ":as dan",
                     "/meetup rsvp 1 yes")
    assert await statuses(berlin.app) == {"bob": "yes", "carol": "yes", "dan": "waitlist"}
    out = await berlin.say(":as erin", "/meetup rsvp 1 yes")
    assert "you're number 2 on the waitlist" in out  # the reply's wording is checked here only


async def test_raising_the_capacity_promotes_as_many_as_it_frees(full):
    await full.say(":as alice", "/meetup edit 1 capacity=3")
    assert await statuses(full.app) == {"bob": "yes", "carol": "yes", "dan": "yes", "erin": "waitlist"}
    assert sorted(dms(full.recorder.take())) == ["carol", "dan"]
    await full.say(":as alice", "/meetup edit 1 capacity=2")  # fewer seats take none away
    assert await statuses(full.app) == {"bob": "yes", "carol": "yes", "dan": "yes", "erin": "waitlist"}
    assert dms(full.recorder.take()) == []


async def test_removing_the_capacity_promotes_everyone_waiting(full):
    await full.say(":as alice", "/meetup edit 1 capacity=none")
    assert await statuses(full.app) == {"bob": "yes", "carol": "yes", "dan": "yes", "erin": "yes"}
    assert sorted(dms(full.recorder.take())) == ["carol", "dan", "erin"]


async def test_an_edit_of_anything_but_the_capacity_promotes_nobody(full):
    await full.say(":as alice", "/meetup edit 1 place=#garden")
    assert (await statuses(full.app))["carol"] == "waitlist"
    assert dms(full.recorder.take()) == []


async def test_waitlisted_members_get_no_reminder_dm(full, clock):
    day_before = await step(full, clock, berlin_time(date(2026, 11, 29), 18))
    assert any(s.dm_to is None and "Reminder" in s.reply.text for s in day_before)
    assert dms(day_before) == ["bob"]
    await full.say(":as bob", "/meetup rsvp 1 no")
    full.recorder.take()
    hour_before = await step(full, clock, berlin_time(date(2026, 11, 30), 17))
    assert dms(hour_before) == ["carol"]
