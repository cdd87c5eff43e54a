"""Slack's wire text as the core reads it.

Slack escapes &, < and > in what people type and wraps links as <https://x|label>. The core wants the words as
typed, with user mentions (<@U1|bob>), channel references (<#C1|seo>) and special mentions (<!channel>, which the
core defuses) kept in Slack's canonical form."""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|[^>]*)?>")


def from_slack(text: str) -> str:
    text = _LINK.sub(lambda m: m[1], text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
