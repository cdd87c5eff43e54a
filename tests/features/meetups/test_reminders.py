"""Reminders through the real core, outbox and dispatcher, with a clock the tests move."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.reply import stamp
from tests.features.meetups.conftest import BERLIN


def berlin_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def step(berlin, clock, moment: datetime):
    clock.set(moment)
    await berlin.app.dispatcher.run_due()
    return berlin.recorder.take()


def reminders(sent):
    return [s for s in sent if "Reminder" in s.reply.text and s.dm_to is None]


async def test_weekly_sunday_berlin_meetup_keeps_18_00_across_both_dst_changes(berlin, clock):
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))  # Friday before the first Sunday
    out = await berlin.say(":as alice", '/meetup create "Sunday run" 2026-03-22 18:00 repeat=weekly')
    assert "New meetup #1: Sunday run" in out and "Sun 22 Mar 2026 18:00 CET" in out
    sunday = date(2026, 3, 22)
    seen = []
    while sunday <= date(2026, 11, 1):
        saturday = sunday - timedelta(days=1)
        day_before, hour_before = berlin_time(saturday, 18), berlin_time(sunday, 17)
        assert reminders(await step(berlin, clock, day_before - timedelta(minutes=1))) == []
        [one] = reminders(await step(berlin, clock, day_before))
        assert "starts tomorrow" in one.reply.text
        assert stamp(berlin_time(sunday, 18)) in one.reply.text  # the occurrence starts at 18:00 local
        assert (one.local.weekday(), one.local.hour, one.local.minute) == (5, 18, 0)  # Saturday 18:00 local
        assert reminders(await step(berlin, clock, hour_before - timedelta(minutes=1))) == []
        [two] = reminders(await step(berlin, clock, hour_before))
        assert "starts in 1h" in two.reply.text and stamp(berlin_time(sunday, 18)) in two.reply.text
        assert (two.local.weekday(), two.local.hour, two.local.minute) == (6, 17, 0)  # Sunday 17:00 local
        seen.append(sunday)
        await step(berlin, clock, berlin_time(sunday, 20))  # the follow-up after the run
        sunday += timedelta(days=7)
    assert date(2026, 3, 29) in seen and date(2026, 10, 25) in seen and len(seen) == 33
    printed = "\n".join(berlin.printed)
    assert "Sun 29 Mar 2026 18:00 CEST" in printed  # the stamp, read in Berlin: 18:00 on the spring-forward day
    assert "Sun 25 Oct 2026 18:00 CET" in printed  # and on the fall-back day
    # The UTC instants moved by an hour with the clocks; the wall time did not.
    assert berlin_time(date(2026, 3, 28), 18) == datetime(2026, 3, 28, 17, 0, tzinfo=UTC)  # CET, the day before
    assert berlin_time(date(2026, 3, 29), 17) == datetime(2026, 3, 29, 15, 0, tzinfo=UTC)  # CEST, an hour before


async def test_only_yes_rsvps_get_a_dm_and_muted_members_get_none(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "SEO clinic" 2026-11-26 18:00 place=https://meet.example/seo')
    await berlin.say(":as bob", "/meetup rsvp 1 yes", ":as carol", "/meetup rsvp 1 no", ":as dan",
                     "/meetup rsvp 1 maybe", ":as erin", "/meetup rsvp 1 yes", "/meetup mute")
    berlin.recorder.take()
    day_before = await step(berlin, clock, berlin_time(date(2026, 11, 25), 18))
    assert len(reminders(day_before)) == 1
    assert [s.dm_to for s in day_before if s.dm_to] == ["bob"]
    hour_before = await step(berlin, clock, berlin_time(date(2026, 11, 26), 17))
    assert [s.dm_to for s in hour_before if s.dm_to] == ["bob"]
    assert "(DM to carol)" not in "\n".join(berlin.printed) and "(DM to dan)" not in "\n".join(berlin.printed)


async def test_a_cancelled_occurrence_sends_nothing_and_tells_who_said_yes(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "Study group" 2026-11-29 18:00 repeat=weekly')
    await berlin.say(":as bob", "/meetup rsvp 1 yes 2026-12-06")
    out = await berlin.say(":as alice", "/meetup cancel 1 2026-12-06")
    assert "is cancelled" in out and "(DM to bob)" in out
    berlin.recorder.take()
    sent = []
    for moment in (berlin_time(date(2026, 11, 28), 18), berlin_time(date(2026, 11, 29), 17),
                   berlin_time(date(2026, 12, 5), 18), berlin_time(date(2026, 12, 6), 17),
                   berlin_time(date(2026, 12, 6), 20), berlin_time(date(2026, 12, 12), 18)):
        sent.append(await step(berlin, clock, moment))
    assert [len(reminders(s)) for s in sent] == [1, 1, 0, 0, 0, 1]
    assert not any(s.dm_to for batch in sent for s in batch)
    assert not any("Thanks to everyone" in s.reply.text for s in sent[4])  # no follow-up either


async def test_a_waitlisted_member_is_promoted_and_told(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "Workshop" 2026-11-30 18:00 capacity=1')
    await berlin.say(":as bob", "/meetup rsvp 1 yes")
    out = await berlin.say(":as carol", "/meetup rsvp 1 yes")
    assert "is full: you're number 1 on the waitlist" in out
    berlin.recorder.take()
    out = await berlin.say(":as bob", "/meetup rsvp 1 no")
    [told] = berlin.recorder.take()
    assert told.dm_to == "carol" and "a seat opened up and it's yours" in told.reply.text
    assert "(DM to carol)" in out
    show = await berlin.say("/meetup show 1")
    assert "Going: carol" in show
    reminder = await step(berlin, clock, berlin_time(date(2026, 11, 29), 18))
    assert [s.dm_to for s in reminder if s.dm_to] == ["carol"]


async def test_after_downtime_only_the_latest_overdue_reminder_is_sent_marked_late(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "Run" 2026-11-29 18:00')
    berlin.recorder.take()
    [late] = reminders(await step(berlin, clock, berlin_time(date(2026, 11, 29), 17, 30)))  # down since Saturday
    assert "starts in 1h" in late.reply.text and "late" in late.reply.text
    assert reminders(await step(berlin, clock, berlin_time(date(2026, 11, 29), 17, 45))) == []


async def test_nothing_is_sent_once_the_meetup_has_started(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "Run" 2026-11-29 18:00')
    berlin.recorder.take()
    assert reminders(await step(berlin, clock, berlin_time(date(2026, 11, 29), 18, 5))) == []


async def test_a_moved_occurrence_is_reminded_at_its_new_time_only(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await berlin.say(":as alice", '/meetup create "Run" 2026-11-29 18:00 repeat=weekly')
    await berlin.say(":as bob", "/meetup rsvp 1 yes")
    out = await berlin.say(":as alice", "/meetup move 1 2026-11-29 2026-11-30 19:00")
    assert "moves to Mon 30 Nov 2026 19:00 CET" in out and "(DM to bob)" in out
    assert reminders(await step(berlin, clock, berlin_time(date(2026, 11, 28), 18))) == []
    [one] = reminders(await step(berlin, clock, berlin_time(date(2026, 11, 29), 19)))
    assert "Mon 30 Nov 2026 19:00" in berlin.printed[-2] + berlin.printed[-1] and one.dm_to is None


async def test_reminder_offsets_are_a_community_setting(berlin, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    out = await berlin.say(":as alice", "/settings meetup_reminders 2d,30m")
    assert "meetup_reminders is now 2d, 30m" in out
    await berlin.say('/meetup create "Run" 2026-11-29 18:00')
    [two_days] = reminders(await step(berlin, clock, berlin_time(date(2026, 11, 27), 18)))
    assert "starts in 2d" in two_days.reply.text
    assert reminders(await step(berlin, clock, berlin_time(date(2026, 11, 28), 18))) == []  # no 1d any more
    [one] = reminders(await step(berlin, clock, berlin_time(date(2026, 11, 29), 17, 30)))
    assert "starts in 30m" in one.reply.text
