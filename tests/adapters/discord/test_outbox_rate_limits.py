"""Issue 10, defect 2 on Discord: a 429 longer than discord.py may wait gives the message back to the outbox.

copbot's client sets ``max_ratelimit_timeout`` (30 s), so discord.py raises its RateLimited for a longer
Retry-After instead of sleeping; DiscordOutbound turns it into the core's RateLimited."""

from __future__ import annotations

from datetime import timedelta

from bot.context import message_payload
from bot.identity import ChannelTarget
from bot.reply import Reply
from tests.fakes import discord_payloads as p
from tests.fakes.clock import FakeClock

SLOW, FREE = "1100000000000000201", "1100000000000000202"


async def test_a_long_discord_rate_limit_holds_back_only_that_channel(app, fake, copbot, running):
    app.dispatcher.clock = clock = FakeClock()  # moved by the test; discord.py keeps real time
    async with app.core.uow_factory() as uow:
        for channel, text in ((SLOW, "to the slow channel"), (FREE, "to the free channel")):
            target = ChannelTarget("discord", p.GUILD_ID, channel)
            uow.outbox.add(None, "message", message_payload(target, Reply.public(text)), due_at=clock.now())
        await uow.commit()
    fake.rate_limit_next(f"/channels/{SLOW}/messages", retry_after=45, method="POST")

    async with running(copbot()):
        await app.dispatcher.run_due()
        assert [(m["channel_id"], m["content"]) for m in fake.messages] == [(FREE, "to the free channel")]
        async with app.core.uow_factory() as uow:
            assert await uow.outbox.next_due_at() == clock.now() + timedelta(seconds=45)
        clock.advance(seconds=45)
        await app.dispatcher.run_due()
    assert [(m["channel_id"], m["content"]) for m in fake.messages] == [
        (FREE, "to the free channel"), (SLOW, "to the slow channel")]



async def test_discord_returns_the_message_id_it_posted(app, fake, copbot, running):
    async with running(copbot()):
        posted = await app.outbound.send(ChannelTarget("discord", p.GUILD_ID, FREE), Reply.public("hello"), key="k")
    assert posted is not None and posted.channel_id == FREE
    assert posted.message_id == str(fake.messages[0]["id"])
