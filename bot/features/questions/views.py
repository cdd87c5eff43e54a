"""How questions read in chat: the posted question, references to them, listings and search hits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.features.questions.model import Answer, Question, SearchHit
from bot.identity import Place
from bot.reply import Field, Section, message_link
from bot.text import one_line

CHECK = "✅"
STATUS = {"open": "open", "solved": "solved", "stale": "closed as stale", "draft": "not posted",
          "deflected": "answered before posting", "deleted": "deleted"}


def channel_ref(platform: str, channel_id: str) -> str:
    """A channel as text each platform links: Slack and Discord turn <#ID> into a link, the console shows #name."""
    return f"#{channel_id}" if platform == "console" else f"<#{channel_id}>"


def reference(question: Question) -> str:
    """Where a question is: "#3 in #general", the number a link to its posted message (once it is posted)."""
    return f"{message_link(question, f'#{question.number}')} in {channel_ref(question.platform, question.channel_id)}"


def answer_place(question: Question, answer: Answer) -> Place:
    """An answer's message: a reply in the question's thread (on Discord the thread is its channel)."""
    return Place(question.platform, question.workspace_id, question.channel_id, answer.message_id,
                 question.thread_id or question.message_id)


def tag_text(tags: Sequence[str]) -> str:
    return " ".join(f"#{t}" for t in tags)


def posted_text(question: Question, asker: str) -> str:
    tags = f" {tag_text(question.tags)}" if question.tags else ""
    return (f"❓ Question #{question.number} from {asker}{tags}:\n{question.text}\n"
            f"Answer in this thread; {asker} (or a champion) marks the answer that solves it with {CHECK}.")


PLATFORMS = {"slack": "Slack", "discord": "Discord"}


def platform_name(platform: str) -> str:
    return PLATFORMS.get(platform, platform)


def mirrored_text(question: Question, asker: str) -> str:
    tags = f" {tag_text(question.tags)}" if question.tags else ""
    return (f"❓ Question #{question.number} from {asker} on {platform_name(question.platform)}{tags}:\n"
            f"{question.text}\nAnswer in this thread: answers show on both sides, and {asker} (or a champion) "
            f"marks the one that solves it with {CHECK}.")


def copied_answer(answer: Answer, author: str, platform: str) -> str:
    """An answer written on the other side, its author named as plain text (never a mention)."""
    said = f": {answer.text}" if answer.text else " (read it there)"
    return f"💬 Answer {answer.number} by {author} on {platform_name(platform)}{said}"


def question_line(question: Question, extra: str = "") -> str:
    tags = f" {tag_text(question.tags)}" if question.tags else ""
    return f"{reference(question)}: {one_line(question.text, 100)}{tags} ({STATUS.get(question.status, '?')}{extra})"


def accepted_fields(question: Question, answers: Sequence[Answer], names: Mapping[int, str]) -> tuple[Field, ...]:
    """One field per accepted answer, its text a link to the answer's message."""
    return tuple(Field(f"{CHECK} answer {a.number} by {names.get(a.author_id, 'someone')}",
                       message_link(answer_place(question, a), one_line(a.text, 200) or f"answer {a.number}"))
                 for a in answers)


def hit_section(hit: SearchHit, names: Mapping[int, str]) -> Section:
    snippet = f"\n{one_line(hit.snippet, 240)}" if hit.snippet else ""
    return Section(question_line(hit.question) + snippet, accepted_fields(hit.question, hit.accepted, names))
