"""What the dispatcher leaves in the outbox table when sending fails: the rows themselves, read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import dispatch
from bot.context import OutboxKind
from bot.dispatch import MAX_ATTEMPTS, Dispatcher, OutboundRouter, backoff
from bot.identity import ChannelTarget, MemberRef, MemberTarget
from bot.ports import DeliveryRefused
from bot.reply import Reply
from storage.models import OutboxRow
from tests.core.test_dispatch import CHANNEL, RecordingOutbound, dispatcher, queue


@dataclass
class Row:
    id: int
    attempts: int
    due_at: datetime
    lease_until: datetime | None
    sent_at: datetime | None
    failed_at: datetime | None
    last_error: str | None


async def rows(app) -> list[Row]:
    async with AsyncSession(app.engine) as session:
        found = await session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [Row(r.id, r.attempts, r.due_at, r.lease_until, r.sent_at, r.failed_at, r.last_error) for r in found]


def naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def same_instant(stored: datetime | None, expected: datetime) -> bool:
    return stored is not None and naive(stored) == naive(expected)  # SQLite keeps no offset; both are UTC


class CountingOutbound(RecordingOutbound):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.tries = 0

    async def send(self, target, reply, *, key):
        self.tries += 1
        await super().send(target, reply, key=key)


async def test_a_message_that_keeps_failing_is_kept_and_marked_failed_after_max_attempts(app, clock):
    outbound = CountingOutbound(fail_times=10**6)
    await queue(app, CHANNEL, "doomed", due_at=clock.now())
    d = dispatcher(app, outbound, clock)
    for attempt in range(1, MAX_ATTEMPTS):
        await d.run_due()
        [row] = await rows(app)
        assert (row.attempts, row.failed_at, row.sent_at, row.lease_until) == (attempt, None, None, None)
        assert same_instant(row.due_at, clock.now() + backoff(attempt))  # retried later, not given up
        clock.advance(minutes=15)
    await d.run_due()
    for _ in range(3):  # later passes leave it alone
        clock.advance(hours=1)
        assert await d.run_due() == 0
    [row] = await rows(app)  # kept, not deleted
    assert row.attempts == MAX_ATTEMPTS and row.failed_at is not None and row.sent_at is None
    assert row.last_error == "ConnectionError: platform down"
    assert outbound.sent == [] and outbound.tries == MAX_ATTEMPTS
    async with app.core.uow_factory() as uow:
        assert await uow.outbox.pending() == 0 and await uow.outbox.next_due_at() is None


async def test_a_refused_dm_with_nowhere_to_fall_back_is_failed_at_once(app, clock):
    outbound = CountingOutbound(refuse_dms=True)
    await queue(app, MemberTarget(MemberRef("slack", "T1", "U1")), "closed DMs", due_at=clock.now())
    await dispatcher(app, outbound, clock).run_due()
    [row] = await rows(app)
    assert row.attempts == 1 and row.failed_at is not None and row.sent_at is None
    assert row.last_error == "DeliveryRefused: DMs closed"


async def test_a_failure_then_success_is_sent_once_and_its_error_cleared(app, clock):
    outbound = RecordingOutbound(fail_times=1)
    await queue(app, CHANNEL, "second time lucky", due_at=clock.now())
    d = dispatcher(app, outbound, clock)
    await d.run_due()
    [row] = await rows(app)
    assert row.last_error == "ConnectionError: platform down" and row.sent_at is None
    clock.advance(seconds=1)
    assert await d.run_due() == 0  # backoff: not before 2 s
    clock.advance(seconds=1)
    assert await d.run_due() == 1
    [row] = await rows(app)
    assert same_instant(row.sent_at, clock.now()) and row.last_error is None and row.lease_until is None
    assert row.failed_at is None and [text for _, text, _ in outbound.sent] == ["second time lucky"]


def test_backoff_doubles_per_attempt_up_to_ten_minutes():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 9, 10, 30)] == [2, 4, 8, 512, 600, 600]


async def test_a_row_of_an_unknown_kind_is_retried_with_the_reason_recorded(app, clock):
    async with app.core.uow_factory() as uow:
        uow.outbox.add(None, "no_such_kind", {}, due_at=clock.now())
        await uow.commit()
    outbound = RecordingOutbound()
    await dispatcher(app, outbound, clock).run_due()
    [row] = await rows(app)
    assert row.last_error == "LookupError: no handler for outbox kind 'no_such_kind'"
    assert row.failed_at is None and row.sent_at is None and outbound.sent == []


async def test_one_bad_row_of_a_batched_kind_never_holds_back_the_others(app, clock, caplog):
    """A kind's `decide_many` fails for the whole batch: its rows are decided one by one; only the bad one is retried."""

    async def decide(item, uow, now):
        if item.payload["n"] == 2:
            raise ValueError("bad row")
        return [(CHANNEL, Reply.public(f"row {item.payload['n']}"))]

    async def decide_many(items, uow, now):
        raise RuntimeError("the batch query failed")

    async with app.core.uow_factory() as uow:
        for n in (1, 2, 3):
            uow.outbox.add(None, "batched", {"n": n}, due_at=clock.now())
        await uow.commit()
    outbound = RecordingOutbound()
    d = dispatcher(app, outbound, clock)
    d.kinds["batched"] = OutboxKind("batched", decide, decide_many)
    await d.run_due()
    assert sorted(text for _, text, _ in outbound.sent) == ["row 1", "row 3"]
    one, two, three = await rows(app)
    assert one.sent_at is not None and three.sent_at is not None
    assert two.sent_at is None and two.last_error == "ValueError: bad row" and two.failed_at is None
    assert [key for _, _, key in outbound.sent] == ["outbox-1-0", "outbox-3-0"]
    [fallback] = [r for r in caplog.records if "at once" in r.getMessage()]
    assert fallback.getMessage() == "deciding 3 batched rows at once failed; deciding them one by one"
    assert fallback.levelname == "WARNING" and fallback.exc_info[0] is RuntimeError


