"""What the questions feature needs from Discord: the message context-menu command, messages in threads and forum
posts, deletions, replies into threads, forum posts with tags, jump links and files."""

from __future__ import annotations

import re

import pytest

from bot.events import MessageAction, MessageDeleted, MessagePosted
from bot.identity import ChannelTarget, MemberRef, Place
from bot.ports import DeliveryRefused
from bot.reply import Attachment, Reply, Topic, message_link
from tests.adapters.discord.test_events import track
from tests.adapters.probe import MARK, Probe
from tests.fakes import discord_payloads as p

ALICE = p.user("1300000000000000011", "alice")
BOB = p.user("1300000000000000012", "bob")
THREAD = "1100000000000000201"  # a thread in #general, started from the message of the same id
FORUM = "1100000000000000301"
POST = "1100000000000000302"  # a post (thread) in the forum
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
EPHEMERAL = 64


@pytest.fixture
def probe(app, fake) -> Probe:
    guild = fake.guilds[p.GUILD_ID]
    guild["channels"].append(p.forum_channel(FORUM, tags=[p.forum_tag("1400000000000000001", "SEO"),
                                                          p.forum_tag("1400000000000000002", "Python"),
                                                          p.forum_tag("1400000000000000003", "Other")]))
    guild["threads"] = [p.thread_channel(THREAD, p.CHANNEL_ID, "how do I", owner_id=ALICE["id"]),
                        p.thread_channel(POST, FORUM, "forum question", owner_id=ALICE["id"])]
    return Probe().install(app.core)


async def test_the_context_menu_command_is_synced_and_becomes_a_message_action(probe, fake, copbot, running, answer):
    async with running(copbot()):
        [put] = fake.calls("PUT", f"/applications/{p.APPLICATION_ID}/guilds/{p.GUILD_ID}/commands")
        assert {"name": "Mark as solution", "type": 3} in [{"name": c["name"], "type": c.get("type")} for c in put.json]
        target = p.message("Use a canonical tag", channel_id=THREAD, author=BOB)
        payload = p.message_command(MARK.label, target, command_guild_id=p.GUILD_ID, user=ALICE,
                                    channel=p.thread_channel(THREAD, p.CHANNEL_ID, "how do I"))
        response = await answer(payload)
    [event] = probe.of(MessageAction)
    assert event.action == "mark-solution" and event.actor.ref.user_id == ALICE["id"]
    assert (event.place.channel_id, event.place.thread_id, event.place.message_id) == (p.CHANNEL_ID, THREAD, target["id"])
    assert event.message_author == MemberRef("discord", p.GUILD_ID, BOB["id"])
    assert event.message_text == "Use a canonical tag"
    assert response["data"]["flags"] & EPHEMERAL
    assert f"(https://discord.com/channels/{p.GUILD_ID}/{THREAD}/{target['id']})" in response["data"]["content"]


async def test_messages_in_threads_and_forum_posts_arrive_with_their_parent_channel(probe, fake, copbot, running):
    client = copbot()
    processed = track(client)
    async with running(client):  # no message-content intent: every message still arrives (its text empty)
        await fake.dispatch("MESSAGE_CREATE", p.message_create("in the channel", author=BOB))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("an answer", author=BOB, channel_id=THREAD))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("on the post", author=BOB, channel_id=POST))
        fake.guilds[p.GUILD_ID]["threads"].append(p.thread_channel("1100000000000000401", p.CHANNEL_ID, "new"))
        await fake.dispatch("MESSAGE_CREATE", p.message_create("uncached", author=BOB,
                                                               channel_id="1100000000000000401"))
        await processed(4)
    places = [(e.place.channel_id, e.place.thread_id) for e in probe.of(MessagePosted)]
    assert places == [(p.CHANNEL_ID, None), (p.CHANNEL_ID, THREAD), (FORUM, POST), (p.CHANNEL_ID, "1100000000000000401")]
    assert fake.calls("GET", "/channels/1100000000000000401")  # fetched once to learn its parent


