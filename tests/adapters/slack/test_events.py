"""Events, signatures, retries and delivery through copbot's Slack adapter."""

from __future__ import annotations

import time

import pytest

from tests.adapters.slack.rig import SECRET, SlackRig
from tests.fakes import slack_payloads as sp

CHANNEL = sp.CHANNEL_ID


async def kudos_received(rig: SlackRig, user: str = "U0BOB", name: str = "bob") -> str:
    ack = await rig.command("/profile", f"<@{user}|{name}>")
    return ack["blocks"][1]["fields"][0]["text"]  # "*Kudos received*\n0 this week, 0 in all"


@pytest.mark.parametrize("tamper", ["bad_signature", "stale_timestamp"])
async def test_unsigned_or_stale_requests_get_401_and_change_nothing(rig: SlackRig, tamper: str):
    body = sp.slash_command_body("/kudos", "<@U0BOB|bob> thanks")
    headers = sp.sign(body, "wrong") if tamper == "bad_signature" else sp.sign(
        body, SECRET, timestamp=int(time.time()) - 6 * 60)
    assert (await rig.post(body, headers))[0] == 401
    event = sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, sp.new_ts())
    body = sp.event_body(event)
    headers = sp.sign(body, "wrong") if tamper == "bad_signature" else sp.sign(
        body, SECRET, timestamp=int(time.time()) - 6 * 60)
    assert (await rig.post(body, headers))[0] == 401
    assert rig.fake.calls == [] or [c.method for c in rig.fake.calls] == ["auth.test"]
    assert "0 in all" in await kudos_received(rig)


async def test_a_reaction_gives_kudos_once_however_often_slack_retries_it(rig: SlackRig):
    event = sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, "1700000000.000100")
    for retry in range(3):
        extra = sp.retry_headers(retry) if retry else {}
        assert await rig.event(event, event_id="EvSAME", **extra) == 200
    await rig.drain()
    [posted] = rig.fake.calls_to("chat.postMessage")
    assert posted.params["channel"] == CHANNEL and "gave kudos to" in posted.params["text"]
    assert "0 this week" not in await kudos_received(rig) and "1 in all" in await kudos_received(rig)


async def test_removing_the_reaction_undoes_the_kudos_with_an_ephemeral_note(rig: SlackRig):
    ts = "1700000000.000200"
    await rig.event(sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, ts))
    await rig.event(sp.reaction_removed("U0ALICE", "tada", "U0BOB", CHANNEL, ts))
    await rig.drain()
    [note] = rig.fake.calls_to("chat.postEphemeral")
    assert note.params["user"] == "U0ALICE" and note.params["text"].startswith("Undone")
    assert "0 in all" in await kudos_received(rig)


async def test_plus_plus_in_a_thread_gives_kudos_and_answers_in_the_thread(rig: SlackRig):
    rig.fake.add_user("U0BOB", "bob", display_name="Bob B")
    msg = sp.message("U0ALICE", "<@U0BOB>++ for the <!channel> audit &amp; more #seo", thread_ts="1700000000.1")
    assert await rig.event(msg) == 200
    await rig.drain()
    [posted] = rig.fake.calls_to("chat.postMessage")
    assert posted.params["thread_ts"] == "1700000000.1"
    text = posted.params["text"]
    assert "gave kudos to Bob B: the @\u200bchannel audit &amp; more #seo" in text  # & escaped once
    assert "<!channel>" not in rig.posted_texts()[0]


async def test_messages_from_bots_and_edits_and_dms_are_ignored(rig: SlackRig):
    await rig.event(sp.message(None, "<@U0BOB>++", bot_id="B0OTHER"))
    await rig.event(sp.message(sp.BOT_USER_ID, "<@U0BOB>++"))
    await rig.event(sp.message("U0ALICE", "<@U0BOB>++", subtype="message_changed"))
    await rig.event(sp.message("U0ALICE", "<@U0BOB>++", channel="D0DM", channel_type="im"))
    rig.fake.add_user("U0ROBOT", "robot", is_bot=True)
    await rig.event(sp.reaction_added("U0ROBOT", "tada", "U0BOB", CHANNEL, sp.new_ts()))
    await rig.drain()
    assert rig.fake.calls_to("chat.postMessage") == []
    assert "0 in all" in await kudos_received(rig)


