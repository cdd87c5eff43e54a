"""What meetup messages say. Times are stamps, so each reader sees their own zone."""

from __future__ import annotations

from bot.domain import Member
from bot.features.meetups.model import MAYBE, NO, WAITLIST, YES, Meetup, Occurrence, Rsvp
from bot.features.meetups.recurrence import describe_rule
from bot.features.meetups.timing import zone
from bot.reply import Button, Field, Reply, Section, TimeStyle, stamp


def local_day(occurrence: Occurrence, meetup: Meetup) -> str:
    """The occurrence's name in commands: its original local date, 2026-03-29."""
    return occurrence.original_start.astimezone(zone(meetup.zone)).date().isoformat()


def when(occurrence: Occurrence, meetup: Meetup) -> str:
    """A stamp: each reader sees the start in their own zone (the meetup's own zone is in its schedule)."""
    return stamp(occurrence.start_at)


def repeat_words(meetup: Meetup) -> str:
    """'once', or 'weekly on Sunday at 18:00 Europe/Berlin, no end date' (the series' own wall time)."""
    if meetup.rrule is None:
        return "once"
    words, _, end = describe_rule(meetup.rrule).rpartition(", ")
    return f"{words} at {meetup.local_start:%H:%M} {meetup.zone}, {end}"


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def told(count: int) -> str:
    """How many people a change was told to, for '... is cancelled (…).'"""
    if count == 0:
        return "nobody had said yes or maybe"
    return f"{plural(count, 'person', 'people')} who answered {'was' if count == 1 else 'were'} told"


def rsvp_buttons(meetup: Meetup, occurrence: Occurrence | None = None) -> tuple[Button, ...]:
    day = f" {local_day(occurrence, meetup)}" if occurrence and meetup.repeats else ""
    return (Button("Going", f"meetup rsvp {meetup.number} yes{day}", "primary"),
            Button("Maybe", f"meetup rsvp {meetup.number} maybe{day}"),
            Button("Can't come", f"meetup rsvp {meetup.number} no{day}"))


def seats(meetup: Meetup, going: int) -> str:
    if meetup.capacity is None:
        return f"{going} going"
    if going > meetup.capacity:  # the capacity was lowered below the yeses: nobody is demoted
        return f"{going} going for {plural(meetup.capacity, 'seat')}"
    return f"{going} of {plural(meetup.capacity, 'seat')} taken"


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
        text += (f" A series: RSVPs and reminders open {horizon_days} days ahead."
                 f" The buttons answer for the next one; `/meetup rsvp {meetup.number} yes DATE` for another.")
    sections = (Section(meetup.description, details_fields(meetup)),)
    return Reply.public(text, sections=sections, buttons=rsvp_buttons(meetup))


def show(meetup: Meetup, upcoming: list[Occurrence], rsvps: list[tuple[Rsvp, Member]],
         last: Occurrence | None = None, last_rsvps: list[tuple[Rsvp, Member]] = ()) -> Reply:
    if meetup.cancelled_at:
        return Reply.ephemeral(f"Meetup #{meetup.number} ({meetup.title}) was cancelled.")
    about = Section(meetup.description, details_fields(meetup))
    past = (Section(_who_came(meetup, last, last_rsvps)),) if last else ()
    if not upcoming:
        return Reply.ephemeral(f"Meetup #{meetup.number} ({meetup.title}) has no upcoming dates.",
                               sections=(about, *past))
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
    return Reply.ephemeral(f"Meetup #{meetup.number}: {meetup.title}", sections=(about, Section("\n".join(lines)), *past),
                           buttons=rsvp_buttons(meetup, nxt))


def _who_came(meetup: Meetup, last: Occurrence, rsvps: list[tuple[Rsvp, Member]]) -> str:
    came = [member.name for rsvp, member in rsvps if rsvp.attended]
    said_yes = sum(1 for rsvp, _ in rsvps if rsvp.status == YES)
    head = f"Last time, {when(last, meetup)}: {said_yes} said yes"
    if not came:
        return f"{head}; nobody is marked as there yet (`/meetup here {meetup.number} {local_day(last, meetup)}`)."
    return f"{head}; came ({len(came)}): {', '.join(came)}"


_ANSWER_WORDS = {YES: "you're going", MAYBE: "you said maybe", NO: "you can't come",
                 WAITLIST: "you're on the waitlist"}


def listing(rows: list[tuple[Occurrence, Meetup, Rsvp | None]], more: int) -> Reply:
    """Each series once, with its next date, then the one-offs; and how many did not fit."""
    if not rows:
        return Reply.ephemeral("No meetups are coming up. Champions schedule one with `/meetup create`.")

    def line(occurrence: Occurrence, meetup: Meetup, answer: Rsvp | None) -> str:
        mine = f" · {_ANSWER_WORDS[answer.status]}" if answer and answer.status in _ANSWER_WORDS else ""
        moved = " (moved)" if occurrence.moved else ""
        return f"#{meetup.number} {meetup.title} — {'next ' if meetup.repeats else ''}{when(occurrence, meetup)}{moved}{mine}"

    series = [line(*row) for row in rows if row[1].repeats]
    once = [line(*row) for row in rows if not row[1].repeats]
    sections = tuple(Section(f"{title}:\n" + "\n".join(lines))
                     for title, lines in (("Repeating", series), ("Once", once)) if lines)
    if more:
        sections += (Section(f"…and {plural(more, 'more meetup')}."),)
    return Reply.ephemeral("Coming up (`/meetup show ID` for details, `/meetup rsvp ID yes` to come):",
                           sections=sections)


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
    return Reply.public(f"Thanks to everyone at {meetup.title} ({stamp(occurrence.start_at, TimeStyle.DATETIME)})! "
                        f"{said_yes} said they'd come. Were you there? Press the button so it counts.",
                        buttons=(Button("I was there", f"meetup here {meetup.number} {local_day(occurrence, meetup)}"),))


def change_dm(meetup: Meetup, occurrence: Occurrence | None, what: str) -> Reply:
    on = f" on {when(occurrence, meetup)}" if occurrence else ""
    return Reply.direct(f"📅 {meetup.title}{on}: {what}")

