"""The topics section of /settings: the taxonomy's size and how unanswered questions reach helpers."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.features.topics.hours import WorkingHours
from bot.settings import Settings


class TopicsSettings(Settings):
    topics_max_tags: int = Field(30, ge=1, le=500, description="topics a community's taxonomy may hold")
    topics_working_hours: str = Field(
        "Mon-Fri 09:00-18:00", description="working hours (in the community's zone, and each helper's own) in"
                                           " which unanswered questions wait and helpers are reached")
    topics_escalate_after_hours: int = Field(
        24, ge=1, le=2000, description="working hours a question waits for an answer before helpers are asked")
    topics_champions_after_hours: int = Field(
        72, ge=1, le=5000, description="working hours a question waits before champions are asked")
    topics_helpers_per_question: int = Field(3, ge=1, le=10, description="helpers an unanswered question reaches")
    topics_helper_weekly_cap: int = Field(
        3, ge=1, le=50, description="questions one helper is asked about per week, at most")

    @field_validator("topics_working_hours")
    @classmethod
    def _working_hours(cls, value: str) -> str:
        return str(WorkingHours.parse(value))

