"""What the core needs from the outside world, as protocols the adapters and the store implement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain import Community, Member, OutboxItem
from bot.identity import MemberRef, Person, Posted, Role, Target
from bot.reply import Reply
from bot.settings import Settings


class DeliveryRefused(Exception):
    """The platform will never accept this message for this target (closed DMs, a deleted channel)."""


class RateLimited(Exception):
    """The platform asks us to wait `retry_after` seconds before posting there again (HTTP 429).

    Outbound adapters raise it instead of sleeping through a long wait, so the dispatcher can give the
    message back to the outbox for later and keep delivering everything else."""

    def __init__(self, retry_after: float, detail: str = ""):
        self.retry_after = retry_after
        super().__init__(f"retry after {retry_after:.0f} s" + (f" ({detail})" if detail else ""))


class Outbound(Protocol):
    """How the core sends a message to a channel or a member on any platform.

    `key` is stable across retries of the same message, so a platform that can deduplicate
    (Discord's nonce) shows a resend after a crash only once.
    """

    async def send(self, target: Target, reply: Reply, *, key: str) -> Posted | None:
        """What was posted (its first message), or None where there is nothing to refer to (an ephemeral)."""
    async def edit(self, posted: Posted, reply: Reply) -> None:
        """Replace a message the bot posted with this reply."""


class CommunityRepo(Protocol):
    async def by_binding(self, platform: str, workspace_id: str) -> Community | None: ...
    async def with_members(self, platform: str, workspace_id: str,
                           refs: Sequence[MemberRef]) -> tuple[Community, dict[MemberRef, Member]] | None: ...
    async def by_name(self, name: str) -> Community | None: ...
    async def get(self, community_id: int) -> Community: ...
    async def create(self, name: str, zone: str, settings: Settings) -> Community: ...
    async def bind(self, community_id: int, platform: str, workspace_id: str) -> None: ...
    async def bindings(self, community_id: int) -> list[tuple[str, str]]: ...
    async def bound_on(self, platform: str) -> list[tuple[int, str]]: ...
    async def update(self, community_id: int, *, zone: str | None = None,
                     settings: Settings | None = None) -> Community: ...
    async def all(self) -> list[Community]: ...


class MemberRepo(Protocol):
    async def find(self, community_id: int, ref: MemberRef) -> Member | None: ...
    async def get(self, community_id: int, member_id: int) -> Member: ...
    async def by_name(self, community_id: int, platform: str, name: str) -> list[Member]: ...
    async def count(self, community_id: int) -> int: ...
    async def upsert(self, community_id: int, person: Person, *, now: datetime,
                     granted_role: Role | None = None) -> Member: ...
    async def update(self, community_id: int, member_id: int, **fields: Any) -> Member: ...
    async def lock(self, community_id: int, member_id: int) -> None: ...
    async def erase(self, community_id: int, member_id: int, *, at: datetime) -> None: ...
    async def many(self, community_id: int, member_ids: Sequence[int]) -> dict[int, Member]: ...
    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, *, at: datetime) -> None:
        """Link `from`'s identity (and those linked into it) into `into`, after every feature's merge step moved
        its rows: `into` keeps the highest granted role, the earliest join; `from` is an identity of `into`."""
    async def acted_through(self, community_id: int, member: Member) -> Member:
        """The person acted through `member.ref` (which was not `dm_here`): their direct messages go there now."""
    async def reached(self, community_id: int, members: Sequence[Member]) -> list[Member]:
        """Each member seen through the identity their direct messages go to (the one they last acted through)."""
    async def identities(self, community_id: int, member_id: int) -> list[Member]:
        """The other identities linked into this member (each as its own row: ref, name, platform role)."""
    async def unlink(self, community_id: int, member_id: int) -> list[Member]:
        """Separate the identities linked into this member: each becomes a member of its own, without history.
        Returns them."""


class TagRepo(Protocol):
    async def ensure(self, community_id: int, names: Sequence[str]) -> dict[str, int]: ...
    async def find(self, community_id: int, name: str) -> int | None: ...
    async def names(self, community_id: int) -> list[str]: ...


class OutboxRepo(Protocol):
    """Rows are leased to one dispatcher (`owner`, a token of its own) at a time: only the lease's holder
    renews it, retries or releases the row, so a dispatcher whose lease ran out can't take it back."""

    def add(self, community_id: int | None, kind: str, payload: dict, *, due_at: datetime,
            key: str | None = None, if_absent: bool = False) -> None:
        """Plan a row, written with this transaction. A `key` is unique: a second row with it fails the commit,
        unless `if_absent`, which keeps the row already there (planning twice is harmless)."""
    async def claim_due(self, now: datetime, lease_seconds: float, limit: int, *,
                        owner: str = "unnamed") -> list[OutboxItem]: ...
    async def extend_lease(self, item_ids: list[int], until: datetime, *, owner: str) -> set[int]:
        """Renew the rows `owner` still holds; returns their ids (the others were taken over)."""
    async def mark_sent_many(self, item_ids: list[int], at: datetime) -> None: ...
    async def retry_later(self, item_id: int, error: str, due_at: datetime, *, give_up: bool,
                          owner: str) -> None: ...
    async def release(self, item_id: int, due_at: datetime, note: str, *, owner: str) -> None:
        """Give a leased row back, due again at `due_at`, without counting the attempt (a rate limit)."""
    async def next_due_at(self) -> datetime | None: ...
    async def pending(self) -> int: ...
    async def due_backlog(self, now: datetime) -> tuple[int, datetime | None]:
        """Unsent rows due by `now`, and the earliest due time among them (read only, for metrics)."""
    async def prune_sent(self, sent_before: datetime, limit: int) -> int:
        """Delete up to `limit` rows sent before `sent_before`; returns how many went."""


class EventLog(Protocol):
    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        """Record a platform event id; False if it was already processed (a retry)."""
    async def prune(self, received_before: datetime, limit: int) -> int:
        """Forget up to `limit` event ids received before `received_before`; returns how many went."""


class AuditLog(Protocol):
    def record(self, community_id: int, actor_id: int | None, action: str, detail: dict,
               at: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` opens it; leaving without commit() rolls back.

    Besides the core's repositories below, it holds one attribute per repository a feature declares
    (`Feature.repositories`, e.g. `uow.kudos`), built by the store from its registry."""

    communities: CommunityRepo
    members: MemberRepo
    tags: TagRepo
    outbox: OutboxRepo
    events: EventLog
    audit: AuditLog

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    def __getattr__(self, repository: str) -> Any: ...
