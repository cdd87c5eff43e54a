"""The welcome and onboarding section of /settings."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from bot.settings import Channel, Settings, words


class WelcomeSettings(Settings):
    welcome_enabled: bool = Field(True, description="welcome new members (/welcome off and /welcome on)")
    welcome_channel: Channel = Field(
        None, description="channel id for public greetings and closed-DM fallbacks (default: where they joined)")
    welcome_greeting: bool = Field(True, description="also greet newcomers publicly in the welcome channel")
    welcome_back_days: int = Field(30, ge=0, le=3650, description="a member back within this many days is welcomed back, not onboarded again")
    welcome_burst_joins: int = Field(10, ge=1, le=10_000, description="more joins than this in the burst window combine the public greetings")
    welcome_burst_seconds: int = Field(60, ge=1, le=3600, description="the burst window, in seconds")
    welcome_dm_spacing_seconds: int = Field(2, ge=0, le=600, description="during a burst, seconds between welcome DMs")
    intro_channel: Channel = Field(None, description="channel id where a first post completes the intro step")
    guidelines_link: str | None = Field(None, max_length=300, description="link to the community guidelines")
    onboarding_steps: list[str] = Field(
        default_factory=lambda: ["intro", "interests", "guidelines"], min_length=1, max_length=10,
        description="onboarding checklist steps, in order (intro, interests, guidelines or words of your own)")
    onboarding_drip_days: list[int] = Field(
        default_factory=lambda: [1, 7], max_length=5,
        description="days after joining when a reminder names the steps still open (none: no reminders)")
    buddy_enabled: bool = Field(False, description="pair each newcomer with a buddy who shares an interest")
    buddy_weekly_cap: int = Field(3, ge=1, le=50, description="newcomers one buddy is given per week, at most")

    @field_validator("guidelines_link")
    @classmethod
    def _web_link(cls, value):
        if value is not None and not re.fullmatch(r"https?://[^\s<>|]+", value.strip(), re.IGNORECASE):
            raise ValueError("use a web link that starts with https:// or http://")
        return value.strip() if value else value

    @field_validator("onboarding_steps", mode="before")
    @classmethod
    def _step_list(cls, value):
        steps = [str(v).strip().lower() for v in words(value)]
        if any(not s.replace("-", "").replace("_", "").isalnum() or len(s) > 40 for s in steps):
            raise ValueError("steps are single words of letters, digits or dashes")
        return list(dict.fromkeys(steps))

    @field_validator("onboarding_drip_days", mode="before")
    @classmethod
    def _day_list(cls, value):
        days = sorted({int(v) for v in words(value)})
        if any(not 1 <= d <= 90 for d in days):
            raise ValueError("reminder days are between 1 and 90")
        return days
