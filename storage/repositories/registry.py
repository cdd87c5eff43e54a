"""The store's implementation of every repository a feature declares (`Feature.repositories`): unit-of-work
attribute -> factory over the session. A new feature adds its line here; storage/uow.py builds them all."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.kudos import SqlKudos
from storage.repositories.meetups import SqlMeetups
from storage.repositories.questions import SqlQuestions
from storage.repositories.welcome import SqlInterests, SqlOnboarding

FEATURE_REPOSITORIES: dict[str, Callable[[AsyncSession], object]] = {
    "kudos": SqlKudos,
    "meetups": SqlMeetups,
    "onboarding": SqlOnboarding,
    "interests": SqlInterests,
    "questions": SqlQuestions,
}
