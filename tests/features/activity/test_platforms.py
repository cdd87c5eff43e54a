"""Slack `message` events and Discord MESSAGE_CREATE end up as counters, through the platforms' fakes."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from adapters.discord.client import make_client
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp
from tests.fakes.patience import PATIENCE


async def counted(app) -> dict[str, int]:
    """user id -> messages, summed over days."""
    async with app.engine.connect() as connection:
        found = await connection.execute(text(
            "SELECT m.user_id, sum(a.messages) FROM member_day_activity a JOIN members m ON m.id = a.member_id "
            "GROUP BY m.user_id"))
        return {user: int(n) for user, n in found}


async def test_slack_messages_count_once_per_event_id_and_bots_never(make_rig, store_url):
    rig = await make_rig(url=store_url)
    first = sp.message("U0ALICE", "hello", ts="1700000000.000100")
    assert await rig.event(first, event_id="EvA1") == 200
    assert await rig.event(first, event_id="EvA1", **sp.retry_headers(1)) == 200  # Slack's retry: same event id
    assert await rig.event(first, event_id="EvA1", **sp.retry_headers(2, "timeout")) == 200
    assert await rig.event(sp.message("U0ALICE", "in a thread", thread_ts="1700000000.000100")) == 200
    assert await rig.event(sp.message("U0BOB", "hi")) == 200
    assert await rig.event(sp.message(None, "a bot", bot_id="B0OTHER")) == 200
    assert await rig.event(sp.message(sp.BOT_USER_ID, "the bot itself")) == 200
    rig.fake.add_user("U0ROBOT", "robot", is_bot=True)
    assert await rig.event(sp.message("U0ROBOT", "a bot user")) == 200
    assert await counted(rig.app) == {"U0ALICE": 2, "U0BOB": 1}


async def test_discord_messages_count_without_the_content_intent(discord_app, fake, running, tmp_path):
    client = make_client(discord_app.core, api_base=fake.api_base, guild_ids=[p.GUILD_ID],
                         sync_state=tmp_path / "discord-commands.json", guild_ready_timeout=0.05)
    discord_app.outbound.add("discord", client.outbound)
    alice, bob = p.user("1300000000000000011", "alice"), p.user("1300000000000000012", "bob")
    done = asyncio.Event()
    seen: list = []
    original = client.gateway_events._run

    async def run(event) -> None:
        await original(event)
        seen.append(event)
        if len(seen) == 4:
            done.set()

    client.gateway_events._run = run
    message = p.message_create("", author=alice)  # no content intent: Discord sends the text empty
    async with running(client):
        await fake.dispatch("MESSAGE_CREATE", message)
        await fake.dispatch("MESSAGE_CREATE", message)  # replayed after a resume: the message id dedups it
        await fake.dispatch("MESSAGE_CREATE", p.message_create("", author=alice))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("", author=p.user(bot=True)))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("", author=p.bot_user()))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("", author=bob))
        await asyncio.wait_for(done.wait(), PATIENCE)
    assert await counted(discord_app) == {alice["id"]: 2, bob["id"]: 1}
