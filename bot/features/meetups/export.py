"""Calendar files from the store (one meetup, or a community's feed for `copbot meetups ics`),
and the attendance figures the digest reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.errors import Refusal
from bot.features.meetups.ics import MeetupIcs, calendar_for, feed_for
from bot.features.meetups.model import AttendanceLine, Meetup
from bot.features.meetups.timing import zone
from bot.ports import UnitOfWork


async def meetup_ics(uow: UnitOfWork, meetup: Meetup) -> MeetupIcs:
    tz = zone(meetup.zone)

    def local(moment: datetime) -> datetime:
        return moment.astimezone(tz).replace(tzinfo=None)

    stored = await uow.meetups.occurrences(meetup.community_id, meetup.id)
    cancelled = frozenset(local(o.original_start) for o in stored if o.cancelled_at is not None)
    moved = {local(o.original_start): local(o.start_at) for o in stored if o.moved and o.cancelled_at is None}
    if meetup.cancelled_at is not None and meetup.rrule is None:
        cancelled = frozenset({meetup.local_start})
    # A calendar may hold several communities' feeds: their meetup #1s need different UIDs.
    return MeetupIcs(id=f"{meetup.community_id}-{meetup.number}", title=meetup.title, local_start=meetup.local_start, zone=meetup.zone,
                     duration=meetup.duration, description=meetup.description, place=meetup.location,
                     rrule=meetup.rrule, cancelled_local_starts=cancelled, moved=moved)


async def meetup_calendar(uow: UnitOfWork, meetup: Meetup, now: datetime) -> bytes:
    return calendar_for(await meetup_ics(uow, meetup), now=now)


async def community_feed(uow_factory: Callable[[], UnitOfWork], community_name: str, now: datetime) -> bytes:
    """Every live meetup of a community as one calendar (for `copbot meetups ics`)."""
    async with uow_factory() as uow:
        community = await uow.communities.by_name(community_name)
        if community is None:
            names = ", ".join(c.name for c in await uow.communities.all()) or "none yet"
            raise Refusal(f"There is no community called '{community_name[:60]}' (communities: {names}).")
        meetups = await uow.meetups.active(community.id)
        entries = [await meetup_ics(uow, m) for m in meetups]
    return feed_for(entries, f"{community.name} meetups", now=now)


async def attendance(uow: UnitOfWork, community_id: int, since: datetime, until: datetime) -> list[AttendanceLine]:
    """Past occurrences in [since, until): how many said yes and how many came (for the digest)."""
    return await uow.meetups.attendance(community_id, since, until)
