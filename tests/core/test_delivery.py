"""One delivery policy for event replies and the outbox: channel, else the person; a closed DM, its channel."""

from __future__ import annotations

import pytest

from bot.delivery import deliver, reply_target
from bot.identity import ChannelTarget, MemberRef, MemberTarget, Place
from bot.ports import DeliveryRefused
from bot.reply import Reply

ANN = MemberRef("slack", "T1", "U1")
HERE = ChannelTarget("slack", "T1", "C1", "171.5")
PLACE = Place("slack", "T1", "C1", thread_id="171.5")


class Refusing:
    def __init__(self, *refused: type):
        self.refused, self.sent = refused, []

    async def send(self, target, reply, *, key):
        if isinstance(target, self.refused):
            raise DeliveryRefused(type(target).__name__)
        self.sent.append((target, key))


def test_a_reply_goes_where_it_happened_or_to_the_person():
    assert reply_target(PLACE, ANN, Reply.public("hi")) == ChannelTarget("slack", "T1", "C1", "171.5", fallback=ANN)
    assert reply_target(PLACE, ANN, Reply.ephemeral("psst")) == MemberTarget(ANN, where=HERE)
    assert reply_target(PLACE, ANN, Reply.direct("dm")) == MemberTarget(ANN)
    assert reply_target(Place("slack", "T1", ""), ANN, Reply.public("hi")) == MemberTarget(ANN)


async def test_a_channel_that_refuses_tells_the_person_directly():
    outbound = Refusing(ChannelTarget)
    await deliver(outbound, reply_target(PLACE, ANN, Reply.public("hi")), Reply.public("hi"), key="k")
    assert outbound.sent == [(MemberTarget(ANN), "k-fallback")]


async def test_a_closed_dm_goes_to_its_fallback_channel_and_no_fallback_reraises():
    outbound = Refusing(MemberTarget)
    await deliver(outbound, MemberTarget(ANN, fallback=HERE), Reply.direct("x"), key="k")
    assert outbound.sent == [(HERE, "k-fallback")]
    with pytest.raises(DeliveryRefused):
        await deliver(outbound, MemberTarget(ANN), Reply.direct("x"), key="k")