async def test_a_batched_kind_decides_its_due_rows_in_one_call(app, clock):
    calls = []

    async def decide(item, uow, now):
        raise AssertionError("a kind with `decide_many` is decided one by one only when it fails")

    async def decide_many(items, uow, now):
        calls.append(([i.payload["n"] for i in items], now, await uow.outbox.pending()))
        return {i.id: [(CHANNEL, Reply.public(f"row {i.payload['n']}"))] for i in items}

    async with app.core.uow_factory() as uow:
        for n in (1, 2):
            uow.outbox.add(None, "batched", {"n": n}, due_at=clock.now())
        await uow.commit()
    outbound = RecordingOutbound()
    d = dispatcher(app, outbound, clock)
    d.kinds["batched"] = OutboxKind("batched", decide, decide_many)
    await d.run_due()
    assert calls == [([1, 2], clock.now(), 2)]
    assert [text for _, text, _ in outbound.sent] == ["row 1", "row 2"]


async def test_each_failure_is_logged_and_giving_up_is_an_error(app, clock, caplog):
    await queue(app, CHANNEL, "doomed", due_at=clock.now())
    d = dispatcher(app, RecordingOutbound(fail_times=10**6), clock)
    for _ in range(MAX_ATTEMPTS):
        await d.run_due()
        clock.advance(minutes=15)
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "copbot.dispatch"]
    assert logged[0] == ("WARNING", "outbox 1 (message) attempt 1 failed: ConnectionError")
    assert logged[-1] == ("ERROR", f"outbox 1 (message) attempt {MAX_ATTEMPTS} failed: ConnectionError - giving up")
    assert len(logged) == MAX_ATTEMPTS


async def test_a_long_error_is_kept_to_500_characters(app, clock):
    class Verbose(RecordingOutbound):
        async def send(self, target, reply, *, key):
            raise ConnectionError("x" * 1000)

    await queue(app, CHANNEL, "hello", due_at=clock.now())
    await dispatcher(app, Verbose(), clock).run_due()
    [row] = await rows(app)
    assert row.last_error == ("ConnectionError: " + "x" * 1000)[:500]


async def test_rows_are_marked_sent_as_the_batch_goes_so_a_crash_repeats_only_those_in_flight(
        app, clock, monkeypatch):
    monkeypatch.setattr(dispatch, "time", StopWatch(clock))
    seen_unsent: list[int] = []

    class Slow(RecordingOutbound):
        async def send(self, target, reply, *, key):
            seen_unsent.append(sum(r.sent_at is None for r in await rows(app)))
            clock.advance(seconds=0.3)
            await super().send(target, reply, key=key)

    for n in range(4):
        await queue(app, CHANNEL, f"m{n}", due_at=clock.now())
    await dispatcher(app, Slow(), clock).run_due()
    # Marked after the 2nd send (0.6 s > MARK_EVERY) and at the end of the batch.
    assert seen_unsent == [4, 4, 2, 2]
    assert all(r.sent_at is not None for r in await rows(app))


