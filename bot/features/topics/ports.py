"""What the topics feature needs from the store (implemented in storage/repositories/topics.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.features.topics.escalation import Candidate


@dataclass(frozen=True)
class Topic:
    """A tag of the community's taxonomy and the words that suggest it."""

    tag_id: int
    name: str
    keywords: tuple[str, ...] = ()


class TopicRepo(Protocol):
    async def taxonomy(self, community_id: int) -> list[Topic]:
        """The managed tags, by name; empty: the community keeps an open tag list."""
    async def add(self, community_id: int, name: str, keywords: Sequence[str], *, by_id: int,
                  at: datetime) -> Topic:
        """Make `name` a managed tag (creating the tag if needed) with these keywords."""
    async def remove(self, community_id: int, tag_id: int) -> None:
        """Take a tag out of the taxonomy; the tag and what used it stay, as history."""
    async def uses(self, community_id: int, tag_id: int) -> int:
        """How many rows of any table refer to this tag (kudos, follows, questions…), the taxonomy aside."""
    async def unmanaged_in_use(self, community_id: int) -> list[tuple[str, int]]:
        """Tags outside the taxonomy that something still uses, with their uses: candidates to add or merge."""
    async def merge(self, community_id: int, from_id: int, into_id: int, *, zone: str, now: datetime) -> None:
        """Move every use of `from_id` to `into_id` (every table that refers to tags), then recount the
        leaderboard totals. The `from_id` tag row stays, unused: tag ids are never deleted (storage SqlTags)."""
    async def pause(self, community_id: int, member_id: int, until: datetime | None) -> None:
        """Pause a helper until `until`; None resumes them."""
    async def merge_member(self, community_id: int, from_id: int, into_id: int) -> None:
        """Move one member's pause and escalations onto another (two identities linked into one)."""
    async def paused_until(self, community_id: int, member_id: int) -> datetime | None: ...
    async def helper_candidates(self, community_id: int, tag_ids: Sequence[int], accepted: Mapping[int, int], *,
                                since: datetime, week_start: datetime, now: datetime) -> list[Candidate]:
        """Members with kudos received in these tags since `since`, accepted answers (`accepted`: member id ->
        count, from the questions feature) or a follow of one of them; with their pause and the escalations
        they were sent since `week_start`. Active people only."""
    async def record_escalation(self, community_id: int, question_id: int, member_id: int, level: str,
                                at: datetime) -> None: ...
