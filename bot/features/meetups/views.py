"""What meetup messages say. Times are stamps, so each reader sees their own zone."""

from __future__ import annotations

from bot.domain import Member
from bot.features.meetups.model import MAYBE, NO, WAITLIST, YES, Meetup, Occurrence, Rsvp
from bot.features.meetups.timing import zone
from bot.reply import Button, Field, Reply, Section, stamp


def local_day(occurrence: Occurrence, meetup: Meetup) -> str:
    """The occurrence's name in commands: its original local date, 2026-03-29."""
    return occurrence.original_start.astimezone(zone(meetup.zone)).date().isoformat()


def when(occurrence: Occurrence, meetup: Meetup) -> str:
    """'<stamp> (18:00 Europe/Berlin)': the reader's own time, and the meetup's wall time."""
    local = occurrence.start_at.astimezone(zone(meetup.zone))
    return f"{stamp(occurrence.start_at)} ({local:%H:%M} {meetup.zone})"


_FREQ_WORDS = {"DAILY": ("daily", "days"), "WEEKLY": ("weekly", "weeks"), "MONTHLY": ("monthly", "months"),
               "YEARLY": ("yearly", "years")}


def repeat_words(meetup: Meetup) -> str:
    """'once', 'repeats weekly, no end date', 'repeats every 2 weeks, 10 times', or the rule itself."""
    if meetup.rrule is None:
        return "once"
    parts = dict(part.split("=", 1) for part in meetup.rrule.split(";"))
    once, many = _FREQ_WORDS.get(parts.get("FREQ", ""), (parts.get("FREQ", "").lower(), ""))
    interval = int(parts.get("INTERVAL", "1"))
    words = once if interval == 1 else f"every {interval} {many}"
    simple = set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"} <= ({"BYDAY"} if once == "weekly" else set())
    if not simple or (parts.get("BYDAY", "").count(",")):
        words += f" ({meetup.rrule})"
    end = f"{parts['COUNT']} times" if "COUNT" in parts else "until " + parts["UNTIL"][:8] if "UNTIL" in parts \
        else "no end date"
    return f"repeats {words}, {end}"


def rsvp_buttons(meetup: Meetup, occurrence: Occurrence | None = None) -> tuple[Button, ...]:
    day = f" {local_day(occurrence, meetup)}" if occurrence and meetup.repeats else ""
    return (Button("Going", f"meetup rsvp {meetup.number} yes{day}", "primary"),
            Button("Maybe", f"meetup rsvp {meetup.number} maybe{day}"),
            Button("Can't come", f"meetup rsvp {meetup.number} no{day}"))


def seats(meetup: Meetup, going: int) -> str:
    if meetup.capacity is None:
        return f"{going} going"
    return f"{going} of {meetup.capacity} seats taken"


def details_fields(meetup: Meetup) -> tuple[Field, ...]:
    fields = [Field("Schedule", repeat_words(meetup)),
              Field("Duration", f"{int(meetup.duration.total_seconds() // 60)} minutes")]
    if meetup.location:
        fields.append(Field("Place", meetup.location))
    if meetup.capacity is not None:
        fields.append(Field("Capacity", f"{meetup.capacity} (then a waitlist)"))
    return tuple(fields)


def announcement(meetup: Meetup, first: Occurrence, horizon_days: int, creator: str) -> Reply:
    text = f"📅 New meetup #{meetup.number}: {meetup.title}, {when(first, meetup)}, by {creator}."
    if meetup.repeats:
        text += (f" It {repeat_words(meetup)}: RSVPs and reminders open {horizon_days} days ahead."
                 f" The buttons answer for the next one; `/meetup rsvp {meetup.number} yes DATE` for another.")
    sections = (Section(meetup.description, details_fields(meetup)),)
    return Reply.public(text, sections=sections, buttons=rsvp_buttons(meetup))


def show(meetup: Meetup, upcoming: list[Occurrence], rsvps: list[tuple[Rsvp, Member]]) -> Reply:
    if meetup.cancelled_at:
        return Reply.ephemeral(f"Meetup #{meetup.number} ({meetup.title}) was cancelled.")
    if not upcoming:
        return Reply.ephemeral(f"Meetup #{meetup.number} ({meetup.title}) has no upcoming dates.",
                               sections=(Section(meetup.description, details_fields(meetup)),))
    nxt = upcoming[0]
    by_status: dict[str, list[str]] = {}
    for rsvp, member in rsvps:
        by_status.setdefault(rsvp.status, []).append(member.name)
    going = by_status.get(YES, [])
    lines = [f"Next: {when(nxt, meetup)}{' (moved)' if nxt.moved else ''} — {seats(meetup, len(going))}"]
    for label, status in (("Going", YES), ("Maybe", MAYBE), ("Waitlist", WAITLIST), ("Not coming", NO)):
        if names := by_status.get(status):
            lines.append(f"{label}: {', '.join(names)}")
    if len(upcoming) > 1:
        later = ", ".join(f"{local_day(o, meetup)}{' (moved)' if o.moved else ''}" for o in upcoming[1:])
        lines.append(f"Later: {later}")
    sections = (Section(meetup.description, details_fields(meetup)), Section("\n".join(lines)))
    return Reply.ephemeral(f"Meetup #{meetup.number}: {meetup.title}", sections=sections,
                           buttons=rsvp_buttons(meetup, nxt))


def listing(upcoming: list[tuple[Occurrence, Meetup]]) -> Reply:
    if not upcoming:
        return Reply.ephemeral("No meetups are coming up. Champions schedule one with `/meetup create`.")
    lines = [f"#{m.number} {m.title} — {when(o, m)}{' (moved)' if o.moved else ''}" for o, m in upcoming]
    return Reply.ephemeral("Coming up (`/meetup show ID` for details, `/meetup rsvp ID yes` to come):",
                           sections=(Section("\n".join(lines)),))


def reminder_post(meetup: Meetup, occurrence: Occurrence, going: int, offset: str, late: bool) -> Reply:
    soon = "tomorrow" if offset == "1d" else f"in {offset}"
    note = " (late: copbot was offline when this was due)" if late else ""
    text = f"⏰ Reminder{note}: {meetup.title} starts {soon}, {when(occurrence, meetup)}. {seats(meetup, going)}."
    place = (Section("", (Field("Place", meetup.location),)),) if meetup.location else ()
    return Reply.public(text, sections=place, buttons=rsvp_buttons(meetup, occurrence))


def reminder_dm(meetup: Meetup, occurrence: Occurrence, late: bool) -> Reply:
    where = f" Place: {meetup.location}." if meetup.location else ""
    note = " (late)" if late else ""
    return Reply.direct(f"⏰ Reminder{note}: you said you're coming to {meetup.title}, {when(occurrence, meetup)}."
                        f"{where} Can't make it? `/meetup rsvp {meetup.number} no {local_day(occurrence, meetup)}`"
                        " (`/meetup mute` stops these DMs).")


def followup_post(meetup: Meetup, occurrence: Occurrence, said_yes: int) -> Reply:
    return Reply.public(f"Thanks to everyone at {meetup.title} ({stamp(occurrence.start_at, 'f')})! "
                        f"{said_yes} said they'd come. Were you there? Press the button so it counts.",
                        buttons=(Button("I was there", f"meetup here {meetup.number} {local_day(occurrence, meetup)}"),))


def change_dm(meetup: Meetup, occurrence: Occurrence | None, what: str) -> Reply:
    on = f" on {when(occurrence, meetup)}" if occurrence else ""
    return Reply.direct(f"📅 {meetup.title}{on}: {what}")

