"""Communities and who is in them before any command: created on a first request or from config, their
workspaces bound, the bot recorded as a member, every feature's schedules planned."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.context import Feature, change_zone
from bot.domain import Community
from bot.errors import Refusal
from bot.identity import BotIdentity, Place
from bot.ports import UnitOfWork
from bot.settings import Settings

log = logging.getLogger("copbot.communities")


@dataclass(frozen=True)
class CommunitySeed:
    """A community declared in config: bound to its workspaces before any event arrives."""

    name: str
    zone: str | None  # None: the default zone for a new community, and leave an existing one as it is
    bindings: tuple[tuple[str, str], ...]
    settings: dict = field(default_factory=dict)


class Communities:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, features: Iterable[Feature],
                 settings_model: type[Settings], *, default_zone: str = "UTC",
                 default_settings: Mapping | None = None,
                 allowed: Mapping[str, frozenset[str]] | None = None):
        self.uow_factory = uow_factory
        self.clock = clock
        self.features = tuple(features)
        self.settings_model = settings_model
        self.default_zone = default_zone
        self._defaults = dict(default_settings or {})
        self.allowed = dict(allowed or {})  # platform -> workspaces allowed to create a community; absent: any
        self.bots: dict[str, BotIdentity] = {}  # platform -> the bot's own user there

    async def create(self, uow: UnitOfWork, place: Place) -> Community:
        """A community for a workspace seen for the first time (in the caller's unit of work)."""
        allowed = self.allowed.get(place.platform)
        if allowed is not None and place.workspace_id not in allowed:
            raise Refusal("Sorry, this copbot only serves the communities its operator configured, not this one.")
        name = place.workspace_name or f"{place.platform} {place.workspace_id}"
        while await uow.communities.by_name(name):
            name = f"{name} ({place.platform} {place.workspace_id})" if "(" not in name else f"{name}+"
        community = await uow.communities.create(name, self.default_zone, self.default_settings())
        await uow.communities.bind(community.id, place.platform, place.workspace_id)
        await self._record_bot(uow, community.id, place.platform, place.workspace_id)
        self._plan_schedules(uow, community)
        log.info("created community %r for %s workspace %s", name, place.platform, place.workspace_id)
        return community

    def default_settings(self, overrides: dict | None = None) -> Settings:
        return self.settings_model(**{**self._defaults, **(overrides or {})})

    async def seed(self, seeds: Iterable[CommunitySeed]) -> None:
        """Create or update the communities declared in config and bind their workspaces."""
        async with self.uow_factory() as uow:
            for seed in seeds:
                community = await uow.communities.by_name(seed.name)
                settings = self.default_settings(seed.settings)
                if community is None:
                    community = await uow.communities.create(seed.name, seed.zone or self.default_zone, settings)
                else:
                    # Keys the operator wrote in config win; the rest keep what managers set in chat.
                    merged = {**community.settings.model_dump(), **seed.settings}
                    await uow.communities.update(community.id, settings=self.settings_model(**merged))
                    if seed.zone is not None and seed.zone != community.zone:
                        await change_zone(uow, community.id, seed.zone, self.clock.now(), self.features)
                bound = set(await uow.communities.bindings(community.id))
                for platform, workspace_id in seed.bindings:
                    if (platform, workspace_id) not in bound:
                        await uow.communities.bind(community.id, platform, workspace_id)
                        await self._record_bot(uow, community.id, platform, workspace_id)
            await uow.commit()

    async def plan_schedules(self) -> None:
        """The next occurrence of every feature's schedule, for every community (at start: a row already
        planned stays as it is)."""
        async with self.uow_factory() as uow:
            for community in await uow.communities.all():
                self._plan_schedules(uow, community)
            await uow.commit()

    def _plan_schedules(self, uow: UnitOfWork, community: Community) -> None:
        for feature in self.features:
            for schedule in feature.schedules:
                schedule.plan_next(uow, community, self.clock.now())

    async def know_bot(self, bot: BotIdentity) -> None:
        """An adapter tells who the bot itself is on its platform: it becomes a bot member of every community
        bound there now, and of every community bound there later."""
        self.bots[bot.platform] = bot
        async with self.uow_factory() as uow:
            for community_id, workspace_id in await uow.communities.bound_on(bot.platform):
                await self._record_bot(uow, community_id, bot.platform, workspace_id)
            await uow.commit()

    async def _record_bot(self, uow: UnitOfWork, community_id: int, platform: str, workspace_id: str) -> None:
        if (bot := self.bots.get(platform)) is not None:
            await uow.members.upsert(community_id, bot.member(workspace_id), now=self.clock.now())
