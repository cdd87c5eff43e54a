"""Cleaning what people type before the core stores or repeats it."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import Refusal

ZERO_WIDTH_SPACE = "\u200b"

# The plain @everyone / @here / @channel that platforms ping on (each adapter decodes its own special syntax
# into these words first: adapters/slack/text.py).
_PLAIN_MASS = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def defuse_mentions(text: str) -> str:
    """Make mass and role mentions inert while keeping them readable."""
    text = _PLAIN_MASS.sub(lambda m: f"@{ZERO_WIDTH_SPACE}{m[1]}", text)
    return _ROLE_MENTION.sub(lambda m: f"@{ZERO_WIDTH_SPACE}role{m[1]}", text)


def clean_text(text: str, *, what: str, max_len: int, required: bool = False) -> str:
    """Normalise user text: NFC, no control characters, no live mass mentions, bounded length.

    Raises Refusal with a human sentence when the text cannot be used.
    """
    text = unicodedata.normalize("NFC", text)
    # Keep newlines and tabs; drop other control characters (but keep right-to-left marks and
    # joiners, which are part of real writing). The core frames its time stamps with control
    # characters (bot/reply.py), so this is also what keeps anyone from typing a stamp.
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    ).strip()
    if required and not text:
        raise Refusal(f"Please add {what}.")
    if len(text) > max_len:
        raise Refusal(f"Please keep {what} under {max_len} characters (this one has {len(text)}).")
    return defuse_mentions(text)


def one_line(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_name(name: str) -> str:
    """A display name as we show it: one line, no control characters (so no time stamps), no live
    mentions, bounded."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch) != "Cc")
    return defuse_mentions(one_line(name, 80)) or "someone"
