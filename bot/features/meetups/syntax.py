"""The typed form of `/meetup create` and `/meetup edit`: a title, a start, then key=value options.

    /meetup create "Sunday run" sunday 18:00 repeat=weekly duration=90m place=#running capacity=12
    /meetup edit 4 title=Sunday long run capacity=none about=Bring water

- The title comes first in quotes ("…", “…” or '…'), or as title=….
- The start is the words before the first option, in any form timing.ACCEPTED_FORMS lists (start=… works too).
- An option's value runs to the next option, so place=Café Central, Vienna needs no quotes; quotes are dropped.
- Options: repeat, duration (90m, 1h, 1h30m), place, capacity (a number, or none), zone (IANA), about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import Refusal, concerning
from bot.text import clean_text

KEYS = ("title", "start", "repeat", "duration", "place", "capacity", "zone", "about")
EXAMPLE = '/meetup create "Sunday run" sunday 18:00 repeat=weekly duration=90m place=#running capacity=12'
MAX_TITLE, MAX_ABOUT, MAX_PLACE, MAX_START, MAX_REPEAT, MAX_ZONE = 200, 1500, 500, 100, 300, 64
# The whole line may be long, so that a refusal can name the part that is too long; past this it can't.
MAX_DETAILS = 20_000
MAX_CAPACITY = 10_000
NO_LIMIT = 0  # capacity=none in an edit: remove the limit

_OPTION = re.compile(r"(?:(?<=\s)|^)(" + "|".join(KEYS) + r")=", re.IGNORECASE)
_ANY_OPTION = re.compile(r"(?:(?<=\s)|^)([A-Za-z_][\w-]{0,30})=")
_QUOTED_TITLE = re.compile(r'^\s*(?:"([^"]+)"|“([^”]+)”|\'([^\']+)\'|‘([^’]+)’)')
_DURATION = re.compile(r"(?:(\d{1,2})\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,4})\s*m(?:in(?:utes?)?)?)?")
_QUOTES = "\"'“”‘’"


@dataclass(frozen=True)
class Details:
    title: str | None = None
    start: str | None = None
    repeat: str | None = None
    duration: timedelta | None = None
    place: str | None = None
    capacity: int | None = None  # NO_LIMIT: remove the limit
    zone: str | None = None
    about: str | None = None

    def given(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}


def parse_details(text: str, *, creating: bool) -> Details:
    """Read the typed details; Refusal with the syntax when they can't be read."""
    text = text.strip()
    values: dict[str, str] = {}
    if quoted := _QUOTED_TITLE.match(text):
        values["title"] = next(group for group in quoted.groups() if group)
        text = text[quoted.end():]
    parts = _OPTION.split(text)
    leading = parts[0].strip()
    _refuse_unknown_option(leading)
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        key = key.lower()
        if key in values:
            raise Refusal(f"{key}= is given twice.")
        values[key] = value.strip().strip(_QUOTES).strip()
        if key in ("start", "duration", "capacity", "zone") or (
                key == "repeat" and not values[key].lower().startswith(("freq=", "rrule:"))):
            _refuse_unknown_option(" " + values[key])  # free text (title, place, about) may hold a=b
    if leading:
        if not creating:
            raise Refusal(f"I didn't understand '{leading[:40]}'. Use options like title=… start=… capacity=….")
        if "start" in values:
            raise Refusal(f"I didn't understand '{leading[:40]}': the start is given with start= already.")
        values["start"] = leading
    if creating and not values.get("title"):
        raise Refusal(f'Give the meetup a title first, in quotes. For example: `{EXAMPLE}`', field="title")
    if creating and not values.get("start"):
        raise Refusal(f"Tell me when it starts, after the title. For example: `{EXAMPLE}`", field="start")
    if not creating and not values:
        raise Refusal("Say what to change, for example `/meetup edit 4 capacity=20 place=#general`.")
    with concerning("title"):
        title = _bounded(values.get("title"), "the title", MAX_TITLE)
    with concerning("duration"):
        duration = parse_duration(values["duration"]) if "duration" in values else None
    with concerning("place"):
        place = _bounded(values.get("place"), "the place", MAX_PLACE)
    with concerning("capacity"):
        capacity = parse_capacity(values["capacity"]) if "capacity" in values else None
    with concerning("about"):
        about = _bounded(values.get("about"), "the description", MAX_ABOUT)
    with concerning("start"):
        start = _bounded(values.get("start") or None, "the start", MAX_START)
    with concerning("repeat"):
        repeat = values.get("repeat")
        repeat = _bounded(repeat, "the repeat", MAX_REPEAT) if repeat else repeat
    with concerning("zone"):
        zone = _bounded(values.get("zone") or None, "the zone", MAX_ZONE)
    return Details(title=title, start=start, repeat=repeat, duration=duration, place=place, capacity=capacity,
                   zone=zone, about=about)


def _refuse_unknown_option(text: str) -> None:
    for name in _ANY_OPTION.findall(text):
        if name.lower() not in KEYS:
            raise Refusal(f"There is no option {name[:30]}=. The options are "
                          f"{', '.join(f'{key}=' for key in KEYS)}; each value runs to the next option.")


def parse_duration(text: str) -> timedelta:
    cleaned = text.strip().lower()
    match = _DURATION.fullmatch(cleaned) if cleaned else None
    if cleaned.isdigit():
        minutes = int(cleaned)
    elif match and (match[1] or match[2]):
        minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
    else:
        raise Refusal(f"'{text[:20]}' is not a duration. Use minutes or hours: 90m, 1h, 1h30m.")
    if not 5 <= minutes <= 24 * 60:
        raise Refusal("A meetup lasts from 5 minutes to 24 hours.")
    return timedelta(minutes=minutes)


def parse_capacity(text: str) -> int:
    cleaned = text.strip().lower()
    if cleaned in ("none", "unlimited", "no limit", "-"):
        return NO_LIMIT
    if not cleaned.isdigit():
        raise Refusal(f"Capacity is a number of seats, like capacity=12 (or capacity=none), not '{text[:20]}'.")
    seats = int(cleaned)
    if seats < 1:
        raise Refusal("Capacity must be at least 1 seat; leave it out (or say capacity=none) for no limit.")
    if seats > MAX_CAPACITY:
        raise Refusal(f"Capacity can be at most {MAX_CAPACITY}; leave it out for no limit.")
    return seats


def _bounded(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    return clean_text(value, what=what, max_len=limit, required=True)
