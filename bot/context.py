"""What a handler gets: the open unit of work and who is asking, where and when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.commands import CommandSpec
from bot.domain import Community, Member
from bot.identity import ChannelTarget, MemberRef, MemberTarget, Place, Posted, ResponseTarget, Role, Target
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.schedules import Schedule


@dataclass(frozen=True)
class Lookup:
    """What a suggester (autocomplete) may read: the store, without writing, the community, where, and when."""

    uow: UnitOfWork
    community: Community
    place: Place
    now: datetime


@dataclass
class Context:
    uow: UnitOfWork
    community: Community
    member: Member  # who is asking
    role: Role
    place: Place
    now: datetime
    owners: frozenset[str] = frozenset()
    features: tuple[Feature, ...] = ()  # what the core runs: a step over every feature (erasure) walks these

    @property
    def zone(self) -> str:
        return self.community.zone

    @property
    def settings(self):
        return self.community.settings

    def here(self) -> ChannelTarget:
        """Where this happened; if the bot may not post there, the person who asked is told instead."""
        return ChannelTarget(self.place.platform, self.place.workspace_id, self.place.channel_id,
                             self.place.thread_id, fallback=self.member.ref)

    def send_later(self, target: Target, reply: Reply, *, due_at: datetime | None = None,
                   key: str | None = None, if_absent: bool = False) -> None:
        """Queue a message in the outbox, in this transaction: it is sent once this commits."""
        self.uow.outbox.add(self.community.id, "message", message_payload(target, reply),
                            due_at=due_at or self.now, key=key, if_absent=if_absent)


def message_payload(target: Target, reply: Reply) -> dict:
    return {"target": target_json(target), "reply": reply.to_json()}


def target_json(target: Target) -> dict:
    if isinstance(target, ResponseTarget):
        return {"response": asdict(target)}
    if isinstance(target, MemberTarget):
        where: dict = {"member": str(target.member)}
        if target.fallback:
            where["fallback"] = _channel_json(target.fallback)
    else:
        where = {"channel": _channel_json(target)}
    return where


def _channel_json(target: ChannelTarget) -> dict:
    where = {"platform": target.platform, "workspace_id": target.workspace_id,
             "channel_id": target.channel_id, "thread_id": target.thread_id}
    if target.fallback:
        where["fallback"] = str(target.fallback)
    return where


def _channel_target(where: Mapping) -> ChannelTarget:
    fallback = MemberRef.parse(where["fallback"]) if where.get("fallback") else None
    return ChannelTarget(where["platform"], where["workspace_id"], where["channel_id"], where.get("thread_id"),
                         fallback)


def payload_target(payload: Mapping) -> Target:
    return json_target(payload["target"])


def json_target(where: Mapping) -> Target:
    if "response" in where:
        return ResponseTarget(**where["response"])
    if "member" in where:
        fallback = _channel_target(where["fallback"]) if where.get("fallback") else None
        return MemberTarget(MemberRef.parse(where["member"]), fallback)
    return _channel_target(where["channel"])


Plan = list[tuple[Target, Reply]]  # what an outbox row sends now (nothing: an empty list)


@dataclass(frozen=True)
class OutboxKind:
    """A kind of outbox row a feature plans ahead and decides when it is due.

    `decide(item, uow, now)` returns what to send now; `decide_many(items, uow, now) -> {item id: plan}`, if
    given, decides a batch of due rows at once (the dispatcher falls back to `decide` one by one if it fails)."""

    name: str
    decide: Callable[[Any, UnitOfWork, datetime], Awaitable[Plan]]
    decide_many: Callable[[Any, UnitOfWork, datetime], Awaitable[dict[int, Plan]]] | None = None
    # posted(item, [what each message of the plan became], uow, now): told once the row's plan is sent, in a unit
    # of work of its own (e.g. a question keeps the reference of its posted message, whose thread holds answers)
    posted: Callable[[Any, list[Posted | None], UnitOfWork, datetime], Awaitable[None]] | None = None


# erase step(uow, community_id, member_id, at): removes what this feature stores of one member
EraseStep = Callable[[UnitOfWork, int, int, datetime], Awaitable[None]]


async def erases_nothing(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    """The erase step of a feature that keeps no personal data beyond the member row (the core erases that)."""


# merge step(uow, community_id, from_member_id, into_member_id, at): moves what this feature stores of one member
# onto another (two linked identities of one person), without losing or double-counting any of it
MergeStep = Callable[[UnitOfWork, int, int, int, datetime], Awaitable[None]]


async def merges_nothing(uow: UnitOfWork, community_id: int, from_member_id: int, into_member_id: int,
                         at: datetime) -> None:
    """The merge step of a feature that stores nothing per member (the core merges the member rows)."""


# zone step(uow, community_id, zone, now): what a feature recomputes when its community's zone changes
ZoneStep = Callable[[UnitOfWork, int, str, datetime], Awaitable[None]]


async def change_zone(uow: UnitOfWork, community_id: int, zone: str, now: datetime,
                      features: Iterable[Feature]) -> None:
    """Set a community's zone and run every feature's zone step in the same unit of work (from /settings or
    from the config's seeds alike)."""
    await uow.communities.update(community_id, zone=zone)
    for feature in features:
        if feature.on_zone_changed is not None:
            await feature.on_zone_changed(uow, community_id, zone, now)


class _Undeclared:
    def __repr__(self) -> str:
        return "UNDECLARED"


UNDECLARED: Any = _Undeclared()  # a contract field the feature did not fill in (tests/core/test_feature_contract.py)


@dataclass(frozen=True)
class MessageActionSpec:
    """An action people run on one message (Slack's message shortcut, Discord's message context-menu command,
    the console's `:mark`): the core receives it as `MessageAction(action=name)`. `name` is lower-case words
    joined by "-" (e.g. "mark-solution"); `label` is what the platform's menu shows (Discord: at most 32
    characters; Slack: at most 24)."""

    name: str
    label: str


@dataclass(frozen=True)
class Feature:
    """What one feature module contributes to the core.

    Every feature states its settings section (`Settings` when it has none), its erase step (`erases_nothing`
    when it keeps nothing personal), its merge step (`merges_nothing` when it stores nothing per member) and
    its repositories: unit-of-work attribute -> Protocol, implemented in
    storage (storage/repositories/registry.py)."""

    name: str
    commands: tuple[CommandSpec, ...] = ()
    # platform event type -> handler(event, ctx) -> Reply | None
    on_event: Mapping[type, Callable[[Any, Context], Awaitable[Reply | None]]] = field(default_factory=dict)
    outbox_kinds: tuple[OutboxKind, ...] = ()
    schedules: tuple[Schedule, ...] = ()  # recurring, per community: bot/schedules.py
    settings: type[Settings] = UNDECLARED
    erase: EraseStep = UNDECLARED
    merge: MergeStep = UNDECLARED
    repositories: Mapping[str, type] = UNDECLARED
    message_actions: tuple[MessageActionSpec, ...] = ()  # handled in on_event[MessageAction]


    on_zone_changed: ZoneStep | None = None  # a feature that keeps anything by local day or week

    def every_outbox_kind(self) -> tuple[OutboxKind, ...]:
        return (*self.outbox_kinds, *(schedule.outbox_kind() for schedule in self.schedules))
