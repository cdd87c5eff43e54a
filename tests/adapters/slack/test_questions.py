"""The questions feature end to end through Slack: /ask as a signed slash command, the question posted by the
outbox, answers as `message` events in its thread, the "Mark as solution" message shortcut, and /search with
permalinks; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from adapters.slack.shortcuts import shortcut_id
from bot.features.questions.answers import MARK_SOLUTION, SOLUTION_SOURCE
from tests.fakes import slack_payloads as sp
from tests.features.questions.conftest import answers, kudos, questions

CHANNEL = sp.CHANNEL_ID
ASKER, ANSWERER, OTHER = sp.USER_ID, "U0BOB", "U0CAROL"
QUESTION = "How do I get Google to re-crawl my sitemap after a migration? #seo"
ANSWER = "Resubmit the sitemap in Search Console, then use URL inspection."


async def asked(make_rig, store_url, text: str = QUESTION):
    """A rig on the store where alice asked `text` and the outbox posted it: (rig, the question's ts)."""
    rig = await make_rig(url=store_url)
    for user, name in ((ASKER, "alice"), (ANSWERER, "bob"), (OTHER, "carol")):
        rig.fake.add_user(user, name)
    answered: list[str] = []
    post = rig.fake._handlers["chat.postMessage"]

    def recording(call) -> dict:
        body = post(call)
        answered.append(body["ts"])
        return body

    rig.fake.respond_with("chat.postMessage", recording)
    ack = await rig.command("/ask", text, user_id=ASKER, user_name="alice")
    assert ack.get("response_type") == "ephemeral"
    await rig.drain()
    [call] = rig.fake.calls_to("chat.postMessage")
    assert call.params["channel"] == CHANNEL and "thread_ts" not in call.params
    return rig, answered[0]


async def answered_in_thread(rig, question_ts: str, user: str = ANSWERER, text: str = ANSWER) -> dict:
    reply = sp.message(user, text, ts=sp.new_ts(), thread_ts=question_ts)
    assert await rig.event(reply) == 200
    return reply


async def shortcut(rig, message: dict, *, user: str = ASKER, name: str = "mark") -> dict:
    payload = sp.message_action(shortcut_id(MARK_SOLUTION), message, user=user,
                                response_url=rig.fake.response_url(name))
    assert await rig.interact(payload) == (200, "")
    await rig.drain()
    return await rig.fake.wait_for_response(name)


async def test_a_question_asked_with_a_slash_command_is_posted_and_its_ts_stored(make_rig, store_url):
    rig, ts = await asked(make_rig, store_url)
    [q] = await questions(rig.app)
    assert (q.status, q.platform, q.workspace_id, q.channel_id, q.message_id) == ("open", "slack", sp.TEAM_ID,
                                                                                  CHANNEL, ts)
    [call] = rig.fake.calls_to("chat.postMessage")
    assert "re-crawl my sitemap" in call.params["text"]


async def test_a_reply_in_the_questions_thread_is_an_answer_and_one_elsewhere_is_not(make_rig, store_url):
    rig, ts = await asked(make_rig, store_url)
    reply = await answered_in_thread(rig, ts)
    await rig.event(sp.message(ANSWERER, "unrelated thread", thread_ts="1600000000.000100"))
    await rig.event(sp.message(ANSWERER, "in the channel, not the thread"))
    [a] = await answers(rig.app)
    assert (a.message_id, a.text, a.platform) == (reply["ts"], ANSWER, "slack")
    assert (await questions(rig.app))[0].first_answer_at is not None


async def test_the_shortcut_on_an_answer_marks_it_gives_kudos_and_answers_the_asker_privately(make_rig, store_url):
    rig, ts = await asked(make_rig, store_url)
    reply = await answered_in_thread(rig, ts)
    response = await shortcut(rig, reply)
    assert response["response_type"] == "ephemeral"
    [q], [a] = await questions(rig.app), await answers(rig.app)
    assert q.status == "solved" and q.solved_at is not None
    assert a.accepted_at is not None and a.kudos_given
    [k] = await kudos(rig.app)
    assert (k.receiver_id, k.source, k.message_id) == (a.author_id, SOLUTION_SOURCE, reply["ts"])
    assert k.giver_id == q.asker_id != a.author_id
    # and the thread hears of it, publicly
    [*_, note] = rig.fake.calls_to("chat.postMessage")
    assert note.params["thread_ts"] == ts and note.params["channel"] == CHANNEL


async def test_search_finds_the_solved_question_once_with_permalinks(make_rig, store_url):
    rig, ts = await asked(make_rig, store_url)
    reply = await answered_in_thread(rig, ts)
    await shortcut(rig, reply)
    found = await rig.command("/search", "sitemap inspection", user_id=OTHER, user_name="carol")
    assert found["response_type"] == "ephemeral"
    body = json.dumps(found["blocks"])
    question_url, answer_url = rig.fake.permalink(CHANNEL, ts), rig.fake.permalink(CHANNEL, reply["ts"])
    assert body.count(f"<{question_url}|#1>") == 1  # found once, its number linked to the question
    assert f"<{answer_url}|" in body  # the accepted answer, linked
    asked_for = {(c.params["channel"], c.params["message_ts"]) for c in rig.fake.calls_to("chat.getPermalink")}
    assert asked_for == {(CHANNEL, ts), (CHANNEL, reply["ts"])}


async def test_marking_a_message_that_is_no_answer_is_refused_privately_and_changes_nothing(make_rig, store_url):
    rig, ts = await asked(make_rig, store_url)
    reply = await answered_in_thread(rig, ts)
    stray = sp.message(ANSWERER, "just chatting", ts=sp.new_ts())  # a channel message, never an answer
    parent = sp.message(None, "the question", ts=ts, thread_ts=ts, bot_id=sp.BOT_ID)
    refusals = [await shortcut(rig, stray, name="stray"), await shortcut(rig, parent, name="itself"),
                await shortcut(rig, reply, user=OTHER, name="not-the-asker")]
    assert all(r["response_type"] == "ephemeral" for r in refusals)
    [q], [a] = await questions(rig.app), await answers(rig.app)
    assert q.status == "open" and a.accepted_at is None and await kudos(rig.app) == []
    assert len(rig.fake.calls_to("chat.postMessage")) == 1  # the question only: nothing said in the thread


async def test_slack_mass_mentions_in_a_question_stay_inert_when_posted(make_rig, store_url):
    rig, _ = await asked(make_rig, store_url, "<!channel> <!here> <!everyone> sitemap help?")
    [call] = rig.fake.calls_to("chat.postMessage")
    posted = json.dumps(call.params.get("blocks")) + call.params["text"]
    assert "<!channel>" not in posted and "<!here>" not in posted and "<!everyone>" not in posted
