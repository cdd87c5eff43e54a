"""Delivers the outbox: claims due rows with a lease, sends them, marks them sent.

A crash between claim and send leaves the row leased; once the lease runs out another pass
(or another process) takes it again, so nothing acknowledged is lost. A duplicate is possible
only for a message in flight at the instant of a crash.

Each dispatcher holds its leases under a token of its own: a dispatcher that was too slow and
whose rows were taken over can't renew them back, and leaves them to the new holder.

A platform that says "wait" (RateLimited, HTTP 429) gets the row back into the outbox, due
after the wait, without counting a failed attempt; the rest of the batch keeps going, except
the rows for that same channel or person, which wait with it."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.context import Feature, OutboxKind, payload_target
from bot.delivery import deliver
from bot.domain import OutboxItem
from bot.identity import ChannelTarget, MemberTarget, Posted, ResponseTarget, Target
from bot.observe import NoObserver, Observer
from bot.ports import DeliveryRefused, Outbound, RateLimited, UnitOfWork
from bot.reply import Reply

log = logging.getLogger("copbot.dispatch")

MAX_ATTEMPTS = 8
MARK_EVERY = 0.5  # seconds: how long sent rows may wait to be marked sent


MIN_RATE_LIMIT_WAIT = 1.0  # seconds: a "retry after 0" must not make a pass spin on one row


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, 600))


def rate_limit_scope(target: Target) -> tuple[str, ...]:
    """What one 429 holds back: posts to that channel, or messages to that person (platform limits are
    per channel: Slack's chat.postMessage, Discord's per-channel buckets)."""
    if isinstance(target, ChannelTarget):
        return (target.platform, target.workspace_id, target.channel_id)
    if isinstance(target, MemberTarget):
        return (target.member.platform, target.member.workspace_id, "@" + target.member.user_id)
    if isinstance(target, ResponseTarget):
        return (target.platform, target.workspace_id, "response:" + target.handle)
    return ("?", repr(target))


class Dispatcher:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], outbound: Outbound, clock: Clock,
                 features: Iterable[Feature] = (), lease_seconds: float = 60, batch: int = 200,
                 observer: Observer | None = None):
        self.uow_factory = uow_factory
        self.observer = observer or NoObserver()
        self.outbound = outbound
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.batch = batch
        # "message" rows are sent as queued; other kinds decide when due
        self.kinds: dict[str, OutboxKind] = {kind.name: kind for f in features for kind in f.every_outbox_kind()}
        self._lock = asyncio.Lock()
        self.owner = uuid.uuid4().hex  # this dispatcher's name on the leases it holds
        self._waiting: dict[tuple[str, ...], datetime] = {}  # rate-limited scope -> when it may post again

    async def run_due(self) -> int:
        """Send everything due now; returns how many rows were settled. One pass at a time per process."""
        async with self._lock:
            settled = 0
            while True:
                async with self.uow_factory() as uow:
                    items = await uow.outbox.claim_due(self.clock.now(), self.lease_seconds, self.batch,
                                                       owner=self.owner)
                    await uow.commit()
                if not items:
                    return settled
                await self._deliver_batch(items)
                settled += len(items)

    async def next_due_at(self) -> datetime | None:
        async with self.uow_factory() as uow:
            return await uow.outbox.next_due_at()

    async def _deliver_batch(self, items: list[OutboxItem]) -> None:
        """Decide what each claimed row sends, send it, then mark the rows sent a few at a time.

        Rows sent are marked at least every MARK_EVERY seconds and at the end of the batch (a few
        transactions per batch instead of two per row); a crash in between can only repeat the rows
        sent since the last mark, i.e. the messages in flight."""
        renewed_at = self.clock.now()
        plans = await self._plan(items)
        sent: list[int] = []
        lost: set[int] = set()
        marked_at = time.monotonic()
        for n, item in enumerate(items):
            if (self.clock.now() - renewed_at).total_seconds() > self.lease_seconds / 3:
                # A slow batch keeps its rows leased; rows whose lease ran out and were taken by
                # another dispatcher are left to it (sending them too would send them twice).
                remaining = {i.id for i in items[n:]}
                lost |= remaining - await self._extend_lease(sorted(remaining))
                renewed_at = self.clock.now()
            if item.id in lost:
                log.warning("outbox %s was taken over by another dispatcher; leaving it to it", item.id)
                continue
            plan = plans[item.id]
            if isinstance(plan, Exception):
                await self._retry(item, plan)
                continue
            if await self._wait_if_rate_limited(item, plan):
                continue
            scope = None
            posted: list[Posted | None] = []
            try:
                for target, reply, key in plan:
                    scope = rate_limit_scope(target)
                    posted.append(await self._send(target, reply, key=key))
            except RateLimited as limit:
                self._waiting[scope] = self.clock.now() + timedelta(
                    seconds=max(limit.retry_after, MIN_RATE_LIMIT_WAIT))
                await self._wait_if_rate_limited(item, plan)
                continue
            except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
                await self._retry(item, error)
                continue
            sent.append(item.id)
            await self._tell_posted(item, posted)
            self.observer.delivered(item.kind, (self.clock.now() - item.due_at).total_seconds())
            if time.monotonic() - marked_at > MARK_EVERY:
                await self._mark_sent(sent)
                sent, marked_at = [], time.monotonic()
        await self._mark_sent(sent)

    async def _wait_if_rate_limited(self, item: OutboxItem, plan: list) -> bool:
        """Give the row back, due when its channel may be posted to again, if any of its targets waits."""
        now = self.clock.now()
        self._waiting = {scope: until for scope, until in self._waiting.items() if until > now}
        until = max((self._waiting.get(rate_limit_scope(target), now) for target, _, _ in plan), default=now)
        if until <= now:
            return False
        log.info("outbox %s (%s): rate limited, due again in %.0f s", item.id, item.kind,
                 (until - now).total_seconds())
        async with self.uow_factory() as uow:
            await uow.outbox.release(item.id, until, f"RateLimited: due again at {until.isoformat()}",
                                     owner=self.owner)
            await uow.commit()
        return True

    async def _plan(self, items: list[OutboxItem]) -> dict[int, list | Exception]:
        """What each row sends. A feature kind decides when its row is due, each row in its own unit
        of work; a kind with `decide_many(items, uow, now) -> {item_id: messages}` decides a
        whole batch in one (if that fails, its rows are decided one by one, so one bad row never
        holds back the others)."""
        plans: dict[int, list | Exception] = {}
        by_kind: dict[str, list[OutboxItem]] = {}
        for item in items:
            if item.kind == "message":
                plans[item.id] = [(payload_target(item.payload), Reply.from_json(item.payload["reply"]),
                                   f"outbox-{item.id}")]
            elif item.kind not in self.kinds:
                plans[item.id] = LookupError(f"no handler for outbox kind {item.kind!r}")
            else:
                by_kind.setdefault(item.kind, []).append(item)
        for kind, group in by_kind.items():
            decided = await self._decide_many(kind, group) if self.kinds[kind].decide_many else {}
            for item in group:
                outcome = decided[item.id] if item.id in decided else await self._decide(item)
                plans[item.id] = outcome if isinstance(outcome, Exception) else [
                    (target, reply, f"outbox-{item.id}-{n}") for n, (target, reply) in enumerate(outcome)]
        return plans

    async def _decide_many(self, kind: str, group: list[OutboxItem]) -> dict:
        try:
            async with self.uow_factory() as uow:
                decided = await self.kinds[kind].decide_many(group, uow, self.clock.now())
                await uow.commit()
            return decided
        except Exception:  # noqa: BLE001 - decided one by one instead
            log.warning("deciding %s %s rows at once failed; deciding them one by one", len(group), kind,
                        exc_info=True)
            return {}

    async def _decide(self, item: OutboxItem) -> list | Exception:
        try:
            async with self.uow_factory() as uow:
                messages = await self.kinds[item.kind].decide(item, uow, self.clock.now())
                await uow.commit()
            return messages
        except Exception as error:  # noqa: BLE001 - recorded and retried
            return error

    async def _tell_posted(self, item: OutboxItem, posted: list[Posted | None]) -> None:
        kind = self.kinds.get(item.kind)
        if kind is None or kind.posted is None:
            return
        try:
            async with self.uow_factory() as uow:
                await kind.posted(item, posted, uow, self.clock.now())
                await uow.commit()
        except Exception:  # the message is out: it is not sent again for this
            self.observer.error("outbox")
            log.exception("outbox %s (%s): recording what was posted failed", item.id, item.kind)

    async def _extend_lease(self, item_ids: list[int]) -> set[int]:
        async with self.uow_factory() as uow:
            held = await uow.outbox.extend_lease(item_ids, self.clock.now() + timedelta(seconds=self.lease_seconds),
                                                 owner=self.owner)
            await uow.commit()
        return held

    async def _mark_sent(self, item_ids: list[int]) -> None:
        if item_ids:
            async with self.uow_factory() as uow:
                await uow.outbox.mark_sent_many(item_ids, self.clock.now())
                await uow.commit()

    async def _retry(self, item: OutboxItem, error: Exception) -> None:
        # DeliveryRefused (closed DMs with no fallback channel) will never succeed: give up at once.
        give_up = item.attempts >= MAX_ATTEMPTS or isinstance(error, DeliveryRefused)
        self.observer.error("outbox")
        log.log(logging.ERROR if give_up else logging.WARNING,
                "outbox %s (%s) attempt %s failed: %s%s", item.id, item.kind, item.attempts,
                type(error).__name__, " - giving up" if give_up else "")
        async with self.uow_factory() as uow:
            await uow.outbox.retry_later(item.id, f"{type(error).__name__}: {error}"[:500],
                                         self.clock.now() + backoff(item.attempts), give_up=give_up,
                                         owner=self.owner)
            await uow.commit()

    async def _send(self, target, reply: Reply, *, key: str) -> Posted | None:
        return await deliver(self.outbound, target, reply, key=key)


class OutboundRouter:
    """One Outbound for the core, sending through whichever platform a target lives on."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Outbound] = {}

    def add(self, platform: str, outbound: Outbound) -> None:
        self._by_platform[platform] = outbound

    async def send(self, target, reply: Reply, *, key: str) -> Posted | None:
        platform = target.member.platform if isinstance(target, MemberTarget) else target.platform
        return await self._on(platform).send(target, reply, key=key)

    async def edit(self, posted: Posted, reply: Reply) -> None:
        await self._on(posted.platform).edit(posted, reply)

    def _on(self, platform: str) -> Outbound:
        outbound = self._by_platform.get(platform)
        if outbound is None:
            raise LookupError(f"no adapter is running for platform {platform!r}")
        return outbound
