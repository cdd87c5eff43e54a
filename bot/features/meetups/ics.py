"""iCalendar (.ics) files for meetups, for Google Calendar, Outlook and Apple Calendar.

Each meetup is one VEVENT with a stable UID, DTSTART/DTEND in its IANA zone (TZID) and the
matching VTIMEZONE (Outlook needs it), its RRULE when it repeats, EXDATE for cancelled occurrences
and one extra VEVENT (same UID, RECURRENCE-ID = the original start) per moved occurrence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from bot.features.meetups.timing import zone

PRODID = "-//copbot//meetups//EN"
_TIMEZONE_YEARS_AHEAD = 10


@dataclass(frozen=True)
class MeetupIcs:
    """What a calendar file needs to know about one meetup. Local starts are naive wall times in `zone`."""

    id: int | str
    title: str
    local_start: datetime
    zone: str
    duration: timedelta = timedelta(hours=1)
    description: str = ""
    place: str = ""
    rrule: str | None = None
    cancelled_local_starts: frozenset[datetime] | tuple[datetime, ...] = ()
    moved: Mapping[datetime, datetime] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        return f"meetup-{self.id}@copbot"


def calendar_for(meetup: MeetupIcs, now: datetime | None = None) -> bytes:
    """A calendar file holding one meetup (the whole series when it repeats)."""
    return feed_for([meetup], meetup.title, now=now)


def feed_for(meetups: list[MeetupIcs], name: str, now: datetime | None = None) -> bytes:
    """A calendar file holding all these meetups, named `name` in the reader's calendar app."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    zones = {meetup.zone for meetup in meetups}
    if len(zones) == 1:
        calendar.add("x-wr-timezone", zones.pop())
    for meetup in meetups:
        for event in _events(meetup, stamp):
            calendar.add_component(event)
    if meetups:
        first_year = min(meetup.local_start.year for meetup in meetups) - 1
        last_year = max(_last_year(meetup) for meetup in meetups) + _TIMEZONE_YEARS_AHEAD
        calendar.add_missing_timezones(first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    return calendar.to_ical()


def _last_year(meetup: MeetupIcs) -> int:
    return max([meetup.local_start.year, *(moved.year for moved in meetup.moved.values())])


def _events(meetup: MeetupIcs, stamp: datetime) -> list[Event]:
    tz = zone(meetup.zone)
    cancelled = set(meetup.cancelled_local_starts)

    def aware(local: datetime) -> datetime:
        return local.replace(tzinfo=tz, fold=0)

    if meetup.rrule is None:  # a one-off: moving it moves the event, cancelling it marks it cancelled
        start = meetup.moved.get(meetup.local_start, meetup.local_start)
        event = _event(meetup, stamp, aware(start), aware(start + meetup.duration))
        if meetup.local_start in cancelled:
            event.add("status", "CANCELLED")
        return [event]

    master = _event(meetup, stamp, aware(meetup.local_start), aware(meetup.local_start + meetup.duration))
    master.add("rrule", vRecur.from_ical(meetup.rrule.removeprefix("RRULE:")))
    if cancelled:
        master.add("exdate", [aware(local) for local in sorted(cancelled)])
    events = [master]
    for original, new_start in sorted(meetup.moved.items()):
        if original in cancelled:
            continue
        override = _event(meetup, stamp, aware(new_start), aware(new_start + meetup.duration))
        override.add("recurrence-id", aware(original))
        events.append(override)
    return events


def _event(meetup: MeetupIcs, stamp: datetime, start: datetime, end: datetime) -> Event:
    event = Event()
    event.add("uid", meetup.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", meetup.title)
    if meetup.description:
        event.add("description", meetup.description)
    if meetup.place:
        event.add("location", meetup.place)
        if meetup.place.startswith(("https://", "http://")):
            event.add("url", meetup.place)
    return event
