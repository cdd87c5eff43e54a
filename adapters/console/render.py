"""Replies as plain terminal text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reply import Reply, render_links, render_stamps


def render(reply: Reply, zone_name: str = "UTC") -> str:
    zone = ZoneInfo(zone_name)

    def moment(when: datetime, style: str) -> str:
        local = when.astimezone(zone)
        return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"

    text = render_stamps(render_links(reply.plain_text(), lambda link: f"{link.label} (message {link.message_id})"),
                         moment)
    buttons = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1))
    files = "  ".join(f"(file: {a.filename}, {len(a.content)} bytes)" for a in reply.attachments)
    return "\n".join(part for part in (text, buttons, files) if part)
