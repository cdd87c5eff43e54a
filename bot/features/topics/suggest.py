"""Which of the taxonomy's tags a text is about: deterministic, and explained ("matched keywords: x, y")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.features.topics.ports import Topic

_WORD = re.compile(r"[\w][\w\-+.]*")


def _words(text: str) -> list[str]:
    return [w.strip(".-") for w in _WORD.findall(text.casefold())]


def suggest_tags(taxonomy: Sequence[Topic], text: str, limit: int = 3) -> list[tuple[Topic, str]]:
    """Up to `limit` tags whose name or keywords appear in `text`, the most matched first (ties: by name).

    A keyword of several words ("core web vitals") matches as a phrase; one word matches whole words only."""
    words = _words(text)
    padded = f" {' '.join(words)} "
    scored = []
    for topic in taxonomy:
        matched = [k for k in dict.fromkeys((topic.name, *topic.keywords))
                   if f" {' '.join(_words(k.replace('-', ' ')))} " in padded or f" {k} " in padded]
        if matched:
            scored.append((-len(matched), topic.name, topic, matched))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [(topic, "matched keywords: " + ", ".join(matched)) for _, _, topic, matched in scored[:limit]]
