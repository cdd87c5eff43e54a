"""The core's text line rebuilt from typed Discord values, in the order the command declares its params.

The core parses one line for every platform ("kudos <@1> <@2> thanks for the audit #seo"), so the adapter only
turns each typed value back into the token the parser expects: a member into ``<@id>``, tags into ``#tag``."""

from __future__ import annotations

import re

from bot.commands import CommandSpec, Kind

_TAG_SPLIT = re.compile(r"[\s,]+")


def mention(user_id: int | str) -> str:
    return f"<@{user_id}>"


def tags_text(raw: str | None) -> str:
    """ "seo, tech" / "#seo #tech" -> "#seo #tech" (the core validates each tag)."""
    words = [w.lstrip("#") for w in _TAG_SPLIT.split(raw or "") if w.strip("#")]
    return " ".join(f"#{w}" for w in words)


def build_line(spec: CommandSpec, values: dict[str, str | None]) -> str:
    """``values`` maps param names to the text of each token (already ``<@id>`` for members); None = absent."""
    parts = [spec.name]
    for param in spec.params:
        value = values.get(param.name)
        if value is None or not str(value).strip():
            continue
        parts.append(tags_text(value) if param.kind is Kind.TAGS else str(value).strip())
    return " ".join(p for p in parts if p)
