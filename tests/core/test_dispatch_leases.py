"""A dispatcher whose lease ran out and was taken over leaves those rows to the new holder (issue 10, defect 2)."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import message_payload
from bot.dispatch import Dispatcher
from bot.identity import ChannelTarget
from bot.ports import RateLimited
from bot.reply import Reply
from storage.models import OutboxRow

CHANNEL = ChannelTarget("slack", "T1", "C1")


class Recorder:
    def __init__(self, during_first_send=None):
        self.sent: list[str] = []
        self.during_first_send = during_first_send

    async def send(self, target, reply, *, key):
        if self.during_first_send is not None:
            hook, self.during_first_send = self.during_first_send, None
            await hook()
        self.sent.append(reply.text)


async def queue(app, *texts: str) -> None:
    async with app.core.uow_factory() as uow:
        for text in texts:
            uow.outbox.add(None, "message", message_payload(CHANNEL, Reply.public(text)), due_at=app.core.clock.now())
        await uow.commit()


async def test_rows_taken_over_by_another_dispatcher_are_not_sent_again(app, clock):
    await queue(app, "one", "two", "three")
    taken: list[int] = []

    async def stall_past_the_lease_while_another_process_claims():
        clock.advance(seconds=61)
        async with app.core.uow_factory() as uow:
            taken.extend(i.id for i in await uow.outbox.claim_due(clock.now(), 60, 10, owner="other"))
            await uow.commit()

    outbound = Recorder(during_first_send=stall_past_the_lease_while_another_process_claims)
    await Dispatcher(app.core.uow_factory, outbound, clock, lease_seconds=60).run_due()

    assert outbound.sent == ["one"]  # in flight when the lease ran out; "two" and "three" are the other's now
    async with app.core.uow_factory() as uow:
        owners = (await uow.session.execute(
            select(OutboxRow.id, OutboxRow.lease_owner, OutboxRow.sent_at.is_not(None)).order_by(OutboxRow.id))).all()
    assert [(owner, sent) for _, owner, sent in owners] == [(None, True), ("other", False), ("other", False)]
    assert len(taken) == 3


async def test_a_rate_limited_row_is_given_back_and_the_rest_of_its_channel_waits_with_it(app, clock):
    class LimitedOnceInC1(Recorder):
        tried: list[str] = []

        async def send(self, target, reply, *, key):
            self.tried.append(reply.text)
            if self.tried == ["c1 first"]:
                raise RateLimited(30)
            await super().send(target, reply, key=key)

    await queue(app, "c1 first", "c1 second")
    async with app.core.uow_factory() as uow:
        uow.outbox.add(None, "message", message_payload(ChannelTarget("slack", "T1", "C2"), Reply.public("c2")),
                       due_at=clock.now())
        await uow.commit()
    outbound = LimitedOnceInC1()
    dispatcher = Dispatcher(app.core.uow_factory, outbound, clock)
    await dispatcher.run_due()
    assert outbound.tried == ["c1 first", "c2"]  # "c1 second" waits without a try; C2 does not wait
    clock.advance(seconds=29)
    await dispatcher.run_due()
    assert outbound.sent == ["c2"]
    clock.advance(seconds=1)
    await dispatcher.run_due()
    assert outbound.sent == ["c2", "c1 first", "c1 second"]
    async with app.core.uow_factory() as uow:
        attempts = (await uow.session.scalars(select(OutboxRow.attempts).order_by(OutboxRow.id))).all()
    assert attempts == [1, 1, 1]  # the refused try is not counted as a failed attempt
