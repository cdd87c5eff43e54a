"""docs/questions.md shows a console session (lines, then what was printed): it is what the console prints."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs" / "questions.md"


def without_snippets(text: str) -> list[str]:
    """Each store highlights its own way: a snippet line only has to be there, with a marked word."""
    return [("(a snippet)" if "«" in line else line) for line in text.strip().splitlines()]


async def test_the_docs_console_session_is_true(console, clock):
    session = DOCS.read_text(encoding="utf-8").split("## A console session", 1)[1]
    script, printed = re.findall(r"```\n(.*?)```", session, re.S)[:2]
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert without_snippets(await console.script(script)) == without_snippets(printed)
