"""The real discord.py client (no mocks) against FakeDiscord: proves the harness and the gateway seam."""

from __future__ import annotations

import asyncio
import datetime

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakes import discord_payloads as p
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.patience import PATIENCE

GUILD = int(p.GUILD_ID)
CHANNEL = int(p.CHANNEL_ID)


async def test_client_connects_through_the_looked_up_gateway_and_caches_the_guild(fake, make_client, running):
    client = make_client()
    async with running(client):
        guild = client.get_guild(GUILD)
        assert guild is not None and guild.name == "Test Community"
        assert guild.get_channel(CHANNEL).name == "general"
        assert guild.me.id == int(p.BOT_USER_ID) and guild.default_role.id == GUILD
        assert client.application_id == int(p.APPLICATION_ID)
    assert fake.calls("GET", "/gateway")  # the seam asked the fake, not wss://gateway.discord.gg
    assert fake.gateway_queries[0] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    intents = discord.Intents._from_value(fake.intents)
    assert intents.members and intents.guilds and intents.guild_messages and intents.guild_reactions
    assert not intents.message_content and not intents.presences
    assert fake.identifies[0]["token"] == "fake-bot-token"


async def test_fake_rest_answers_are_exact_json_and_unknown_routes_are_recorded_404s(fake):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{fake.api_base}/gateway") as r:
            assert r.headers["Content-Type"] == "application/json"
            assert await r.json() == {"url": fake.gateway_url}
        async with session.post(f"{fake.api_base}/nowhere/123", json={"a": 1}) as r:
            assert r.status == 404 and r.headers["Content-Type"] == "application/json"
    assert [(u.method, u.path, u.json) for u in fake.unknown] == [("POST", "/nowhere/123", {"a": 1})]


async def test_fake_an_interaction_reaches_on_interaction_and_an_ephemeral_reply_is_recorded(fake, make_client, running):
    client = make_client()
    async with running(client):
        payload = p.slash_command("ping", {"text": "hello"}, user=p.user(p.OWNER_ID, "owner"))
        waiter = asyncio.ensure_future(client.wait_for("interaction", timeout=PATIENCE))
        await fake.dispatch("INTERACTION_CREATE", payload)
        interaction = await waiter
        assert isinstance(interaction, discord.Interaction)
        assert interaction.type is discord.InteractionType.application_command
        assert interaction.user.id == int(p.OWNER_ID) and interaction.channel.id == CHANNEL
        callback = await interaction.response.send_message("hi", ephemeral=True)
        assert callback.message_id is not None and callback.is_ephemeral()
        assert isinstance(callback.resource, discord.InteractionMessage)
        with pytest.raises(discord.InteractionResponded):
            await interaction.response.send_message("twice")
        edited = await interaction.edit_original_response(content="hi again")
        assert edited.content == "hi again" and (await interaction.original_response()).id == edited.id
    [response] = fake.interaction_responses
    assert response["interaction_id"] == payload["id"] and response["type"] == 4
    assert response["data"]["content"] == "hi" and response["data"]["flags"] == 64
    assert fake.calls("POST", "/interactions/{id}/{token}/callback")[0].query == {"with_response": "1"}


