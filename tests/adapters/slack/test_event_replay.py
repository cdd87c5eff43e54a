"""Slack redelivers an event (same `event_id`) when it thinks we missed it: a `@bob++` message must count once.

Reactions are also limited to one kudos per message per giver, so only a message event shows that the event id
itself is what deduplicates: without it, the pair cap (2 a day) would let a replay count twice."""

from __future__ import annotations

from sqlalchemy import text

from tests.adapters.slack.rig import SlackRig
from tests.fakes import slack_payloads as sp


async def kudos_to(rig: SlackRig, user: str) -> int:
    async with rig.app.engine.connect() as connection:
        return (await connection.execute(text(
            "SELECT count(*) FROM kudos k JOIN members m ON m.id = k.receiver_id "
            "WHERE m.user_id = :user AND k.revoked_at IS NULL"), {"user": user})).scalar()


async def test_a_plus_plus_message_delivered_again_with_the_same_event_id_counts_once(rig: SlackRig):
    message = sp.message("U0ALICE", "<@U0BOB>++ for the audit", ts="1700000000.000300")
    assert await rig.event(message, event_id="EvPLUS") == 200
    assert await rig.event(message, event_id="EvPLUS", **sp.retry_headers(1)) == 200
    assert await rig.event(message, event_id="EvPLUS", **sp.retry_headers(2, "timeout")) == 200
    await rig.drain()
    assert await kudos_to(rig, "U0BOB") == 1
    assert len(rig.fake.calls_to("chat.postMessage")) == 1  # one announcement


async def test_a_replay_without_retry_headers_counts_once_too(rig: SlackRig):
    message = sp.message("U0ALICE", "<@U0BOB>++ for the audit", ts="1700000000.000400")
    for _ in range(2):
        assert await rig.event(message, event_id="EvPLAIN") == 200
    assert await kudos_to(rig, "U0BOB") == 1


async def test_another_event_id_is_another_kudos(rig: SlackRig):
    # The same words in a second message are a second kudos: the dedupe is by event id, not by text.
    await rig.event(sp.message("U0ALICE", "<@U0BOB>++ for the audit", ts="1700000000.000500"), event_id="EvONE")
    await rig.event(sp.message("U0ALICE", "<@U0BOB>++ for the audit", ts="1700000000.000600"), event_id="EvTWO")
    assert await kudos_to(rig, "U0BOB") == 2
