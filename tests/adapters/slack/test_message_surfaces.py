"""What the questions feature needs from Slack: message shortcuts, thread replies, deletions, permalinks, files."""

from __future__ import annotations

import json

from adapters.app.config import SlackConfig
from adapters.slack.manifest import manifest
from adapters.slack.shortcuts import shortcut_id
from bot.events import MessageAction, MessageDeleted, MessagePosted
from bot.identity import ChannelTarget, MemberRef, Posted
from bot.reply import Attachment, Reply, message_link
from tests.adapters.probe import MARK, Probe
from tests.fakes import slack_payloads as sp

CHANNEL = sp.CHANNEL_ID
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


async def probed(make_rig, **kw):
    probe = Probe(**kw)
    return await make_rig(features=(probe.feature(),)), probe


async def test_the_message_shortcut_becomes_a_message_action_answered_privately(make_rig):
    rig, probe = await probed(make_rig)
    answer = sp.message("U0BOB", "Use a canonical tag", ts="1700000000.000300", thread_ts="1700000000.000100")
    payload = sp.message_action(shortcut_id(MARK.name), answer, response_url=rig.fake.response_url("act"))
    status, body = await rig.interact(payload)
    assert (status, body) == (200, "")  # acknowledged with nothing to show
    await rig.drain()
    [event] = probe.of(MessageAction)
    assert event.action == "mark-solution" and event.actor.ref.user_id == sp.USER_ID
    assert (event.place.channel_id, event.place.message_id, event.place.thread_id) == (
        CHANNEL, "1700000000.000300", "1700000000.000100")
    assert event.message_author == MemberRef("slack", sp.TEAM_ID, "U0BOB")
    assert event.message_text == "Use a canonical tag"
    response = await rig.fake.wait_for_response("act")
    assert response["response_type"] == "ephemeral"
    url = rig.fake.permalink(CHANNEL, "1700000000.000300")
    assert f"<{url}|the answer>" in response["text"]


async def test_a_shortcut_on_a_thread_parent_names_no_thread(make_rig):
    rig, probe = await probed(make_rig)
    parent = sp.message("U0BOB", "the question", ts="1700000000.000100", thread_ts="1700000000.000100")
    await rig.interact(sp.message_action(shortcut_id(MARK.name), parent, response_url=rig.fake.response_url("a")))
    await rig.drain()
    [event] = probe.of(MessageAction)
    assert (event.place.message_id, event.place.thread_id) == ("1700000000.000100", None)


async def test_a_public_answer_to_a_shortcut_goes_to_the_messages_thread(make_rig):
    rig, probe = await probed(make_rig, public=True)
    answer = sp.message("U0BOB", "try this", ts="1700000000.000300", thread_ts="1700000000.000100")
    await rig.interact(sp.message_action(shortcut_id(MARK.name), answer, response_url=rig.fake.response_url("a")))
    await rig.drain()
    [posted] = rig.fake.calls_to("chat.postMessage")
    assert (posted.params["channel"], posted.params["thread_ts"]) == (CHANNEL, "1700000000.000100")
    assert rig.fake.responses["a"] == []


async def test_a_replayed_shortcut_runs_once_and_an_unknown_one_not_at_all(make_rig):
    rig, probe = await probed(make_rig)
    payload = sp.message_action(shortcut_id(MARK.name), sp.message("U0BOB", "x"),
                                response_url=rig.fake.response_url("act"))
    for _ in range(2):
        assert (await rig.interact(payload))[0] == 200
    assert (await rig.interact({**payload, "callback_id": "copbot_gone", "trigger_id": "1.2.other"}))[0] == 200
    await rig.drain()
    assert len(probe.of(MessageAction)) == 1


async def test_a_shortcut_without_a_message_is_refused_at_the_door(make_rig):
    rig, probe = await probed(make_rig)
    payload = sp.message_action(shortcut_id(MARK.name), sp.message("U0BOB", "x"))
    del payload["message"]
    assert (await rig.interact(payload))[0] == 400
    assert probe.of(MessageAction) == []


async def test_thread_replies_arrive_with_their_thread_and_bots_do_not(make_rig):
    rig, probe = await probed(make_rig)
    reply = sp.message("U0BOB", "try this", ts="1700000000.000500", thread_ts="1700000000.000100")
    assert await rig.event(reply) == 200
    assert await rig.event(sp.message(None, "bot says", thread_ts="1700000000.000100", bot_id="B0OTHER")) == 200
    [posted] = probe.of(MessagePosted)
    assert (posted.place.message_id, posted.place.thread_id) == ("1700000000.000500", "1700000000.000100")
    assert posted.actor.ref.user_id == "U0BOB"


