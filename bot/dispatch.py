"""Delivers the outbox: claims due rows with a lease, sends them, marks them sent.

A crash between claim and send leaves the row leased; once the lease runs out another pass
(or another process) takes it again, so nothing acknowledged is lost. A duplicate is possible
only for a message in flight at the instant of a crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.context import Feature, payload_target
from bot.domain import OutboxItem
from bot.identity import MemberTarget
from bot.ports import DeliveryRefused, Outbound, UnitOfWork
from bot.reply import Reply

log = logging.getLogger("copbot.dispatch")

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, 600))


class Dispatcher:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], outbound: Outbound, clock: Clock,
                 features: Iterable[Feature] = (), lease_seconds: float = 60, batch: int = 200):
        self.uow_factory = uow_factory
        self.outbound = outbound
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.kinds = {"message": self._message}
        for feature in features:
            self.kinds.update(feature.outbox_kinds)
        self._lock = asyncio.Lock()

    async def run_due(self) -> int:
        """Send everything due now; returns how many rows were settled. One pass at a time per process."""
        async with self._lock:
            settled = 0
            while True:
                async with self.uow_factory() as uow:
                    items = await uow.outbox.claim_due(self.clock.now(), self.lease_seconds, self.batch)
                    await uow.commit()
                if not items:
                    return settled
                for item in items:
                    await self._deliver(item)
                settled += len(items)

    async def next_due_at(self) -> datetime | None:
        async with self.uow_factory() as uow:
            return await uow.outbox.next_due_at()

    async def _deliver(self, item: OutboxItem) -> None:
        handler = self.kinds.get(item.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for outbox kind {item.kind!r}")
            if item.kind == "message":
                await self._message(item)
            else:
                async with self.uow_factory() as uow:
                    messages = await handler(item, uow, self.clock.now())
                    await uow.commit()
                for n, (target, reply) in enumerate(messages):
                    await self._send(target, reply, key=f"outbox-{item.id}-{n}")
        except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
            give_up = item.attempts >= MAX_ATTEMPTS
            log.log(logging.ERROR if give_up else logging.WARNING,
                    "outbox %s (%s) attempt %s failed: %s%s", item.id, item.kind, item.attempts,
                    type(error).__name__, " - giving up" if give_up else "")
            async with self.uow_factory() as uow:
                await uow.outbox.retry_later(item.id, f"{type(error).__name__}: {error}"[:500],
                                             self.clock.now() + backoff(item.attempts), give_up=give_up)
                await uow.commit()
            return
        async with self.uow_factory() as uow:
            await uow.outbox.mark_sent(item.id, self.clock.now())
            await uow.commit()

    async def _message(self, item: OutboxItem) -> list:
        await self._send(payload_target(item.payload), Reply.from_json(item.payload["reply"]),
                         key=f"outbox-{item.id}")
        return []

    async def _send(self, target, reply: Reply, *, key: str) -> None:
        try:
            await self.outbound.send(target, reply, key=key)
        except DeliveryRefused:
            if isinstance(target, MemberTarget) and target.fallback:
                log.info("direct message refused; posting in the fallback channel instead")
                await self.outbound.send(target.fallback, reply, key=f"{key}-fallback")
            else:
                raise


class OutboundRouter:
    """One Outbound for the core, sending through whichever platform a target lives on."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Outbound] = {}

    def add(self, platform: str, outbound: Outbound) -> None:
        self._by_platform[platform] = outbound

    async def send(self, target, reply: Reply, *, key: str) -> None:
        platform = target.member.platform if isinstance(target, MemberTarget) else target.platform
        outbound = self._by_platform.get(platform)
        if outbound is None:
            raise LookupError(f"no adapter is running for platform {platform!r}")
        await outbound.send(target, reply, key=key)
