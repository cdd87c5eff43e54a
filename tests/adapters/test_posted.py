"""Outbound.send says what it posted (Slack's ts, the console's mN), so an answer can go under it and the
post can be edited later."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbound import SlackOutbound
from bot.identity import ChannelTarget, MemberRef, MemberTarget
from bot.reply import Reply
from tests.fakes.slack_fake import FakeSlack


async def test_slack_returns_the_ts_it_posted_answers_in_its_thread_and_edits_it():
    async with FakeSlack() as fake:
        outbound = SlackOutbound(AsyncWebClient(token="xoxb-test", base_url=fake.api_base))
        posted = await outbound.send(ChannelTarget("slack", "T1", "C1"), Reply.public("a question"), key="k")
        ts = fake.calls_to("chat.postMessage")[0]
        assert posted is not None and posted.channel_id == "C1" and posted.message_id
        await outbound.send(posted.thread(), Reply.public("an answer"), key="k2")
        await outbound.edit(posted, Reply.public("a question (answered)"))
        dm = await outbound.send(MemberTarget(MemberRef("slack", "T1", "U1")), Reply.direct("psst"), key="k3")
    answer = fake.calls_to("chat.postMessage")[1].params
    assert answer["thread_ts"] == posted.message_id and ts.params["channel"] == "C1"
    update = fake.calls_to("chat.update")[0].params
    assert (update["channel"], update["ts"], update["text"]) == ("C1", posted.message_id, "a question (answered)")
    assert dm is not None and dm.message_id and dm.channel_id != "C1"


async def test_the_console_returns_its_message_id_and_edits_it(console):
    adapter = console.adapter
    posted = await adapter.send(ChannelTarget("console", "local", "general"), Reply.public("first"), key="k")
    await adapter.edit(posted, Reply.public("second"))
    assert adapter.messages[posted.message_id].text == "second"
    assert f"[{posted.message_id} edited]" in console.last