async def test_fake_a_synced_guild_tree_hits_put_and_runs_the_subcommand_from_a_raw_payload(fake, make_client, running):
    client = make_client()
    tree = app_commands.CommandTree(client)
    kudos = app_commands.Group(name="kudos", description="Thank people")
    seen = {}

    @kudos.command(name="give", description="Give kudos")
    async def give(interaction: discord.Interaction, receiver: discord.Member, reason: str) -> None:
        seen.update(receiver=receiver, reason=reason)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"thanks {receiver.display_name}")

    tree.add_command(kudos, guild=discord.Object(GUILD))
    async with running(client):
        synced = await tree.sync(guild=discord.Object(GUILD))
        assert [c.name for c in synced] == ["kudos"] and synced[0].id > 2**32
        bob = p.user(username="bob")
        payload = p.slash_command(
            "kudos", [p.user_option("receiver", bob, p.member(bob)), p.option("reason", "the audit")],
            subcommand="give", command_guild_id=p.GUILD_ID,
        )
        await fake.dispatch("INTERACTION_CREATE", payload)
        await fake.wait_for_call("POST", "/webhooks/{app}/{token}")
    [put] = fake.calls("PUT", f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands")
    assert put.json[0]["options"][0]["name"] == "give"
    assert isinstance(seen["receiver"], discord.Member) and seen["reason"] == "the audit"
    assert fake.interaction_responses[0]["type"] == 5
    [followup] = fake.followups
    assert followup["message"]["content"] == "thanks Bob" and followup["message"]["flags"] == 64  # keeps the defer's


async def test_fake_channel_send_records_nonce_and_allowed_mentions_and_dedups_the_nonce(fake, make_client, running):
    client = make_client()
    async with running(client):
        channel = client.get_channel(CHANNEL)
        first = await channel.send("hello @everyone", nonce="outbox-42", allowed_mentions=discord.AllowedMentions.none())
        again = await channel.send("hello @everyone", nonce="outbox-42", allowed_mentions=discord.AllowedMentions.none())
        assert first.id == again.id and first.nonce == "outbox-42"
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x", nonce="a" * 26)
        assert too_long.value.code == 50035
    [message] = fake.messages
    assert message["allowed_mentions"] == {"parse": []}
    assert message["body"]["enforce_nonce"] is True and message["nonce"] == "outbox-42"


async def test_fake_a_member_add_reaches_on_member_join(fake, make_client, running):
    client = make_client()
    async with running(client):
        waiter = asyncio.ensure_future(client.wait_for("member_join", timeout=PATIENCE))
        await fake.dispatch("GUILD_MEMBER_ADD", p.member_add(p.user("1300000000000000077", "carol")))
        member = await waiter
        assert member.guild.id == GUILD and member.name == "carol"
        fetched = await client.get_guild(GUILD).fetch_member(1300000000000000077)
        assert fetched.name == "carol"


async def test_fake_a_raw_reaction_add_reaches_on_raw_reaction_add(fake, make_client, running):
    client = make_client()
    async with running(client):
        waiter = asyncio.ensure_future(client.wait_for("raw_reaction_add", timeout=PATIENCE))
        event = p.reaction_add("✅", user_id=p.OWNER_ID, message_id="1400000000000000001",
                               message_author_id="1300000000000000002")
        await fake.dispatch("MESSAGE_REACTION_ADD", event)
        raw = await waiter
        assert str(raw.emoji) == "✅" and raw.user_id == int(p.OWNER_ID)
        assert raw.message_author_id == 1300000000000000002 and raw.member.id == int(p.OWNER_ID)
        removed = asyncio.ensure_future(client.wait_for("raw_reaction_remove", timeout=PATIENCE))
        await fake.dispatch("MESSAGE_REACTION_REMOVE", p.reaction_remove("✅", user_id=p.OWNER_ID,
                                                                         message_id="1400000000000000001"))
        assert (await removed).message_id == 1400000000000000001


async def test_fake_discord_py_retries_a_429_by_itself(fake, make_client, running):
    client = make_client()
    async with running(client):
        fake.rate_limit_next("/channels/", retry_after=0.1)
        message = await client.get_channel(CHANNEL).send("after the limit")
        assert message.content == "after the limit"
    assert [c.status for c in fake.calls("POST", "/channels/{id}/messages")] == [429, 200]


async def test_fake_a_closed_dm_raises_forbidden_50007(fake, make_client, running):
    fake.closed_dm_user_ids.add(p.OWNER_ID)
    client = make_client()
    async with running(client):
        owner = await client.fetch_user(int(p.OWNER_ID))
        with pytest.raises(discord.Forbidden) as closed:
            await owner.send("welcome!")
        assert closed.value.code == 50007
    assert fake.calls("POST", "/users/@me/channels")[0].json == {"recipient_id": int(p.OWNER_ID)}  # discord.py sends an int


async def test_fake_a_4014_close_makes_start_raise_privileged_intents_required(make_client, running):
    async with FakeDiscord(refuse_privileged_intents=True) as strict:
        client = make_client()
        client.api_base = strict.api_base
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running(client):
                pass
        assert strict.intents & discord.Intents.members.flag


async def test_fake_close_with_4014_after_ready_also_stops_the_client(fake, make_client, running):
    client = make_client()
    async with running(client, ready=True) as task:
        await fake.close_with(4014)
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(task, PATIENCE)


async def test_fake_a_component_press_reaches_a_persistent_view_and_updates_the_message(fake, make_client, running):
    client = make_client()
    pressed = asyncio.Event()

    class Rsvp(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Going", custom_id="rsvp:yes")
        async def going(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="You're going")
            pressed.set()

    async with running(client):
        client.add_view(Rsvp())
        await fake.dispatch("INTERACTION_CREATE", p.component_press("rsvp:yes"))
        await asyncio.wait_for(pressed.wait(), PATIENCE)
    [response] = fake.interaction_responses
    assert response["type"] == 7 and response["data"]["content"] == "You're going"


async def test_fake_a_scheduled_event_is_recorded(fake, make_client, running):
    client = make_client()
    async with running(client):
        start = discord.utils.utcnow() + datetime.timedelta(days=1)
        event = await client.get_guild(GUILD).create_scheduled_event(
            name="SEO meetup", start_time=start, end_time=start + datetime.timedelta(hours=1),
            entity_type=discord.EntityType.external, location="https://meet.example/seo",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
        assert event.id > 2**32 and event.name == "SEO meetup" and event.location == "https://meet.example/seo"
    [recorded] = fake.scheduled_events
    assert recorded["entity_type"] == 3 and recorded["entity_metadata"] == {"location": "https://meet.example/seo"}


def test_fake_payload_helpers_build_real_interactions_without_a_connection():
    client = discord.Client(intents=discord.Intents.none())
    press = p.interaction_object(client, p.component_press("rsvp:yes"))
    assert press.type is discord.InteractionType.component and press.data["custom_id"] == "rsvp:yes"
    assert press.message is not None and press.guild_id == GUILD
    modal = p.interaction_object(client, p.modal_submit("ask", {"title": "Why?", "body": "Because"}))
    assert modal.data["components"][1]["components"][0] == {"type": 4, "custom_id": "body", "value": "Because"}
    auto = p.autocomplete("search", {"query": "seo"}, focused="query")
    assert auto["type"] == 4 and auto["data"]["options"][0]["focused"] is True
    grouped = p.slash_command("meetup", {"title": "x"}, group="admin", subcommand="create", guild_id=None)
    assert grouped["data"]["options"][0]["options"][0]["options"][0]["value"] == "x"
    dm = p.interaction_object(client, grouped)
    assert dm.guild_id is None and isinstance(dm.user, discord.User)
    assert int(p.snowflake()) > 2**32
