"""Per-community settings: config gives the defaults, managers change them in chat (/settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CommunitySettings(BaseModel):
    """Every key here can be set in config (`[defaults.settings]`, `[[communities]] settings`) and with /settings."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    kudos_daily_allowance: int = Field(5, ge=1, le=100, description="kudos a member may give per day")
    kudos_pair_cap: int = Field(2, ge=1, le=100, description="kudos from one giver to one receiver per day")
    kudos_emoji: list[str] = Field(
        default_factory=lambda: ["tada", "🎉"],
        description="reactions that give kudos (Slack names without colons, Discord unicode)",
    )
    kudos_channel: str | None = Field(None, description="channel id where kudos are announced (default: where given)")
    kudos_undo_seconds: int = Field(60, ge=0, le=3600, description="how long /kudos undo and removing a reaction work")

    @field_validator("kudos_emoji", mode="before")
    @classmethod
    def _emoji_list(cls, value):
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split()]
        return [v.strip(":") for v in value]

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {name: field.description or "" for name, field in cls.model_fields.items()}
