"""One delivery policy for every message the bot sends: replies to events and the outbox alike.

A reply goes to the channel where it happened; if the bot may not post there, the person is told by direct
message; a direct message whose recipient closed their DMs goes to its fallback channel. A private reply to
someone in a channel is shown to them there where the platform can (Slack's ephemerals), else sent as a DM."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.identity import ChannelTarget, MemberRef, MemberTarget, Place, Posted, Target
from bot.ports import DeliveryRefused, Outbound
from bot.reply import Reply, Visibility

log = logging.getLogger("copbot.delivery")


def reply_target(place: Place, person: MemberRef, reply: Reply) -> Target:
    """Where a reply to something `person` did at `place` goes."""
    here = (ChannelTarget(place.platform, place.workspace_id, place.channel_id, place.thread_id)
            if place.channel_id else None)
    if reply.visibility is Visibility.PUBLIC and here is not None:
        return replace(here, fallback=person)
    return MemberTarget(person, where=here if reply.visibility is Visibility.EPHEMERAL else None)


async def deliver(outbound: Outbound, target: Target, reply: Reply, *, key: str) -> Posted | None:
    """Send; if the platform refuses this target for good, send to its fallback once (else re-raise)."""
    try:
        return await outbound.send(target, reply, key=key)
    except DeliveryRefused:
        if isinstance(target, MemberTarget) and target.fallback:
            log.info("direct message refused; posting in the fallback channel instead")
            return await outbound.send(target.fallback, reply, key=f"{key}-fallback")
        elif isinstance(target, ChannelTarget) and target.fallback:
            log.info("may not post in the channel; telling the person instead")
            return await outbound.send(MemberTarget(target.fallback), reply, key=f"{key}-fallback")
        else:
            raise
