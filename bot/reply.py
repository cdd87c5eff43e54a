"""What the core says, before any platform renders it (Block Kit, embeds, plain text)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum


class Visibility(StrEnum):
    PUBLIC = "public"
    EPHEMERAL = "ephemeral"  # only the person who asked sees it
    DIRECT = "direct"  # a direct message to the person who asked


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Section:
    text: str
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Button:
    """A button runs a core command line when pressed (e.g. "meetup rsvp 12 yes")."""

    label: str
    command: str
    style: str = "default"  # default | primary | danger


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    text: str
    visibility: Visibility = Visibility.PUBLIC
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    concerns: str | None = None  # a refusal's input (param or option name), for forms to show it next to

    @classmethod
    def public(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.PUBLIC, **kw)

    @classmethod
    def ephemeral(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.EPHEMERAL, **kw)

    @classmethod
    def direct(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.DIRECT, **kw)

    def plain_text(self) -> str:
        """Everything a reader would see, as plain lines (console, fallbacks, tests)."""
        lines = [self.text]
        for section in self.sections:
            lines.append(section.text)
            lines.extend(f"  {f.name}: {f.value}" for f in section.fields)
        return "\n".join(line for line in lines if line)

    def to_json(self) -> dict:
        data = asdict(self)
        data["visibility"] = self.visibility.value
        data.pop("attachments")  # files are rebuilt when sent, never queued
        data.pop("concerns")  # only a form that is still open uses it
        return data

    @classmethod
    def from_json(cls, data: dict) -> Reply:
        return cls(
            text=data["text"],
            visibility=Visibility(data["visibility"]),
            sections=tuple(
                Section(s["text"], tuple(Field(**f) for f in s["fields"])) for s in data.get("sections", ())
            ),
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
        )


# A moment in time inside reply text. Each adapter renders it in the reader's own zone
# (Slack <!date^...>, Discord <t:...>); the console prints it in the community's zone.
_STAMP = re.compile(r"\[\[t:(-?\d+)(?::([A-Za-z]))?\]\]")


def stamp(moment: datetime, style: str = "F") -> str:
    return f"[[t:{int(moment.timestamp())}:{style}]]"


def render_stamps(text: str, render) -> str:
    """Replace every stamp with render(datetime_utc, style)."""
    return _STAMP.sub(lambda m: render(datetime.fromtimestamp(int(m[1]), UTC), m[2] or "F"), text)
