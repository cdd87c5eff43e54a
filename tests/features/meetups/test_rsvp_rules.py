"""The edges of RSVPs, attendance and muting: the exact instant a meetup starts, a cancelled date, the
7-day window for "I was there", and the one place each of these replies' wording is checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reply import stamp
from storage.models_meetups import RsvpRow
from tests.features.meetups.test_waitlist import statuses

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
START = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # Mon 30 Nov 2026 18:00 in Berlin


def told(out: str, who: str) -> list[str]:
    """The replies only `who` sees, without the console's `[m1] (#general, only bob sees this) copbot: `."""
    return [line.split(" copbot: ", 1)[1] for line in out.splitlines() if f"only {who} sees this)" in line]


async def attendance_rows(app) -> dict[int, tuple[bool, datetime | None]]:
    async with AsyncSession(app.engine) as session:
        found = await session.scalars(select(RsvpRow).order_by(RsvpRow.member_id))
        return {r.member_id: (r.attended, r.attended_marked_at) for r in found}


def naive(moment: datetime | None) -> datetime | None:
    return moment and moment.replace(tzinfo=None)


@pytest.fixture
async def workshop(berlin, clock):
    clock.set(NOW)
    await berlin.say(":as alice", '/meetup create "Workshop" 2026-11-30 18:00 capacity=2')
    berlin.recorder.take()
    return berlin


async def test_a_yes_is_told_the_seats_left_and_when(workshop):
    first = await workshop.say(":as bob", "/meetup rsvp 1 yes")
    second = await workshop.say(":as carol", "/meetup rsvp 1 yes")
    assert "(1 of 2 seats taken.)" in first and "(2 of 2 seats taken.)" in second


async def test_the_yes_reply_and_the_promotion_dm_name_the_date(workshop):
    out = await workshop.say(":as bob", "/meetup rsvp 1 yes")
    assert "Mon 30 Nov 2026 18:00" in out
    await workshop.say(":as carol", "/meetup rsvp 1 yes", ":as dan", "/meetup rsvp 1 yes")
    workshop.recorder.take()
    await workshop.say(":as bob", "/meetup rsvp 1 no")
    [dm] = workshop.recorder.take()
    assert dm.dm_to == "dan" and stamp(START) in dm.reply.text


async def test_rsvp_at_the_instant_it_starts_is_refused_and_changes_nothing(workshop, clock):
    await workshop.say(":as bob", "/meetup rsvp 1 maybe")
    clock.set(START - timedelta(seconds=1))
    await workshop.say(":as carol", "/meetup rsvp 1 yes")  # a second before: still open
    clock.set(START)
    out = await workshop.say(":as bob", "/meetup rsvp 1 yes 2026-11-30")
    assert told(out, "bob") == ["Workshop on 2026-11-30 has already started."]
    assert await statuses(workshop.app) == {"bob": "maybe", "carol": "yes"}


async def test_rsvp_to_a_cancelled_date_of_a_series_is_refused_and_changes_nothing(berlin, clock):
    clock.set(NOW)
    await berlin.say(":as alice", '/meetup create "Study group" 2026-11-29 18:00 repeat=weekly',
                     "/meetup cancel 1 2026-12-06")
    out = await berlin.say(":as bob", "/meetup rsvp 1 yes 2026-12-06")
    assert told(out, "bob") == ["Study group on 2026-12-06 was cancelled."]
    async with berlin.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        occurrences = await uow.meetups.occurrences(community.id, 1)
        assert [r for o in occurrences for r in await uow.meetups.rsvps(community.id, o.id)] == []


async def test_attendance_is_recorded_from_the_instant_it_starts(workshop, clock):
    await workshop.say(":as bob", "/meetup rsvp 1 yes")
    clock.set(START - timedelta(seconds=1))
    out = await workshop.say(":as alice", "/meetup attended 1 @bob 2026-11-30")
    assert told(out, "alice") == ["Workshop on 2026-11-30 hasn't started yet."]
    assert [attended for attended, _ in (await attendance_rows(workshop.app)).values()] == [False]
    clock.set(START)
    await workshop.say("/meetup attended 1 @bob")
    assert [(a, naive(at)) for a, at in (await attendance_rows(workshop.app)).values()] == [(True, naive(START))]


async def test_a_bot_cannot_attend(workshop, clock):
    clock.set(START)
    out = await workshop.say(":as alice", "/meetup attended 1 @copbot")
    assert told(out, "alice") == ["copbot is a bot: attendance is for people."]
    assert await attendance_rows(workshop.app) == {}


async def press_i_was_there(berlin, as_whom: str) -> str:
    followup = next(line for line in berlin.printed if "Were you there?" in line)
    return await berlin.say(f":as {as_whom}", f":press {followup.split(']')[0].lstrip('[')} 1")


async def test_i_was_there_works_from_the_start_for_seven_days(workshop, clock):
    await workshop.say(":as bob", "/meetup rsvp 1 yes", ":as carol", "/meetup rsvp 1 yes")
    clock.set(START + timedelta(hours=1))
    await workshop.app.dispatcher.run_due()  # the follow-up with its button
    clock.set(START + timedelta(days=7, hours=23))  # 7 whole days and then some: still in the window
    out = await press_i_was_there(workshop, "bob")
    assert told(out, "bob") == ["Thanks for coming to Workshop! You're marked as there."]
    assert told(await press_i_was_there(workshop, "bob"), "bob") == [
        "You're already marked as there; nothing changed."]
    clock.set(START + timedelta(days=8))
    out = await press_i_was_there(workshop, "carol")
    assert told(out, "carol") == ["Attendance can be marked up to 7 days after a meetup; ask its champion."]
    rows = list((await attendance_rows(workshop.app)).values())
    assert [(a, naive(at)) for a, at in rows] == [(True, naive(START + timedelta(days=7, hours=23))), (False, None)]


async def test_i_was_there_counts_from_the_instant_it_starts(workshop, clock):
    clock.set(START - timedelta(seconds=1))
    out = await workshop.say(":as bob", "/meetup here 1 2026-11-30")
    assert told(out, "bob") == ["Workshop on 2026-11-30 hasn't started yet."]
    assert await attendance_rows(workshop.app) == {}
    clock.set(START)
    await workshop.say("/meetup here 1 2026-11-30")
    assert [(a, naive(at)) for a, at in (await attendance_rows(workshop.app)).values()] == [(True, naive(START))]


async def test_mute_and_unmute_replies(berlin):
    assert told(await berlin.say(":as bob", "/meetup mute"), "bob") == [
        "Meetup reminder DMs are muted; reminders still appear in the meetup's channel. "
        "`/meetup unmute` turns them back on."]
    assert told(await berlin.say("/meetup mute"), "bob") == ["Meetup reminder DMs are already muted."]
    assert told(await berlin.say("/meetup unmute"), "bob") == [
        "Meetup reminder DMs are on again for meetups you say yes to."]
    assert told(await berlin.say("/meetup unmute"), "bob") == ["Meetup reminder DMs are already on."]
