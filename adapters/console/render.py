"""Replies as plain terminal text."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.reply import Attachment, Reply, TimeStyle, render_links, render_stamps

_FULL = "%a %d %b %Y %H:%M"  # the console shows relative times as the moment itself
_FORMATS = {TimeStyle.TIME: "%H:%M", TimeStyle.TIME_SECONDS: "%H:%M:%S", TimeStyle.DATE: "%a %d %b %Y",
            TimeStyle.DATE_LONG: "%a %d %b %Y"}


def render(reply: Reply, zone_name: str = "UTC", files_dir: str | None = None) -> str:
    zone = ZoneInfo(zone_name)

    def moment(when: datetime, style: TimeStyle) -> str:
        local = when.astimezone(zone)
        return f"{local:{_FORMATS.get(style, _FULL)}} {local.tzname()}"

    text = render_stamps(render_links(reply.plain_text(), lambda link: f"{link.label} (message {link.message_id})"),
                         moment)
    buttons = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1))
    files = "  ".join(_file(a, files_dir) for a in reply.attachments)
    return "\n".join(part for part in (text, buttons, files) if part)


def _file(attachment: Attachment, files_dir: str | None) -> str:
    """Names the file, and where it was written when the console keeps files."""
    if files_dir is None:
        return f"(file: {attachment.filename}, {len(attachment.content)} bytes)"
    os.makedirs(files_dir, exist_ok=True)
    path = os.path.join(files_dir, os.path.basename(attachment.filename))
    with open(path, "wb") as out:
        out.write(attachment.content)
    return f"(file: {attachment.filename}, {len(attachment.content)} bytes, written to {path})"
