"""Scheduling: occurrences over a bounded horizon, and the outbox rows that remind people.

Occurrences of a series are stored from its first start up to `meetup_horizon_days` ahead; a
`meetup_horizon` outbox row per series comes back once a day to store the next ones (and their
reminders), so an open-ended RRULE never expands without bound. Every scheduled row has a dedupe
key that names the occurrence *at its current start*, so scheduling twice is harmless and moving an
occurrence schedules fresh reminders while the old ones find themselves stale when due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.context import Context
from bot.errors import Refusal
from bot.features.meetups.model import MAYBE, WAITLIST, YES, Meetup, Occurrence
from bot.features.meetups.recurrence import occurrences
from bot.features.meetups.timing import parse_offset, reminder_due, zone
from bot.features.meetups.views import change_dm
from bot.identity import MemberTarget, Role
from bot.ports import UnitOfWork

REMINDER, HORIZON, FOLLOWUP = "meetup_reminder", "meetup_horizon", "meetup_followup"
MAX_OCCURRENCES_PER_PASS = 500
TOP_UP_EVERY = timedelta(days=1)


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def reminder_key(occurrence: Occurrence, offset: str) -> str:
    return f"reminder:{occurrence.id}@{_ts(occurrence.start_at)}:{offset}"


async def extend(uow: UnitOfWork, meetup: Meetup, now: datetime, horizon_days: int) -> Meetup:
    """Store the occurrences from `scheduled_until` to `now + horizon` (a one-off: its only one),
    each with its reminder and follow-up rows."""
    first = _first_start(meetup)
    end = max(now + timedelta(days=horizon_days), first + timedelta(minutes=1))
    if end <= meetup.scheduled_until:
        return meetup
    starts = occurrences(meetup.rrule, meetup.local_start, meetup.zone, meetup.scheduled_until, end,
                         horizon_days=(end - meetup.scheduled_until).days + 1, max_count=MAX_OCCURRENCES_PER_PASS)
    if len(starts) == MAX_OCCURRENCES_PER_PASS:
        end = starts[-1] + timedelta(seconds=1)  # the rest on the next pass
    for occurrence in await uow.meetups.add_occurrences(meetup.community_id, meetup.id, starts):
        await schedule(uow, meetup, occurrence, now)
    return await uow.meetups.update(meetup.community_id, meetup.id, scheduled_until=end)


def _first_start(meetup: Meetup) -> datetime:
    return meetup.local_start.replace(tzinfo=zone(meetup.zone), fold=0).astimezone(UTC)


async def schedule(uow: UnitOfWork, meetup: Meetup, occurrence: Occurrence, now: datetime) -> None:
    """Reminder rows (one per offset still ahead) and the after-meetup follow-up, at the current start."""
    start = occurrence.start_at
    for offset in meetup.offsets:
        due = reminder_due(start, meetup.zone, offset)
        if due <= now:
            continue  # the announcement covers it: no reminder "1 day before" a meetup in 3 hours
        payload = {"occurrence_id": occurrence.id, "start": start.isoformat(), "offset": offset,
                   "offsets": list(meetup.offsets)}
        uow.outbox.add(meetup.community_id, REMINDER, payload, due_at=due, key=reminder_key(occurrence, offset),
                       if_absent=True)
    uow.outbox.add(meetup.community_id, FOLLOWUP, {"occurrence_id": occurrence.id, "start": start.isoformat()},
                   due_at=start + meetup.duration, key=f"followup:{occurrence.id}@{_ts(start)}", if_absent=True)


async def schedule_top_up(uow: UnitOfWork, meetup: Meetup, now: datetime) -> None:
    """Come back tomorrow to store the next occurrences, while the series has any left."""
    after = occurrences(meetup.rrule, meetup.local_start, meetup.zone, meetup.scheduled_until,
                        meetup.scheduled_until + timedelta(days=400), horizon_days=401, max_count=1)
    if not meetup.repeats or not after:
        return
    due = now + TOP_UP_EVERY
    uow.outbox.add(meetup.community_id, HORIZON, {"meetup_id": meetup.id}, due_at=due,
                   key=f"horizon:{meetup.id}:{due.date().isoformat()}", if_absent=True)


def check_offsets(offsets: list[str]) -> tuple[str, ...]:
    for offset in offsets:
        parse_offset(offset)
    return tuple(offsets)


def may_change(ctx: Context, meetup: Meetup) -> None:
    if meetup.creator_id != ctx.member.id and ctx.role < Role.MANAGER:
        raise Refusal(f"Meetup #{meetup.number} belongs to its creator: only they or a manager can change it.")


async def get_meetup(ctx: Context, number: int, *, live: bool = True) -> Meetup:
    """The meetup people call #number in this community."""
    meetup = await ctx.uow.meetups.by_number(ctx.community.id, number)
    if meetup is None:
        raise Refusal(f"There is no meetup #{number} here. `/meetup list` shows what's coming up.")
    if live and meetup.cancelled_at is not None:
        raise Refusal(f"Meetup #{number} ({meetup.title}) was cancelled.")
    return meetup


