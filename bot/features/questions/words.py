"""Words: what /search and the similar-question offer look for, and the tags a question's words suggest.

Both stores get the same significant words (their own stemmers then match "indexing" with "indexed"), so a
search finds the same questions on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

MAX_WORDS = 12
_WORD = re.compile(r"[^\W_]+")
STOPWORDS = frozenset("""
a about after again all also am an and any are as at be been before being but by can could did do does doing don
down for from get got had has have having he her here hers him his how i if in into is it its just me more most my
no nor not now of off on once only or other our out over own same she should so some such than that the their them
then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours
""".split())
_SUFFIXES = ("ing", "ed", "es", "ly", "s")


def significant_words(text: str, limit: int = MAX_WORDS) -> list[str]:
    """Lower-case words, without stop words and one-letter words, in order, each once."""
    found = [w for w in _WORD.findall(text.casefold()) if len(w) > 1 and w not in STOPWORDS]
    return list(dict.fromkeys(found))[:limit]


def stem(word: str) -> str:
    """A crude stem, enough to compare two texts' words ("indexing" ~ "indexed")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def shared_words(one: str, other: str) -> set[str]:
    return {stem(w) for w in significant_words(one, 100)} & {stem(w) for w in significant_words(other, 1000)}


def close_enough(asked: str, candidate: str) -> bool:
    """A solved question is offered when it shares two significant words with the new one (or its only one)."""
    wanted = {stem(w) for w in significant_words(asked, 100)}
    return bool(wanted) and len(shared_words(asked, candidate)) >= min(2, len(wanted))


def suggest_tags(text: str, keywords: Mapping[str, Sequence[str]], limit: int = 3) -> list[tuple[str, str]]:
    """Up to `limit` tags whose name or keywords appear in the text, as (tag, the words that matched), in the
    order the text names them (then by tag name): the same text always gets the same tags.

    `keywords` maps each tag to the words that suggest it (its name at least; a multi-word keyword or a tag
    like `google-ads` matches when its words appear in a row)."""
    words = [stem(w) for w in _WORD.findall(text.casefold())]
    found: list[tuple[int, str, str]] = []
    for tag, phrases in keywords.items():
        places = [(at, phrase) for phrase in (tag, *phrases) if (at := _position(words, phrase)) is not None]
        if places:
            at, phrase = min(places)
            found.append((at, tag, phrase))
    return [(tag, phrase) for _, tag, phrase in sorted(found)[:limit]]


def _position(words: list[str], phrase: str) -> int | None:
    parts = [stem(p) for p in _WORD.findall(phrase.casefold())]
    if not parts:
        return None
    for at in range(len(words) - len(parts) + 1):
        if words[at:at + len(parts)] == parts:
            return at
    return None
