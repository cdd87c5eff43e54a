"""The store's implementation of every repository a feature declares (`Feature.repositories`): unit-of-work
attribute -> factory over the session. A new feature adds its line here; storage/uow.py builds them all."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.activity import SqlActivity
from storage.repositories.digest import SqlDigest
from storage.repositories.kudos import SqlKudos
from storage.repositories.linking import SqlLinking
from storage.repositories.meetups import SqlMeetups
from storage.repositories.member_weeks import SqlMemberWeeks
from storage.repositories.question_metrics import SqlQuestionMetrics
from storage.repositories.questions import SqlQuestions
from storage.repositories.topics import SqlTopics
from storage.repositories.welcome import SqlInterests, SqlOnboarding

FEATURE_REPOSITORIES: dict[str, Callable[[AsyncSession], object]] = {
    "activity": SqlActivity,
    "member_weeks": SqlMemberWeeks,
    "kudos": SqlKudos,
    "digest": SqlDigest,
    "meetups": SqlMeetups,
    "onboarding": SqlOnboarding,
    "interests": SqlInterests,
    "linking": SqlLinking,
    "topics": SqlTopics,
    "questions": SqlQuestions,
    "question_metrics": SqlQuestionMetrics,
}
