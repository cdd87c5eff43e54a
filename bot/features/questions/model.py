"""What the questions feature reads and writes: its records and its repository's Protocol
(storage/repositories/questions.py implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

DRAFT, OPEN, SOLVED, STALE, DEFLECTED, DELETED = "draft", "open", "solved", "stale", "deflected", "deleted"
POSTED = (OPEN, SOLVED, STALE)  # the questions people see, answer and find


@dataclass(frozen=True)
class Question:
    id: int  # the store's, never shown
    number: int  # "question #3", counted per community
    community_id: int
    asker_id: int
    text: str
    status: str
    platform: str
    workspace_id: str
    channel_id: str
    message_id: str | None
    thread_id: str | None
    created_at: datetime
    last_activity_at: datetime
    posted_at: datetime | None = None
    first_answer_at: datetime | None = None
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    id: int
    question_id: int
    number: int  # "answer 2" of its question
    author_id: int
    text: str
    message_id: str
    created_at: datetime
    accepted_at: datetime | None = None
    kudos_given: bool = False
    deleted_at: datetime | None = None
    platform: str = ""  # where it was written: the question's platform, or a mirror's
    workspace_id: str = ""
    channel_id: str = ""


@dataclass(frozen=True)
class Mirror:
    """A question posted in another bound workspace (`answer_id` None), or an answer copied into its thread
    there: a message the bot posted, so a thread on the other side (bot/features/questions/mirror.py)."""

    question_id: int
    answer_id: int | None
    platform: str
    workspace_id: str
    channel_id: str
    message_id: str
    thread_id: str | None = None


@dataclass(frozen=True)
class SearchHit:
    question: Question
    snippet: str  # the matching words in context, «marked»
    accepted: tuple[Answer, ...] = ()


class QuestionRepo(Protocol):
    async def add(self, community_id: int, *, asker_id: int, text: str, tag_ids: Sequence[int], status: str,
                  place: dict, at: datetime) -> Question: ...
    async def get(self, community_id: int, number: int) -> Question | None: ...
    async def by_id(self, community_id: int, question_id: int) -> Question | None: ...
    async def by_message(self, community_id: int, platform: str, workspace_id: str,
                         message_id: str) -> Question | None:
        """The posted question whose message (so whose thread) this is: its own post or a mirror of it."""
    async def set_tags(self, community_id: int, question_id: int, tag_ids: Sequence[int]) -> None: ...
    async def update(self, community_id: int, question_id: int, **fields: object) -> Question:
        """Change status, posted reference or times; the search text follows the status."""
    async def add_answer(self, community_id: int, question_id: int, *, author_id: int, text: str,
                         place: dict, at: datetime) -> Answer: ...
    async def answers(self, community_id: int, question_id: int) -> list[Answer]: ...
    async def answer_by_message(self, community_id: int, platform: str, workspace_id: str,
                                message_id: str) -> Answer | None: ...
    async def answer_by_copy(self, community_id: int, platform: str, workspace_id: str,
                             message_id: str) -> Answer | None:
        """The answer the bot copied into this message (a mirrored question's thread on the other side)."""
    async def add_mirror(self, community_id: int, question_id: int, *, answer_id: int | None, place: dict,
                         at: datetime) -> None: ...
    async def mirrors(self, community_id: int, question_id: int) -> list[Mirror]:
        """The question's posts elsewhere and the answers copied there, oldest first."""
    async def accept(self, community_id: int, answer_id: int, *, by_id: int, at: datetime,
                     text: str | None = None) -> None:
        """Mark an answer accepted (and set its text, when given: one stored without it)."""
    async def unaccept_all(self, community_id: int, question_id: int) -> None: ...
    async def kudos_given(self, community_id: int, answer_id: int) -> None: ...
    async def delete_answer(self, community_id: int, answer_id: int, at: datetime) -> None: ...
    async def listing(self, community_id: int, *, statuses: Sequence[str], unanswered: bool = False,
                      asker_id: int | None = None, tag_id: int | None = None, limit: int = 10) -> list[Question]: ...
    async def search(self, community_id: int, words: Sequence[str], *, any_word: bool = False,
                     tag_id: int | None = None, solved_only: bool = False, limit: int = 5) -> list[SearchHit]:
        """Posted questions ranked by their text and accepted answers (all the words, or any of them)."""
    async def helpers_for(self, community_id: int, tag_ids: Sequence[int], since: datetime,
                          limit: int | None = None) -> list[tuple[int, int]]:
        """(member id, score) best first: accepted answers in questions with these tags, plus kudos received
        under these tags (not counting the kudos a solution gave, which the accepted answer already counts); of
        members still here, not bots. The first `limit` of them, or all."""
    async def merge_member(self, community_id: int, from_id: int, into_id: int) -> None:
        """Move one member's questions, answers and markings onto another (two identities linked)."""
    async def deflections(self, community_id: int, since: datetime) -> int:
        """Drafts the asker closed with "This answers it" since then."""
    async def erase_texts(self, community_id: int, member_id: int) -> None:
        """Blank the questions and answers a member wrote (and take them out of the search index)."""