async def test_deleted_messages_and_deleted_thread_parents_become_message_deleted(make_rig):
    rig, probe = await probed(make_rig)
    reply = sp.message("U0BOB", "try this", ts="1700000000.000500", thread_ts="1700000000.000100")
    await rig.event(sp.message_deleted(reply))
    parent = sp.message("U0ALICE", "the question", ts="1700000000.000100")
    await rig.event(sp.message_tombstone(parent))
    edited = {**sp.message_tombstone(parent), "message": {**parent, "text": "edited"}}
    await rig.event(edited)  # an edit is no deletion
    first, second = probe.of(MessageDeleted)
    assert (first.place.message_id, first.place.thread_id) == ("1700000000.000500", "1700000000.000100")
    assert first.actor.ref.user_id == "U0BOB"
    assert (second.place.message_id, second.place.thread_id) == ("1700000000.000100", None)
    assert len(probe.of(MessageDeleted)) == 2


async def test_a_reply_to_a_thread_goes_to_its_thread_with_files_uploaded_there(rig):
    target = ChannelTarget("slack", sp.TEAM_ID, CHANNEL, "1700000000.000100")
    posted = await rig.service.outbound.send(
        target, Reply.public("weekly digest", attachments=(Attachment("chart.png", PNG, "image/png"),)), key="k1")
    [call] = rig.fake.calls_to("chat.postMessage")
    assert call.params["thread_ts"] == "1700000000.000100" and call.params["channel"] == CHANNEL
    assert posted.thread_id == "1700000000.000100"
    assert rig.fake.calls_to("files.upload") == []  # retired by Slack
    [asked] = rig.fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "chart.png" and int(asked.params["length"]) == len(PNG)
    [done] = rig.fake.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == CHANNEL and done.params["thread_ts"] == "1700000000.000100"
    [file] = rig.fake.files.values()
    assert file["content"] == PNG and file["channels"] == [CHANNEL]


async def test_a_file_alone_is_uploaded_without_a_blank_message_before_it(rig):
    await rig.service.outbound.send(ChannelTarget("slack", sp.TEAM_ID, CHANNEL),
                                    Reply.public("", attachments=(Attachment("chart.png", PNG, "image/png"),)),
                                    key="k2")
    assert rig.fake.calls_to("chat.postMessage") == []
    [done] = rig.fake.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == CHANNEL


async def test_hostile_link_labels_stay_inert_and_a_failed_permalink_leaves_the_label(rig):
    answer = sp.message("U0BOB", "x", ts="1700000000.000700")
    place = Posted("slack", sp.TEAM_ID, CHANNEL, answer["ts"])
    label = "<!channel> |evil> <https://evil.example|x> \x03\x02l"
    text = f"See {message_link(place, label)}"
    await rig.service.outbound.send(ChannelTarget("slack", sp.TEAM_ID, CHANNEL), Reply.public(text), key="k2")
    sent = rig.fake.calls_to("chat.postMessage")[0].params
    url = rig.fake.permalink(CHANNEL, answer["ts"])
    body = json.dumps(sent["blocks"]) + sent["text"]
    assert "<!channel>" not in body and "<https://evil" not in body and "\x02" not in body and "\x03" not in body
    assert sent["text"].count("<") == 1 and sent["text"].startswith(f"See <{url}|")
    rig.fake.fail_next("chat.getPermalink", "message_not_found")
    other = Posted("slack", sp.TEAM_ID, CHANNEL, "1700000000.000800")
    await rig.service.outbound.send(ChannelTarget("slack", sp.TEAM_ID, CHANNEL),
                                    Reply.public(f"See {message_link(other, 'that one')}"), key="k3")
    assert rig.fake.calls_to("chat.postMessage")[1].params["text"] == "See that one"
    await rig.service.outbound.send(ChannelTarget("slack", sp.TEAM_ID, CHANNEL), Reply.public(text), key="k4")
    assert len(rig.fake.calls_to("chat.getPermalink")) == 2  # the first permalink was kept


def test_the_manifest_has_one_message_shortcut_per_declared_action():
    made = manifest(_book(), SlackConfig(mode="socket"), actions=(MARK,))
    assert made["features"]["shortcuts"] == [{"name": "Mark as solution", "type": "message",
                                              "callback_id": shortcut_id(MARK.name),
                                              "description": "Mark as solution"}]
    assert "shortcuts" not in manifest(_book(), SlackConfig(mode="socket"), actions=())["features"]


def _book():
    from adapters.slack.manifest import declared_commands
    return declared_commands()
