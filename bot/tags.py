"""Topic tags: one normaliser for every way people write them."""

from __future__ import annotations

import re

from bot.errors import Refusal

MAX_TAG_LEN = 40
_CHANNEL_TOKEN = re.compile(r"^<#[\w.\-]+\|([^>]*)>$")  # a channel reference, by the name it showed
_ALLOWED = re.compile(r"^[\w][\w\-+.]*$")  # \w is Unicode-aware: tags may be written in any script
TAG_TOKEN = re.compile(r"(?<![\w&])#[\w][\w\-+.]*|<#[\w.\-]+\|[^>]+>")


def normalise_tag(raw: str) -> str:
    """`#SEO`, ` seo `, `<#id|seo>` and `Seo` are all the tag `seo`. Spaces become dashes."""
    text = raw.strip()
    if channel := _CHANNEL_TOKEN.match(text):
        text = channel[1]
    text = text.lstrip("#").strip().casefold()
    text = re.sub(r"\s+", "-", text).strip(".-")
    if not text or not _ALLOWED.match(text) or len(text) > MAX_TAG_LEN:
        raise Refusal(
            f"'{raw.strip()[:MAX_TAG_LEN]}' is not a tag I can use: tags are one word of letters, digits or dashes,"
            f" up to {MAX_TAG_LEN} characters, like #seo."
        )
    return text


def split_trailing_tags(text: str) -> tuple[str, list[str]]:
    """Take the tags off the end of a text: "thanks for the audit #seo #tech" -> ("thanks for the audit", [...]).

    Tags inside the sentence ("great #seo audit") count as tags too but stay in the text.
    """
    tags = [normalise_tag(t) for t in TAG_TOKEN.findall(text)]
    words = text.split()
    while words and TAG_TOKEN.fullmatch(words[-1]):
        words.pop()
    return " ".join(words), list(dict.fromkeys(tags))
