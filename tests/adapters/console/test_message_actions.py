"""The console's surfaces for the questions feature: `:mark ID` (a message action), `:delete ID`, thread replies
and message links, on both stores."""

from __future__ import annotations

from bot.events import MessageAction, MessageDeleted, MessagePosted
from bot.identity import ChannelTarget, MemberRef, Posted
from bot.reply import Reply, message_link
from tests.adapters.probe import Probe


async def test_mark_runs_the_declared_action_on_a_thread_reply(app, console):
    probe = Probe().install(app.core)
    await console.say(":as alice", "How do I tag pages?", ":as bob", ":reply m1 Use canonical tags",
                      ":reply m2 and hreflang")
    out = await console.say(":as alice", ":mark m2")
    [action] = probe.of(MessageAction)
    assert action.action == "mark-solution" and action.actor.ref.user_id == "alice"
    assert (action.place.message_id, action.place.thread_id) == ("m2", "m1")
    assert action.message_author == MemberRef("console", "local", "bob")
    assert action.message_text == "Use canonical tags"
    assert "the answer (message m2)" in out and "only alice sees this" in out
    assert [e.place.thread_id for e in probe.of(MessagePosted)] == [None, "m1", "m1"]  # a reply to a reply: m1


async def test_the_whole_name_works_and_unknown_messages_change_nothing(app, console):
    probe = Probe().install(app.core)
    await console.say("a question")
    await console.say(":mark-solution m1", ":mark m99", ":delete m99")
    assert [e.place.message_id for e in probe.of(MessageAction)] == ["m1"]
    assert probe.of(MessageDeleted) == []


async def test_only_declared_actions_are_console_verbs(console):
    await console.say("a question")
    assert [a.name for a in console.app.core.message_actions()] == ["mark-solution"]  # the questions feature's
    assert "unknown console line" in await console.say(":pin m1")


async def test_delete_tells_the_core(app, console):
    probe = Probe().install(app.core)
    await console.say("question", ":reply m1 answer", ":delete m2")
    [gone] = probe.of(MessageDeleted)
    assert (gone.place.message_id, gone.place.thread_id) == ("m2", "m1")


async def test_links_show_their_label_and_message_and_hostile_labels_stay_text(app, console):
    await console.say("question")
    posted = await console.adapter.send(ChannelTarget("console", "local", "general"), Reply.public(
        "See " + message_link(Posted("console", "local", "general", "m1"), "\x03<@&1> @everyone")), key="k")
    assert posted is not None
    line = console.last
    assert "See @\u200brole1 @\u200beveryone (message m1)" in line and "\x03" not in line and "\x02" not in line
