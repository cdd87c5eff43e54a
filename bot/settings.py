"""Per-community settings: config gives the defaults, managers change them in chat (/settings)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class CommunitySettings(BaseModel):
    """Every key here can be set in config (`[defaults.settings]`, `[[communities]] settings`) and with /settings."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    kudos_daily_allowance: int = Field(5, ge=1, le=100, description="kudos a member may give per day")
    kudos_pair_cap: int = Field(2, ge=1, le=100, description="kudos from one giver to one receiver per day")
    kudos_emoji: list[str] = Field(
        default_factory=lambda: ["tada", "🎉"],
        description="reactions that give kudos (Slack names without colons, Discord unicode)",
    )
    kudos_channel: str | None = Field(None, description="channel id where kudos are announced (default: where given); "
                                      "slack:ID or discord:ID when the community spans platforms")
    kudos_dm_receiver: bool = Field(False, description="tell receivers by direct message when they get kudos")
    kudos_undo_seconds: int = Field(60, ge=0, le=3600, description="how long /kudos undo and removing a reaction work")

    # Meetups (bot/features/meetups)
    meetup_reminders: list[str] = Field(
        default_factory=lambda: ["1d", "1h"], max_length=5,
        description="when meetup reminders go out: 1d = same time the day before, 1h = an hour before (m h d w)")
    meetup_horizon_days: int = Field(
        90, ge=7, le=400, description="how far ahead repeating meetups are expanded (RSVPs and reminders exist)")

    # Welcome and onboarding (bot/features/welcome)
    welcome_enabled: bool = Field(True, description="welcome new members (/welcome off and /welcome on)")
    welcome_channel: str | None = Field(
        None, description="channel id for public greetings and closed-DM fallbacks (default: where they joined)")
    welcome_greeting: bool = Field(True, description="also greet newcomers publicly in the welcome channel")
    welcome_back_days: int = Field(30, ge=0, le=3650, description="a member back within this many days is welcomed back, not onboarded again")
    welcome_burst_joins: int = Field(10, ge=1, le=10_000, description="more joins than this in the burst window combine the public greetings")
    welcome_burst_seconds: int = Field(60, ge=1, le=3600, description="the burst window, in seconds")
    welcome_dm_spacing_seconds: int = Field(2, ge=0, le=600, description="during a burst, seconds between welcome DMs")
    intro_channel: str | None = Field(None, description="channel id where a first post completes the intro step")
    guidelines_link: str | None = Field(None, max_length=300, description="link to the community guidelines")
    onboarding_steps: list[str] = Field(
        default_factory=lambda: ["intro", "interests", "guidelines"], min_length=1, max_length=10,
        description="onboarding checklist steps, in order (intro, interests, guidelines or words of your own)")
    onboarding_drip_days: list[int] = Field(
        default_factory=lambda: [1, 7], max_length=5,
        description="days after joining when a reminder names the steps still open (none: no reminders)")
    buddy_enabled: bool = Field(False, description="pair each newcomer with a buddy who shares an interest")
    buddy_weekly_cap: int = Field(3, ge=1, le=50, description="newcomers one buddy is given per week, at most")

    @field_validator("kudos_channel", "welcome_channel", "intro_channel", mode="before")
    @classmethod
    def _channel(cls, value):
        """`<#C123|kudos>` (a Slack channel mention) and `#kudos` (the console's names) are the channel's id."""
        if value is None:
            return None
        text = str(value).strip()
        if mention := re.fullmatch(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", text):
            return mention[1]
        return text.lstrip("#") or None

    @field_validator("guidelines_link")
    @classmethod
    def _web_link(cls, value):
        if value is not None and not re.fullmatch(r"https?://[^\s<>|]+", value.strip(), re.IGNORECASE):
            raise ValueError("use a web link that starts with https:// or http://")
        return value.strip() if value else value

    @field_validator("kudos_emoji", mode="before")
    @classmethod
    def _emoji_list(cls, value):
        return [v.strip(":") for v in _words(value)]

    @field_validator("onboarding_steps", mode="before")
    @classmethod
    def _step_list(cls, value):
        steps = [str(v).strip().lower() for v in _words(value)]
        if any(not s.replace("-", "").replace("_", "").isalnum() or len(s) > 40 for s in steps):
            raise ValueError("steps are single words of letters, digits or dashes")
        return list(dict.fromkeys(steps))

    @field_validator("onboarding_drip_days", mode="before")
    @classmethod
    def _day_list(cls, value):
        days = sorted({int(v) for v in _words(value)})
        if any(not 1 <= d <= 90 for d in days):
            raise ValueError("reminder days are between 1 and 90")
        return days

    @field_validator("meetup_reminders", mode="before")
    @classmethod
    def _offset_list(cls, value):
        offsets = [str(v).strip().lower() for v in _words(value)]
        if any(not re.fullmatch(r"[1-9]\d{0,4}[mhdw]", o) for o in offsets):
            raise ValueError("reminders are a number and a unit: 30m, 1h, 1d, 1w")
        return list(dict.fromkeys(offsets))

    @classmethod
    def from_stored(cls, data: dict | None) -> CommunitySettings:
        """Settings as stored. A value that no longer validates (a rule tightened since, a key removed) falls
        back to its default, so a stored value never makes a later read fail."""
        data = dict(data or {})
        for _ in range(len(data) + 1):
            try:
                return cls(**data)
            except ValidationError as error:
                for problem in error.errors():
                    data.pop(str(problem["loc"][0]) if problem["loc"] else "", None)
        return cls()

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {name: field.description or "" for name, field in cls.model_fields.items()}


def _words(value) -> list:
    """A list setting typed in chat ("1d, 1h" or "1d 1h"); "none" or nothing is an empty list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [] if value.strip().lower() in {"none", "off", "-"} else value.replace(",", " ").split()
    return list(value)


def channel_here(value: str | None, platform: str, workspace_id: str) -> str | None:
    """A channel setting as it applies where something happened. `C123` applies everywhere; a community that
    spans platforms or workspaces says where the channel is: `slack:C123`, `discord:42` or `slack:T1:C123`."""
    if not value:
        return None
    parts = value.split(":")
    if len(parts) == 1:
        return value
    if parts[0] != platform or (len(parts) == 3 and parts[1] != workspace_id) or len(parts) > 3:
        return None
    return parts[-1]
