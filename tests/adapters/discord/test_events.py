"""Gateway events through the real client into the core, and what goes back out (channel posts, DMs)."""

from __future__ import annotations

import asyncio

import pytest

from bot.identity import ChannelTarget, MemberRef, MemberTarget
from bot.ports import DeliveryRefused
from bot.reply import Reply
from tests.fakes import discord_payloads as p
from tests.fakes.patience import PATIENCE

ALICE = p.user("1300000000000000011", "alice")
BOB = p.user("1300000000000000012", "bob")
CAROL = p.user("1300000000000000014", "carol", global_name="Carol Join")


def track(client) -> callable:
    """``await processed(n)`` waits until the adapter has handled ``n`` gateway events (replies included)."""
    done: list = []
    changed = asyncio.Condition()
    original = client.gateway_events._run

    async def run(event) -> None:
        try:
            await original(event)
        finally:
            async with changed:
                done.append(event)
                changed.notify_all()

    client.gateway_events._run = run

    async def processed(n: int) -> list:
        async def until() -> None:
            async with changed:
                await changed.wait_for(lambda: len(done) >= n)

        await asyncio.wait_for(until(), PATIENCE)
        return done

    return processed


async def test_a_member_join_is_recorded_once(app, fake, copbot, running, answer):
    client = copbot()
    processed = track(client)
    async with running(client):
        join = p.member_add(CAROL)
        await fake.dispatch("GUILD_MEMBER_ADD", join)
        [event] = await processed(1)
        assert event.event_id.startswith(f"join:{p.GUILD_ID}:{CAROL['id']}:")
        assert event.actor.name == "Carol Join" and not event.actor.is_bot
        # A later command names her by id only: the name it shows is the one the join recorded.
        press = p.component_press(f"copbot:profile <@{CAROL['id']}>", user=p.user(p.OWNER_ID, "owner"))
        response = await answer(press)
        assert response["data"]["content"] == "Profile of Carol Join"


async def test_a_kudos_reaction_gives_kudos_once_even_when_the_dispatch_is_replayed(app, fake, copbot, running):
    client = copbot()
    processed = track(client)
    reaction = p.reaction_add("🎉", user_id=ALICE["id"], message_id="1400000000000000001",
                              message_author_id=BOB["id"], member_payload=p.member(ALICE))
    async with running(client):
        await fake.dispatch("MESSAGE_REACTION_ADD", reaction)
        [event] = await processed(1)
        assert event.message_author.user_id == BOB["id"] and event.place.message_id == "1400000000000000001"
        await fake.dispatch("MESSAGE_REACTION_ADD", reaction)  # a replayed dispatch after a resume
        await processed(2)
        await app.dispatcher.run_due()  # the announcement was queued in the outbox with the kudos
    [announcement] = fake.messages
    # ReactionAdded carries the author's id only, so a member the store has not seen yet is named by id.
    assert f"Alice gave kudos to {BOB['id']}" in announcement["content"]
    assert announcement["allowed_mentions"] == {"parse": []}
    assert announcement["body"]["enforce_nonce"] is True and len(announcement["nonce"]) <= 25
    assert event.event_id == f"reaction:1400000000000000001:{ALICE['id']}:🎉:add"


async def test_removing_the_reaction_undoes_it_and_a_closed_dm_drops_the_private_note(app, fake, copbot, running):
    fake.closed_dm_user_ids.add(ALICE["id"])
    fake.guilds[p.GUILD_ID]["members"].append(p.member(ALICE))
    client = copbot()
    processed = track(client)
    async with running(client):
        await fake.dispatch("MESSAGE_REACTION_ADD", p.reaction_add(
            "🎉", user_id=ALICE["id"], message_id="1400000000000000002", message_author_id=BOB["id"],
            member_payload=p.member(ALICE)))
        await processed(1)
        await app.dispatcher.run_due()  # the announcement, queued with the kudos
        await fake.dispatch("MESSAGE_REACTION_REMOVE", p.reaction_remove(
            "🎉", user_id=ALICE["id"], message_id="1400000000000000002"))
        await processed(2)
    assert fake.calls("POST", "/users/@me/channels")  # tried the DM ("Undone: ...")
    assert fake.calls("POST", "/channels/{id}/messages")[-1].status == 403
    assert len(fake.messages) == 1  # only the public announcement of the kudos


async def test_plus_plus_in_a_message_gives_kudos_with_message_content(app, fake, copbot, running):
    client = copbot(message_content=True)
    processed = track(client)
    async with running(client):
        message = p.message_create(f"<@{BOB['id']}>++ for the audit", author=ALICE, mentions=[BOB])
        await fake.dispatch("MESSAGE_CREATE", message)
        [event] = await processed(1)
        await fake.dispatch("MESSAGE_CREATE", p.message_create("<@1>++ from a bot", author=p.user(bot=True)))
        await fake.dispatch("MESSAGE_CREATE", message)  # replayed: the message id dedups it
        await processed(2)
        await app.dispatcher.run_due()  # the announcement, queued with the kudos
    assert event.event_id == f"message:{message['id']}" and event.mentioned[0].name == "Bob"
    assert discord_intents(fake).message_content
    [announcement] = fake.messages
    assert "Bob" in announcement["content"]


def discord_intents(fake):
    import discord

    return discord.Intents._from_value(fake.intents)


async def test_outbound_nonces_dedupe_resends_and_dm_channels_are_cached(app, fake, copbot, running):
    client = copbot()
    async with running(client):
        channel = ChannelTarget("discord", p.GUILD_ID, p.CHANNEL_ID)
        key = "outbox-12345678901234567890-fallback"  # longer than a nonce may be
        await client.outbound.send(channel, Reply.public("hello @\u200beveryone"), key=key)
        await client.outbound.send(channel, Reply.public("hello @\u200beveryone"), key=key)  # a retry
        member = MemberTarget(MemberRef("discord", p.GUILD_ID, BOB["id"]))
        await client.outbound.send(member, Reply.public("one"), key="outbox-1")
        await client.outbound.send(member, Reply.public("two"), key="outbox-2")
        fake.closed_dm_user_ids.add(ALICE["id"])
        with pytest.raises(DeliveryRefused):
            await client.outbound.send(MemberTarget(MemberRef("discord", p.GUILD_ID, ALICE["id"])),
                                       Reply.public("welcome"), key="outbox-3")
    assert [m["content"] for m in fake.messages] == ["hello @\u200beveryone", "one", "two"]
    assert all(m["allowed_mentions"] == {"parse": []} for m in fake.messages)
    opened = [c.json["recipient_id"] for c in fake.calls("POST", "/users/@me/channels")]
    assert opened == [int(BOB["id"]), int(ALICE["id"])]