async def test_a_failing_core_makes_slack_retry_and_the_retry_counts_once(rig: SlackRig, monkeypatch):
    real = rig.core.handle_event
    failures = []

    async def flaky(event):
        if not failures:
            failures.append(event)
            raise RuntimeError("database went away")
        return await real(event)

    monkeypatch.setattr(rig.core, "handle_event", flaky)
    event = sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, sp.new_ts())
    assert await rig.event(event, event_id="EvFLAKY") == 500  # not acknowledged: Slack will retry
    assert await rig.event(event, event_id="EvFLAKY", **sp.retry_headers(1)) == 200
    assert await rig.event(event, event_id="EvFLAKY", **sp.retry_headers(2)) == 200
    assert "1 in all" in await kudos_received(rig)


async def test_not_in_channel_falls_back_to_a_direct_message_to_the_person(rig: SlackRig):
    rig.fake.not_in_channel.add("C0PRIVATE")
    await rig.event(sp.reaction_added("U0ALICE", "tada", "U0BOB", "C0PRIVATE", sp.new_ts()))
    await rig.drain()
    posts = rig.fake.calls_to("chat.postMessage")
    assert [p.params["channel"] for p in posts] == ["C0PRIVATE", "D00000001"]
    assert "gave kudos to" in posts[1].params["text"]
    [opened] = rig.fake.calls_to("conversations.open")
    assert opened.params["users"] == "U0ALICE"


async def test_a_429_is_retried_after_retry_after(rig: SlackRig):
    rig.fake.rate_limit_next("chat.postMessage", retry_after=0)
    await rig.event(sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, sp.new_ts()))
    await rig.drain()
    first, second = rig.fake.calls_to("chat.postMessage")
    assert first.params == second.params and "gave kudos to" in second.params["text"]


async def test_joins_and_deactivations_reach_the_core(rig: SlackRig):
    assert await rig.event(sp.team_join("U0NEW")) == 200
    assert await rig.event(sp.member_joined_channel("U0NEW")) == 200
    gone = sp.user_object("U0BOB", "bob", deleted=True)
    assert await rig.event({"type": "user_change", "user": gone, "event_ts": sp.new_ts()}) == 200
    ack = await rig.command("/kudos", "<@U0BOB|bob> thanks")
    assert "no longer a member" in ack["text"]
    assert "gave kudos" in (await rig.command("/kudos", "<@U0NEW|new> welcome"))["text"]


async def test_app_home_opened_publishes_the_members_profile_and_help(rig: SlackRig):
    rig.fake.add_user("U0ALICE", "alice", display_name="Alice")
    assert await rig.event(sp.app_home_opened("U0ALICE")) == 200
    await rig.drain()  # published after Slack was answered
    [published] = rig.fake.calls_to("views.publish")
    assert published.params["user_id"] == "U0ALICE"
    view = published.params["view"]
    shown = str(view["blocks"])
    assert view["type"] == "home" and "Profile of Alice" in shown and "/kudos" in shown


async def test_socket_mode_counts_a_redelivered_event_once_and_serves_commands(make_rig):
    rig = await make_rig(socket=True)
    event = sp.event_envelope(sp.reaction_added("U0ALICE", "tada", "U0BOB", CHANNEL, sp.new_ts()), event_id="EvSOCK")
    for attempt in range(3):
        env = sp.socket_envelope("events_api", event, retry_attempt=attempt, retry_reason="timeout" if attempt else "")
        await rig.fake.wait_for_ack(await rig.fake.socket_send(env))
    env = sp.socket_envelope("slash_commands", sp.slash_command("/profile", "<@U0BOB|bob>"))
    ack = await rig.fake.wait_for_ack(await rig.fake.socket_send(env))
    assert "1 in all" in str(ack["payload"]["blocks"])
    await rig.drain()
    assert len(rig.fake.calls_to("chat.postMessage")) == 1
