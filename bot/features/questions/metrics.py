"""What the questions feature tells the weekly digest: a week's question numbers, who took part, and the open
questions nobody answered (storage/repositories/question_metrics.py implements it; the digest reads it as
`uow.question_metrics`). Definitions, for a week [since, until) (the digest passes local week bounds):
- asked: questions posted (drafts, deflected and deleted ones never count), at when they were posted;
- answered: questions whose first response (a reply by someone other than the asker, no bots) came then;
- solved: questions solved then (and still solved);
- unanswered: the backlog at `until`: questions asked before it, still open then, with no response by then;
- the medians: from asked to first response, over the questions answered then; from asked to solution, over
  those solved then;
- unanswered by tag: the backlog's tags;
- deflected: drafts the asker closed then with "This answers it" (the similar-question offer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class QuestionWeek:
    asked: int = 0
    answered: int = 0
    solved: int = 0
    unanswered: int = 0
    median_first_response_minutes: float | None = None  # a reply by someone other than the asker, no bots
    median_solution_minutes: float | None = None
    unanswered_by_tag: dict[str, int] = field(default_factory=dict)
    deflected: int = 0  # askers who took the similar-question offer instead of asking


@dataclass(frozen=True)
class OpenQuestion:
    number: int
    title: str
    asker_id: int
    asked_at: datetime
    tags: tuple[str, ...] = ()


class QuestionMetricsRepo(Protocol):
    # Per week [bounds[i], bounds[i + 1]), read together:
    async def question_weeks(self, community_id: int, bounds: Sequence[datetime], tag: str | None = None,
                             detailed: int | None = None) -> list[QuestionWeek]:
        """Every number of the last `detailed` weeks (default: all); only asked and solved of those before."""
    async def top_answerers(self, community_id: int, since: datetime, until: datetime,
                            limit: int) -> list[tuple[int, int]]:
        """(member id, answers to others' questions) in [since, until), most first."""
    async def unanswered_since(self, community_id: int, asked_before: datetime, limit: int) -> list[OpenQuestion]:
        """Open questions with no answer, asked before `asked_before`, oldest first."""
    async def suggested_helpers(self, community_id: int, asks: Sequence[tuple[Sequence[str], Sequence[int]]],
                                since: datetime) -> list[int | None]:
        """For each (tags, besides): who helped most under those tags since `since` (`helpers_for`), other than
        `besides` (None: nobody)."""
