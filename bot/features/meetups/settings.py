"""The meetups section of /settings."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from bot.settings import Channel, Settings, words


class MeetupSettings(Settings):
    meetup_reminders: list[str] = Field(
        default_factory=lambda: ["1d", "1h"], max_length=5,
        description="when meetup reminders go out: 1d = same time the day before, 1h = an hour before (m h d w)")
    meetup_horizon_days: int = Field(
        90, ge=7, le=400, description="how far ahead repeating meetups are expanded (RSVPs and reminders exist)")

    meetups_channel: Channel = Field(
        None, description="channel where meetups are announced in each bound workspace (default: only where "
                          "scheduled); on Slack and Discord at once, one per place: slack:C1 discord:42")

    @field_validator("meetup_reminders", mode="before")
    @classmethod
    def _offset_list(cls, value):
        offsets = [str(v).strip().lower() for v in words(value)]
        if any(not re.fullmatch(r"[1-9]\d{0,4}[mhdw]", o) for o in offsets):
            raise ValueError("reminders are a number and a unit: 30m, 1h, 1d, 1w")
        return list(dict.fromkeys(offsets))
