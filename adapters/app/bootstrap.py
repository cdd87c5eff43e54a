"""The composition root: the only place that knows every part and wires them together."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.app.config import Config
from adapters.app.database import wait_for_database
from bot.clock import Clock, SystemClock
from bot.communities import CommunitySeed
from bot.core import Core, CoreConfig
from bot.dispatch import Dispatcher, OutboundRouter
from bot.errors import Conflict
from bot.features.catalog import all_features
from bot.observe import NoObserver, Observer
from bot.retention import Pruner
from storage.engine import make_engine, redact, session_factory
from storage.migrate import upgrade
from storage.uow import uow_factory

log = logging.getLogger("copbot")


@dataclass
class App:
    config: Config
    engine: AsyncEngine
    core: Core
    dispatcher: Dispatcher
    outbound: OutboundRouter
    pruner: Pruner
    observer: Observer

    async def close(self) -> None:
        await self.engine.dispose()

    async def database_reachable(self) -> bool:
        """For /healthz: a fresh round trip (the pool replaces a connection the server dropped)."""
        async with self.engine.connect() as connection:
            return (await connection.execute(text("SELECT 1"))).scalar() == 1


def core_config(config: Config) -> CoreConfig:
    allowed = {}
    if config.slack.allowed_workspaces is not None:
        allowed["slack"] = frozenset(config.slack.allowed_workspaces)
    if config.discord.allowed_guilds is not None:
        allowed["discord"] = frozenset(config.discord.allowed_guilds)
    owners = frozenset(owner for community in config.communities for owner in community.owners)
    return CoreConfig(default_zone=config.defaults.zone,
                      default_settings=config.defaults.settings.model_dump(exclude_unset=True),
                      allowed=allowed, owners=owners)


def seeds(config: Config) -> list[CommunitySeed]:
    return [
        CommunitySeed(
            name=c.name, zone=c.zone, settings=c.settings,
            bindings=tuple([("slack", w) for w in c.slack] + [("discord", g) for g in c.discord]
                           + ([("console", "local")] if c.console else [])))
        for c in config.communities
    ]


async def seed_communities(core: Core, declared: list[CommunitySeed], attempts: int = 3) -> None:
    """Replicas that start together seed the same communities at once: the one that loses the race on a unique
    name or binding finds the winner's rows on its next pass (and updates them, which changes nothing)."""
    for attempt in range(1, attempts + 1):
        try:
            await core.communities.seed(declared)
            return
        except Conflict:
            if attempt == attempts:
                raise
            log.info("another copbot process seeded the communities at the same moment; reading what it wrote")


async def build(config: Config, *, clock: Clock | None = None, migrate: bool = True,
                observer: Observer | None = None) -> App:
    url = config.database_url
    log.info("database: %s", redact(url))
    # hide_parameters: a failing statement's error (logged) must not carry what members wrote
    engine = make_engine(url, statement_timeout=config.database.timeout, hide_parameters=True)
    try:
        await wait_for_database(engine, config.database.connect_retry_seconds)
        if migrate:
            await upgrade(engine)
    except BaseException:
        await engine.dispose()
        raise
    uows = uow_factory(session_factory(engine))
    clock = clock or SystemClock()
    features = all_features()
    observer = observer or NoObserver()
    core = Core(uows, clock, features, core_config(config), observer=observer)
    await seed_communities(core, seeds(config))
    await core.communities.plan_schedules()
    outbound = OutboundRouter()
    dispatcher = Dispatcher(uows, outbound, clock, features, observer=observer)
    return App(config, engine, core, dispatcher, outbound, Pruner(uows, clock), observer)
