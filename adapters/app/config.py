"""copbot's configuration: a TOML file validated by pydantic, secrets from the environment only."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from bot.clock import zone as check_zone
from bot.errors import Refusal
from bot.features.catalog import CommunitySettings


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
    timeout: float = Field(5.0, gt=0, le=300)  # seconds a statement may wait (see storage/engine.py)
    # Containers start together: a database that is not accepting connections yet is tried again this long.
    connect_retry_seconds: float = Field(30.0, ge=0, le=3600)


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
    # Sharding (discord.py's AutoShardedClient): shard_count alone runs every shard in this process; with
    # shard_ids, this process runs only those, and other processes run the rest with the same shard_count.
    shard_count: int | None = Field(None, ge=1, le=10000)
    shard_ids: list[int] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _shards(self):
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("shard_ids needs shard_count (the total number of shards across "
                             "every process), e.g. shard_ids = [0, 1] and shard_count = 4")
        outside = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
        if outside:
            raise ValueError(f"shard_ids: {outside[0]} is not a shard of shard_count = {self.shard_count} "
                             f"(shard ids run from 0 to {self.shard_count - 1})")
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("shard_ids: a shard id is listed twice")
        return self


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

    @model_validator(mode="after")
    def _one_community_per_workspace(self):
        seen: dict[tuple[str, str], str] = {}
        for index, community in enumerate(self.communities):
            places = ([("name", community.name.strip().casefold())] + [("slack", w) for w in community.slack]
                      + [("discord", g) for g in community.discord] + ([("console", "")] if community.console else []))
            for place in places:
                if place in seen:
                    raise ValueError(f"communities.{index}: {_clash(place, community.name, seen[place])}")
                seen[place] = community.name
        return self

    @property
    def database_url(self) -> str:
        return normalise_database_url(os.environ.get("DATABASE_URL") or self.database.url)


def _clash(place: tuple[str, str], name: str, first: str) -> str:
    kind, value = place
    if kind == "name":
        return f"two communities are named '{name}'; names must differ"
    what = {"slack": f"Slack workspace {value}", "discord": f"Discord guild {value}", "console": "the console"}[kind]
    return f"'{name}' binds {what}, already bound to '{first}'; one place belongs to one community"


class ConfigError(Exception):
    """One line naming the file, the key and what is allowed. The command line exits with 2."""


class StartupError(Exception):
    """Something outside copbot stopped it from starting (the database, a port, a folder, Slack).
    One line saying what is wrong and what to do; the command line exits with 1."""


_ASYNC_DRIVERS = {"postgres": "postgresql+asyncpg", "postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def normalise_database_url(url: str) -> str:
    """What hosting providers and docker-compose hand out, as the async drivers copbot ships with:
    postgres:// and postgresql:// use asyncpg (libpq's `sslmode` becomes asyncpg's `ssl`), sqlite:// uses
    aiosqlite, and a bare path (`copbot.db`, `data/m.db`) is a SQLite file."""
    url = url.strip()
    if "://" not in url:
        return f"sqlite+aiosqlite:///{url}"
    scheme, rest = url.split("://", 1)
    url = f"{_ASYNC_DRIVERS.get(scheme.lower(), scheme)}://{rest}"
    if url.startswith("postgresql+asyncpg://") and "sslmode=" in url:
        parsed = make_url(url)
        query = {("ssl" if key == "sslmode" else key): value for key, value in parsed.query.items()}
        url = parsed.set(query=query).render_as_string(hide_password=False)
    return url


def check_database_url(url: str, where: str) -> None:
    """Refuse, before anything starts, a URL copbot could not open: garbage, an unknown database, a driver that
    is not installed or is not an asyncio driver."""
    try:
        parsed: URL = make_url(url)
        dialect = parsed.get_dialect()
    except NoSuchModuleError:  # before ArgumentError, its base class
        raise ConfigError(f"{where}: copbot does not know the database '{url.split('://')[0]}'; use SQLite "
                          "(sqlite+aiosqlite:///FILE) or PostgreSQL (postgresql://...)") from None
    except (ArgumentError, ValueError):
        raise ConfigError(f"{where}: not a database URL; use sqlite+aiosqlite:///copbot.db, a file name, "
                          "or postgresql://USER:PASSWORD@HOST/DATABASE") from None
    try:
        dialect.import_dbapi()
    except ImportError as error:
        raise ConfigError(f"{where}: the driver for {parsed.drivername} is not installed ({error}); use "
                          "sqlite+aiosqlite:// or postgresql+asyncpg://, which copbot ships with") from None
    if not getattr(dialect, "is_async", False):
        raise ConfigError(f"{where}: {parsed.drivername} is not an asyncio driver; use sqlite+aiosqlite:// "
                          "or postgresql+asyncpg://") from None


def load(path: str | Path | None) -> Config:
    config = Config() if path is None else _parse(Path(path))
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else f"{path}: database.url" if path else "database"
    check_database_url(config.database_url, where)
    return config


def _parse(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; give the TOML file (e.g. --config {path / 'config.toml'})") from None
    except PermissionError:
        raise ConfigError(f"{path}: copbot may not read it (check the file's permissions)") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        return Config(**data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            allowed = f"unknown key; allowed here: {', '.join(_keys_at(first['loc'][:-1]))}"
        elif not key:  # a rule across keys (model validator): its message names the keys
            raise ConfigError(f"{path}: {first['msg'].removeprefix('Value error, ')}") from None
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
