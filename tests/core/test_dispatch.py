"""The outbox dispatcher: durable, retried, falling back when a DM is refused."""

from __future__ import annotations

from datetime import timedelta

from bot.context import message_payload
from bot.dispatch import Dispatcher
from bot.identity import ChannelTarget, MemberRef, MemberTarget
from bot.ports import DeliveryRefused
from bot.reply import Reply


class RecordingOutbound:
    def __init__(self, fail_times: int = 0, refuse_dms: bool = False):
        self.sent: list[tuple[object, str, str]] = []
        self.fail_times = fail_times
        self.refuse_dms = refuse_dms

    async def send(self, target, reply, *, key):
        if self.refuse_dms and isinstance(target, MemberTarget):
            raise DeliveryRefused("DMs closed")
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("platform down")
        self.sent.append((target, reply.text, key))


CHANNEL = ChannelTarget("slack", "T1", "C1")


async def queue(app, target, text, **kw):
    async with app.core.uow_factory() as uow:
        uow.outbox.add(None, "message", message_payload(target, Reply.public(text)), **kw)
        await uow.commit()


def dispatcher(app, outbound, clock):
    return Dispatcher(app.core.uow_factory, outbound, clock)


async def test_a_queued_message_is_sent_once(app, clock):
    outbound = RecordingOutbound()
    await queue(app, CHANNEL, "hello", due_at=clock.now())
    d = dispatcher(app, outbound, clock)
    assert await d.run_due() == 1
    assert await d.run_due() == 0
    assert [(t, text) for t, text, _ in outbound.sent] == [(CHANNEL, "hello")]


async def test_a_message_due_later_waits_for_its_time(app, clock):
    outbound = RecordingOutbound()
    await queue(app, CHANNEL, "later", due_at=clock.now() + timedelta(hours=1))
    d = dispatcher(app, outbound, clock)
    assert await d.run_due() == 0 and await d.next_due_at() == clock.now() + timedelta(hours=1)
    clock.advance(hours=1)
    assert await d.run_due() == 1 and outbound.sent


async def test_a_failed_send_is_retried_with_backoff_and_never_dropped(app, clock):
    outbound = RecordingOutbound(fail_times=2)
    await queue(app, CHANNEL, "persistent", due_at=clock.now())
    d = dispatcher(app, outbound, clock)
    await d.run_due()
    assert outbound.sent == []
    clock.advance(seconds=2)
    await d.run_due()
    assert outbound.sent == []
    clock.advance(seconds=4)
    await d.run_due()
    assert [text for _, text, _ in outbound.sent] == ["persistent"]


async def test_a_refused_dm_falls_back_to_the_channel(app, clock):
    outbound = RecordingOutbound(refuse_dms=True)
    target = MemberTarget(MemberRef("slack", "T1", "U1"), fallback=CHANNEL)
    await queue(app, target, "welcome!", due_at=clock.now())
    await dispatcher(app, outbound, clock).run_due()
    assert [(t, text) for t, text, _ in outbound.sent] == [(CHANNEL, "welcome!")]


async def test_the_key_is_stable_across_retries(app, clock):
    outbound = RecordingOutbound(fail_times=1)
    await queue(app, CHANNEL, "x", due_at=clock.now())
    d = dispatcher(app, outbound, clock)
    await d.run_due()
    clock.advance(seconds=5)
    await d.run_due()
    outbound.fail_times = 0
    assert len(outbound.sent) == 1 and outbound.sent[0][2] == "outbox-1"


async def test_the_next_wake_up_waits_for_a_lease_held_elsewhere(app, clock):
    await queue(app, CHANNEL, "in flight elsewhere", due_at=clock.now())
    async with app.core.uow_factory() as uow:
        await uow.outbox.claim_due(clock.now(), lease_seconds=60, limit=10)  # another process holds it
        await uow.commit()
    d = dispatcher(app, RecordingOutbound(), clock)
    assert await d.next_due_at() == clock.now() + timedelta(seconds=60)


async def test_a_channel_the_bot_may_not_post_in_falls_back_to_the_person(app, clock):
    class NoChannels(RecordingOutbound):
        async def send(self, target, reply, *, key):
            if isinstance(target, ChannelTarget):
                raise DeliveryRefused("not_in_channel")
            await super().send(target, reply, key=key)

    outbound = NoChannels()
    giver = MemberRef("slack", "T1", "U1")
    await queue(app, ChannelTarget("slack", "T1", "CPRIVATE", fallback=giver), "alice gave kudos to bob",
                due_at=clock.now())
    await dispatcher(app, outbound, clock).run_due()
    assert [(t, text) for t, text, _ in outbound.sent] == [(MemberTarget(giver), "alice gave kudos to bob")]