class StopWatch:
    """Stands in for the `time` module inside bot.dispatch: its monotonic() follows the test's clock."""

    def __init__(self, clock):
        self.clock = clock

    def monotonic(self) -> float:
        return self.clock.now().timestamp()


async def test_a_slow_batch_keeps_its_lease_so_another_process_never_resends_it(app, clock, monkeypatch):
    """Six sends of 0.3 s each outlast a 1 s lease; another process polls between every two sends."""
    monkeypatch.setattr(dispatch, "time", StopWatch(clock))
    sent: list[str] = []
    other = Dispatcher(app.core.uow_factory, Recorder(sent), clock, lease_seconds=1)

    class RateLimited(Recorder):
        async def send(self, target, reply, *, key):
            clock.advance(seconds=0.3)
            await other.run_due()
            await super().send(target, reply, key=key)

    for n in range(6):
        await queue(app, CHANNEL, f"r{n}", due_at=clock.now())
    await Dispatcher(app.core.uow_factory, RateLimited(sent), clock, lease_seconds=1).run_due()
    assert sorted(sent) == [f"r{n}" for n in range(6)]


class Recorder:
    def __init__(self, sent: list[str]):
        self.sent = sent

    async def send(self, target, reply, *, key):
        self.sent.append(reply.text)


async def test_the_router_sends_through_the_targets_platform_and_refuses_an_unknown_one():
    slack, discord = RecordingOutbound(), RecordingOutbound()
    router = OutboundRouter()
    router.add("slack", slack)
    router.add("discord", discord)
    dm = MemberTarget(MemberRef("discord", "G1", "42"))
    await router.send(CHANNEL, Reply.public("to slack"), key="k1")
    await router.send(dm, Reply.public("to discord"), key="k2")
    assert slack.sent == [(CHANNEL, "to slack", "k1")] and discord.sent == [(dm, "to discord", "k2")]
    with pytest.raises(LookupError, match="'teams'"):
        await router.send(ChannelTarget("teams", "W", "C"), Reply.public("nowhere"), key="k3")


async def test_a_fallback_send_uses_its_own_key(app, clock):
    outbound = RecordingOutbound(refuse_dms=True)
    await queue(app, MemberTarget(MemberRef("slack", "T1", "U1"), fallback=CHANNEL), "hi", due_at=clock.now())
    await dispatcher(app, outbound, clock).run_due()
    assert [key for _, _, key in outbound.sent] == ["outbox-1-fallback"]
    [row] = await rows(app)
    assert row.sent_at is not None


async def test_a_refused_fallback_is_failed_not_retried(app, clock):
    class Nowhere(RecordingOutbound):
        async def send(self, target, reply, *, key):
            raise DeliveryRefused("nowhere to post")

    giver = MemberRef("slack", "T1", "U1")
    await queue(app, ChannelTarget("slack", "T1", "CPRIVATE", fallback=giver), "kudos", due_at=clock.now())
    await dispatcher(app, Nowhere(), clock).run_due()
    [row] = await rows(app)
    assert row.failed_at is not None and row.attempts == 1 and row.sent_at is None


async def test_the_dispatcher_waits_for_its_own_lease_before_a_row_is_due_again(app, clock):
    """A claimed row not yet settled is not claimed twice: a second pass at the same instant finds nothing."""
    await queue(app, CHANNEL, "once", due_at=clock.now())
    async with app.core.uow_factory() as uow:
        [claimed] = await uow.outbox.claim_due(clock.now(), lease_seconds=60, limit=10)
        await uow.commit()
    outbound = RecordingOutbound()
    d = dispatcher(app, outbound, clock)
    assert await d.run_due() == 0
    clock.advance(seconds=61)
    assert await d.run_due() == 1 and [text for _, text, _ in outbound.sent] == ["once"]
    [row] = await rows(app)
    assert row.attempts == 2 and claimed.attempts == 1

