"""copbot's configuration: a TOML file validated by pydantic, secrets from the environment only."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.clock import zone as check_zone
from bot.errors import Refusal
from bot.settings import CommunitySettings


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _valid_zone(value: str) -> str:
    try:
        check_zone(value)
    except Refusal as refusal:
        raise ValueError(refusal.message) from None
    return value


class DatabaseConfig(Strict):
    url: str = "sqlite+aiosqlite:///copbot.db"


class SlackConfig(Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    port: int = Field(3000, ge=1, le=65535)
    path: str = "/slack/events"
    api_base_url: str = "https://slack.com/api/"
    allowed_workspaces: list[str] | None = None


class DiscordConfig(Strict):
    enabled: bool = False
    api_base_url: str = "https://discord.com/api/v10"
    guild_ids: list[str] = Field(default_factory=list)
    allowed_guilds: list[str] | None = None
    message_content: bool = False
    shards: int | None = Field(None, ge=1)


class HealthConfig(Strict):
    """GET /healthz and /metrics: on Slack's HTTP port when Slack runs in HTTP mode, on `host:port` otherwise."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)


class DefaultsConfig(Strict):
    zone: str = "UTC"
    settings: CommunitySettings = Field(default_factory=CommunitySettings)

    _zone = field_validator("zone")(_valid_zone)


class CommunityConfig(Strict):
    name: str = Field(min_length=1, max_length=200)
    zone: str | None = None
    slack: list[str] = Field(default_factory=list, description="Slack workspace (team) ids")
    discord: list[str] = Field(default_factory=list, description="Discord guild ids")
    console: bool = False
    owners: list[str] = Field(default_factory=list, description='"slack:T1:U1", "discord:G1:42"')
    settings: dict = Field(default_factory=dict)

    @field_validator("zone")
    @classmethod
    def _zone(cls, value):
        return None if value is None else _valid_zone(value)

    @field_validator("owners")
    @classmethod
    def _owners(cls, value: list[str]):
        for owner in value:
            parts = owner.split(":")
            if len(parts) != 3 or parts[0] not in {"slack", "discord", "console"} or not all(parts):
                raise ValueError(f"'{owner}' is not PLATFORM:WORKSPACE:USER, e.g. slack:T123:U456")
        return value

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict):
        CommunitySettings(**value)
        return value


class Config(Strict):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)
    defaults: DefaultsConfig = Field(default_factory=DefaultsConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    communities: list[CommunityConfig] = Field(default_factory=list)

    @property
    def database_url(self) -> str:
        return os.environ.get("DATABASE_URL") or self.database.url


class ConfigError(Exception):
    """One line naming the file, the key and what is allowed."""


def load(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        return Config(**data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            allowed = f"unknown key; allowed here: {', '.join(_keys_at(first['loc'][:-1]))}"
        else:
            allowed = first["msg"]
        raise ConfigError(f"{path}: {key}: {allowed}") from None


def _keys_at(loc: tuple) -> list[str]:
    """The keys the config accepts at a location, to say what is allowed."""
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            model = inner
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return list(model.model_fields)


def secret(name: str) -> str | None:
    """Secrets only ever come from the environment."""
    return os.environ.get(name) or None