async def pick(ctx: Context, meetup: Meetup, day: str | None, *, past: bool = False) -> Occurrence:
    """The occurrence a command means: the one on `day` (its local date), else the next one
    (or, with past=True, the latest that has started)."""
    cid = ctx.community.id
    if day is None:
        every = await ctx.uow.meetups.occurrences(cid, meetup.id)
        live = [o for o in every if o.cancelled_at is None]
        if past:
            started = [o for o in live if o.start_at <= ctx.now]
            if not started:
                raise Refusal(f"{meetup.title} hasn't taken place yet.")
            return started[-1]
        upcoming = [o for o in live if o.start_at > ctx.now]
        if not upcoming:
            raise Refusal(f"{meetup.title} has no upcoming dates.")
        return upcoming[0]
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise Refusal(f"'{day[:20]}' is not a date; name the day as 2026-03-29.") from None
    tz = zone(meetup.zone)
    matches = [o for o in await ctx.uow.meetups.occurrences(cid, meetup.id)
               if wanted in (o.original_start.astimezone(tz).date(), o.start_at.astimezone(tz).date())]
    if matches:  # a live date before a cancelled one, then the date it was planned on before one moved onto it
        return min(matches, key=lambda o: (o.cancelled_at is not None, o.original_start.astimezone(tz).date() != wanted))
    if wanted > meetup.scheduled_until.astimezone(tz).date():
        raise Refusal(f"{meetup.title} is open {ctx.settings.meetup_horizon_days} days ahead; "
                      f"{wanted.isoformat()} isn't open yet.")
    raise Refusal(f"{meetup.title} doesn't take place on {wanted.isoformat()}.")


async def refuse_clash(ctx: Context, meetup: Meetup, moving: Occurrence, start: datetime) -> None:
    """A series meets at most once a local day, so a date names one occurrence: refuse moving one
    onto a day another live occurrence is on (or was planned on)."""
    tz = zone(meetup.zone)
    day = start.astimezone(tz).date()
    for other in await ctx.uow.meetups.occurrences(ctx.community.id, meetup.id):
        if other.id == moving.id or other.cancelled_at is not None:
            continue
        if day in (other.original_start.astimezone(tz).date(), other.start_at.astimezone(tz).date()):
            raise Refusal(f"{meetup.title} already meets on {day.isoformat()}, so that date would name two "
                          f"meetups. Pick another day, or first cancel that one "
                          f"(`/meetup cancel {meetup.number} {day.isoformat()}`).")


async def tell(ctx: Context, meetup: Meetup, occurrences_: list[Occurrence], what: str) -> int:
    """A DM (through the outbox) to everyone who said yes or maybe, or waits for a seat."""
    if not occurrences_:
        return 0
    members = await ctx.uow.meetups.dm_recipients(ctx.community.id, [o.id for o in occurrences_],
                                                  [YES, MAYBE, WAITLIST], respect_mute=False)
    members = await ctx.uow.members.reached(ctx.community.id, members)  # where each last acted
    only = occurrences_[0] if len(occurrences_) == 1 else None
    for member in members:
        ctx.send_later(MemberTarget(member.ref), change_dm(meetup, only, what))
    return len(members)
