"""The digest section of /settings."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from bot.settings import Channel, Settings

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class DigestSettings(Settings):
    digest_channel: Channel = Field(
        None, description="channel id the weekly digest is posted to (none: no scheduled digest)")
    digest_day: str = Field("MO", description="weekday of the scheduled digest: MO TU WE TH FR SA SU")
    digest_time: str = Field("09:00", description="local time of the scheduled digest, HH:MM in the community's zone")
    digest_champions: bool = Field(False, description="champions may pull the digest with /digest too")

    @field_validator("digest_day", mode="before")
    @classmethod
    def _digest_day(cls, value):
        day = str(value).strip().upper()[:2]
        if day not in DAYS:
            raise ValueError("a weekday: MO TU WE TH FR SA SU")
        return day

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError("a time like 09:00")
        return value.strip()
