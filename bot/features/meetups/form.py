"""The `/meetup create` form and the meetups' autocomplete.

The form's answers become the typed line (`"Sunday run" sunday 18:00 repeat=weekly place=#running …`) that
syntax.py reads, so a form and a typed command are checked by the same rules. Five fields: Discord's limit."""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Form, FormField, Suggestion, from_examples
from bot.context import Lookup
from bot.features.meetups.recurrence import RECURRENCE_EXAMPLES
from bot.features.meetups.syntax import KEYS, MAX_PLACE, MAX_TITLE
from bot.features.meetups.timing import ACCEPTED_FORMS, zone

MAX_DETAILS = 2000
SUGGEST_SCAN = 100  # upcoming dates read to name the meetups (autocomplete is best effort)
_QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"))


def create_line(answers: Mapping[str, str]) -> str:
    """The form's answers as the typed details: the title in quotes, the start, then options."""
    title, start = _quoted(answers.get("title", "")), answers.get("start", "")
    parts = [title, f"start={start}" if title.startswith("title=") and start else start]
    parts += [f"{key}={answers[key]}" for key in ("repeat", "place") if answers.get(key)]
    details = answers.get("details", "")
    if details and not details.lower().startswith(tuple(f"{key}=" for key in KEYS)):
        details = f"about={details}"  # plain words are the description
    return " ".join(part for part in [*parts, details] if part)


def _quoted(title: str) -> str:
    if not title:
        return ""
    for left, right in _QUOTE_PAIRS:
        if left not in title and right not in title:
            return f"{left}{title}{right}"
    return f"title={title}"  # every kind of quote inside: an option (whose outer quotes the parser drops)


async def suggest_meetups(lookup: Lookup, typed: str) -> list[Suggestion]:
    """Meetups coming up, by number or words of the title: "12 — Sunday run, Sun 6 Dec"."""
    wanted = typed.strip().lstrip("#").casefold()
    found: dict[int, Suggestion] = {}
    for occurrence, meetup in await lookup.uow.meetups.upcoming(lookup.community.id, lookup.now, SUGGEST_SCAN):
        number = meetup.number
        if number in found or not (str(number).startswith(wanted) or wanted in meetup.title.casefold()):
            continue
        local = occurrence.start_at.astimezone(zone(meetup.zone))
        found[number] = Suggestion(f"{number} — {meetup.title}, {local:%a} {local.day} {local:%b}", str(number))
    return list(found.values())


CREATE_FORM = Form(
    fields=(
        FormField("title", "Title", "Sunday run", max_len=MAX_TITLE),
        FormField("start", "Start", "next thursday 18:00", max_len=100, suggest=from_examples(ACCEPTED_FORMS)),
        FormField("repeat", "Repeat (optional)", "weekly, every 2 weeks, monthly on the first tuesday",
                  required=False, max_len=200, suggest=from_examples(RECURRENCE_EXAMPLES)),
        FormField("place", "Place (optional)", "#running, a link or an address", required=False,
                  max_len=MAX_PLACE),
        FormField("details", "Details (optional)", "duration=90m capacity=12 about=Bring water",
                  required=False, max_len=MAX_DETAILS, multiline=True),
    ),
    to_line=create_line,
    blame={"duration": "details", "capacity": "details", "about": "details", "zone": "details"},
)