async def test_a_deleted_message_becomes_message_deleted(probe, fake, copbot, running):
    client = copbot()
    processed = track(client)
    async with running(client):
        await fake.dispatch("MESSAGE_DELETE", {"id": "1500000000000000001", "channel_id": THREAD,
                                               "guild_id": p.GUILD_ID})
        await processed(1)
    [event] = probe.of(MessageDeleted)
    assert (event.place.channel_id, event.place.thread_id, event.place.message_id) == (
        p.CHANNEL_ID, THREAD, "1500000000000000001")
    assert event.actor.is_bot


async def test_a_reply_under_a_message_starts_its_thread_once(probe, fake, copbot, running):
    client = copbot()
    async with running(client):
        fake.known_channels_only = True
        question = "1500000000000000002"
        target = ChannelTarget("discord", p.GUILD_ID, p.CHANNEL_ID, question)
        first = await client.outbound.send(target, Reply.public("How do I tag?\nmore"), key="a1")
        second = await client.outbound.send(target, Reply.public("second answer"), key="a2")
        fake.deleted_message_ids.add("1500000000000000003")
        with pytest.raises(DeliveryRefused):
            await client.outbound.send(ChannelTarget("discord", p.GUILD_ID, p.CHANNEL_ID, "1500000000000000003"),
                                       Reply.public("too late"), key="a3")
    [started] = fake.calls("POST", f"/channels/{p.CHANNEL_ID}/messages/{question}/threads")
    assert started.json["name"] == "How do I tag? more"
    posts = [m for m in fake.messages if m["channel_id"] == question]
    assert [m["content"] for m in posts] == ["How do I tag?\nmore", "second answer"]
    assert first.thread_id == second.thread_id == question


async def test_a_question_in_a_forum_becomes_a_post_with_its_tags(probe, fake, copbot, running):
    client = copbot()
    async with running(client):
        reply = Reply.public("Details of the question", topic=Topic("How do I tag?", ("seo", "#PYTHON", "nope")),
                             attachments=(Attachment("chart.png", PNG, "image/png"),))
        posted = await client.outbound.send(ChannelTarget("discord", p.GUILD_ID, FORUM), reply, key="q1")
    [created] = fake.calls("POST", f"/channels/{FORUM}/threads")
    assert created.json["name"] == "How do I tag?"
    assert sorted(created.json["applied_tags"]) == ["1400000000000000001", "1400000000000000002"]
    assert created.json["message"]["content"] == "Details of the question"
    assert created.uploads == {"chart.png": PNG}
    assert posted.channel_id == FORUM and posted.thread_id == posted.message_id
    assert posted.thread_id in {t["id"] for t in fake.threads() if t["parent_id"] == FORUM}
    assert fake.calls("POST", f"/channels/{FORUM}/messages") == []


async def test_files_go_as_multipart_attachments(probe, fake, copbot, running):
    client = copbot()
    async with running(client):
        reply = Reply.public("digest", attachments=(Attachment("chart.png", PNG, "image/png"),))
        await client.outbound.send(ChannelTarget("discord", p.GUILD_ID, p.CHANNEL_ID), reply, key="d1")
    [sent] = fake.calls("POST", f"/channels/{p.CHANNEL_ID}/messages")
    assert sent.uploads == {"chart.png": PNG} and sent.json["content"] == "digest"


def test_hostile_link_labels_stay_inert():
    from adapters.discord.render import render
    where = Place("discord", p.GUILD_ID, p.CHANNEL_ID, "1500000000000000009", THREAD)
    label = "x](https://evil.example) <@&1> @everyone <t:1:F> **b**\x03\x02l"
    [message] = render(Reply.public(f"See {message_link(where, label)}"))
    url = f"https://discord.com/channels/{p.GUILD_ID}/{THREAD}/1500000000000000009"
    assert message.content.endswith(f"]({url})") and message.content.count("](") == 1
    assert "\x02" not in message.content and "\x03" not in message.content
    inner = message.content[len("See ["):-len(f"]({url})")]
    assert not re.search(r"(?<!\\)[\[\]()<*]", inner)  # every bracket, parenthesis, < and * escaped
    assert "@everyone" not in inner
