"""Replies as plain terminal text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reply import Reply, TimeStyle, render_stamps

_FULL = "%a %d %b %Y %H:%M"  # the console shows relative times as the moment itself
_FORMATS = {TimeStyle.TIME: "%H:%M", TimeStyle.TIME_SECONDS: "%H:%M:%S", TimeStyle.DATE: "%a %d %b %Y",
            TimeStyle.DATE_LONG: "%a %d %b %Y"}


def render(reply: Reply, zone_name: str = "UTC") -> str:
    zone = ZoneInfo(zone_name)

    def moment(when: datetime, style: TimeStyle) -> str:
        local = when.astimezone(zone)
        return f"{local:{_FORMATS.get(style, _FULL)}} {local.tzname()}"

    text = render_stamps(reply.plain_text(), moment)
    buttons = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1))
    files = "  ".join(f"(file: {a.filename}, {len(a.content)} bytes)" for a in reply.attachments)
    return "\n".join(part for part in (text, buttons, files) if part)
