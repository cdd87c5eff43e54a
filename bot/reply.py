"""What the core says, before any platform renders it (Block Kit, embeds, plain text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.text import defuse_mentions


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
class Topic:
    """What a new post is about, where the platform gives posts a title and tags (a Discord forum post: its
    title, and the forum's tags of these names). Ignored where posts have neither."""

    title: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    text: str
    visibility: Visibility = Visibility.PUBLIC
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    concerns: str | None = None  # a refusal's input (param or option name), for forms to show it next to
    refused: bool = False  # the core refused the request: nothing it asked for was stored
    topic: Topic | None = None  # a new post's title and tags (Discord forum channels)

    @classmethod
    def public(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.PUBLIC, **kw)

    @classmethod
    def ephemeral(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.EPHEMERAL, **kw)

    @classmethod
    def direct(cls, text: str, **kw) -> Reply:
        return cls(text, Visibility.DIRECT, **kw)

    @classmethod
    def refusal(cls, text: str, concerns: str | None = None) -> Reply:
        # Refusals quote what was typed, often cut short: a cut can make "@channel" out of "@channel00".
        return cls(defuse_mentions(text), Visibility.EPHEMERAL, concerns=concerns, refused=True)

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
        data.pop("refused")
        if self.topic is None:
            data.pop("topic")
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
            topic=Topic(data["topic"]["title"], tuple(data["topic"]["tags"])) if data.get("topic") else None,
        )


# A moment in time inside reply text. Each adapter renders it in the reader's own zone where its platform
# can; the console prints it in the community's zone.
#
# A stamp is framed by two control characters (STX ... ETX). The core strips every control character
# from what people type (bot/text.py: clean_text, clean_name), so no user text can ever form a stamp:
# a kudos reason or a display name holding "[[t:...]]" is shown exactly as typed.
STAMP_OPEN, STAMP_CLOSE = "\x02", "\x03"


class TimeStyle(StrEnum):
    """How a stamp shows its moment; each adapter maps every style to what its platform offers."""

    TIME = "time"  # 18:00
    TIME_SECONDS = "time_seconds"  # 18:00:00
    DATE = "date"  # 06/12/2026
    DATE_LONG = "date_long"  # 6 December 2026
    DATETIME = "datetime"  # 6 December 2026 18:00
    DATETIME_LONG = "datetime_long"  # Sunday, 6 December 2026 18:00
    RELATIVE = "relative"  # in 2 hours


_STAMP = re.compile(f"{STAMP_OPEN}t:(-?[0-9]+)(?::([A-Za-z_]+))?{STAMP_CLOSE}")
UNKNOWN_TIME = "(unknown time)"


def stamp(moment: datetime, style: TimeStyle = TimeStyle.DATETIME_LONG) -> str:
    return f"{STAMP_OPEN}t:{int(moment.timestamp())}:{style}{STAMP_CLOSE}"


def render_stamps(text: str, render: Callable[[datetime, TimeStyle], str]) -> str:
    """Replace every stamp with render(datetime_utc, style).

    Never raises: a stamp no calendar can show (a stored row from elsewhere, a time past year 9999)
    becomes UNKNOWN_TIME, a style no longer known is shown as the default one, and a stray frame character is
    dropped rather than sent to a platform."""

    def one(match: re.Match) -> str:
        style = TimeStyle(match[2]) if match[2] in TimeStyle._value2member_map_ else TimeStyle.DATETIME_LONG
        try:
            return render(datetime.fromtimestamp(int(match[1]), UTC), style)
        except (ValueError, OverflowError, OSError):
            return UNKNOWN_TIME

    text = render_links(_STAMP.sub(one, text), lambda link: link.label)  # a link no adapter rendered: its label
    return text.replace(STAMP_OPEN, "").replace(STAMP_CLOSE, "").replace(LINK_SEPARATOR, "")


# A link to a message inside reply text, framed like a stamp (so no user text can form one) with its fields
# apart by a control character too. Each adapter renders it: Slack `<permalink|label>` (chat.getPermalink),
# Discord a jump URL as a markdown link, the console `label (message ID)`. Render links before stamps.
LINK_SEPARATOR = "\x1f"
_FIELD = f"([^{STAMP_OPEN}{STAMP_CLOSE}{LINK_SEPARATOR}]*)"
_LINK = re.compile(f"{STAMP_OPEN}l{(LINK_SEPARATOR + _FIELD) * 6}{STAMP_CLOSE}")
MAX_LINK_LABEL = 200


@dataclass(frozen=True)
class MessageLink:
    """A message as the platform names it (the ids of a Place or a Posted) and the words shown for it."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str
    thread_id: str | None
    label: str


def _inert(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def message_link(message: Any, label: str) -> str:
    """Reply text linking to `message` (a Place with a message_id, or a Posted) under `label`.

    The label is shown as plain text on every platform (control characters dropped, markup escaped by each
    adapter); with no message id there is nothing to link to, and the label alone is returned."""
    label = defuse_mentions(" ".join(_inert(label).split())[:MAX_LINK_LABEL]) or "message"
    if not getattr(message, "message_id", None):
        return label
    fields = (message.platform, message.workspace_id, message.channel_id, message.message_id,
              getattr(message, "thread_id", None) or "", label)
    return STAMP_OPEN + "l" + "".join(LINK_SEPARATOR + _inert(str(f)) for f in fields) + STAMP_CLOSE


def message_links(text: str) -> list[MessageLink]:
    return [_link(m) for m in _LINK.finditer(text)]


def _link(match: re.Match) -> MessageLink:
    platform, workspace, channel, message, thread, label = match.groups()
    return MessageLink(platform, workspace, channel, message, thread or None, label)


def render_links(text: str, render: Callable[[MessageLink], str]) -> str:
    """Replace every message link with render(link)."""
    return _LINK.sub(lambda m: render(_link(m)), text)
