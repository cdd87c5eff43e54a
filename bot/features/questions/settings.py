"""The questions feature's settings (keys prefixed `questions_`)."""

from __future__ import annotations

from pydantic import Field

from bot.settings import Channel, Settings


class QuestionsSettings(Settings):
    questions_channel: Channel = Field(None, description="channel id where questions are posted (default: where "
                                          "asked); slack:ID or discord:ID when the community spans platforms")
    questions_mirror: bool = Field(False, description="post each question in the questions channel of every other "
                                   "workspace the community is bound to, and copy the answers across")
    questions_nudge_hours: int = Field(24, ge=1, le=336, description="hours after the first answer before the asker "
                                       "is asked, once, to mark a solution")
    questions_stale_days: int = Field(14, ge=1, le=365, description="days without activity before an open question "
                                      "is closed as stale")
