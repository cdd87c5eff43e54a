"""Slack's wire text as the core reads it.

Slack escapes &, < and > in what people type and wraps links as <https://x|label>. The core wants the words as
typed, with user mentions and channel references as its own tokens (<@id|bob>, <#id|seo>, the form Slack's
canonical one already has), and Slack's special syntax decoded: <!channel>, <!here>, <!everyone> become the plain
@channel, @here, @everyone (which the core defuses for every platform), a user group or a date its label."""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|[^>]*)?>")


_SPECIAL = re.compile(r"<!([^|>]*)(?:\|([^>]*))?>?")  # the closing ">" may be cut off by an outer mention
_MASS = ("channel", "here", "everyone")


def specials(text: str) -> str:
    """Slack's <!…> syntax as plain words."""

    def plain(match: re.Match) -> str:
        word, label = match[1].split("^")[0].lower(), match[2]
        if word in _MASS:
            return f"@{word}"
        return label if label else f"@{word}"

    return _SPECIAL.sub(plain, text)


def from_slack(text: str) -> str:
    text = specials(_LINK.sub(lambda m: m[1], text or ""))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
