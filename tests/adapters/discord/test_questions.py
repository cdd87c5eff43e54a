"""The questions feature end to end through Discord: /ask as an INTERACTION_CREATE, the question posted by the
outbox, answers as messages in the thread started from it, the "Mark as solution" message context-menu command,
and /search with jump URLs; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig, DiscordConfig
from bot.features.questions.answers import SOLUTION_SOURCE
from tests.adapters.discord.test_events import track
from tests.fakes import discord_payloads as p
from tests.features.questions.conftest import answers, kudos, questions

ALICE = p.user("1300000000000000011", "alice")
BOB = p.user("1300000000000000012", "bob")
CAROL = p.user("1300000000000000014", "carol")
MARK = "Mark as solution"
QUESTION = "How do I get Google to re-crawl my sitemap after a migration?"
ANSWER = "Resubmit the sitemap in Search Console, then use URL inspection."
EPHEMERAL = 64
JUMP = "https://discord.com/channels/{}/{}/{}"


@pytest.fixture
async def app(store_url):
    """The Discord conftest's app, on SQLite and PostgreSQL."""
    config = Config(database=DatabaseConfig(url=store_url), discord=DiscordConfig(enabled=True, guild_ids=[p.GUILD_ID]))
    application = await build(config)
    yield application
    await application.close()


def command(name: str, options: dict, user: dict = ALICE) -> dict:
    return p.slash_command(name, [p.option(k, v) for k, v in options.items()], command_guild_id=p.GUILD_ID,
                           user=user)


def mark(target: dict, thread: str | None = None, user: dict = ALICE) -> dict:
    """The context-menu command run on `target`, in the thread it is in (or the channel)."""
    where = {"channel": p.thread_channel(thread, p.CHANNEL_ID, "question")} if thread else {}
    return p.message_command(MARK, target, command_guild_id=p.GUILD_ID, user=user, **where)


class Session:
    """copbot's Discord client running on the app: ask, answer in the thread, mark."""

    def __init__(self, app, fake, client, answer):
        self.app, self.fake, self.client, self.answer = app, fake, client, answer
        self.processed = track(client)
        self.events = 0

    async def ask(self, text: str = QUESTION, tags: str = "#seo") -> str:
        response = await self.answer(command("ask", {"text": text, "tags": tags}))
        assert response["type"] == 4 and response["data"]["flags"] & EPHEMERAL
        await self.app.dispatcher.run_due()
        [posted] = [m for m in self.fake.messages if m["channel_id"] == p.CHANNEL_ID]
        # a member starts a thread from the question's message: the thread has the message's id
        self.fake.guilds[p.GUILD_ID].setdefault("threads", []).append(
            p.thread_channel(posted["id"], p.CHANNEL_ID, "question", owner_id=BOB["id"]))
        return posted["id"]

    async def reply(self, channel: str, text: str = ANSWER, author: dict = BOB) -> dict:
        message = p.message_create(text, author=author, channel_id=channel)
        await self.fake.dispatch("MESSAGE_CREATE", message)
        self.events += 1
        await self.processed(self.events)
        return message


async def session(app, fake, copbot, answer) -> Session:
    return Session(app, fake, copbot(), answer)


async def test_ask_answer_mark_and_search_through_discord(app, fake, copbot, running, answer):
    s = await session(app, fake, copbot, answer)
    async with running(s.client):
        question_id = await s.ask()
        [q] = await questions(app)
        assert (q.status, q.platform, q.workspace_id, q.channel_id, q.message_id) == (
            "open", "discord", p.GUILD_ID, p.CHANNEL_ID, question_id)

        reply = await s.reply(question_id)  # in the thread started from the question
        await s.reply(p.CHANNEL_ID, "in the channel, not the thread")
        [a] = await answers(app)
        assert (a.message_id, a.text) == (reply["id"], ANSWER)

        marked = await answer(mark(reply, question_id))
        assert marked["type"] == 4 and marked["data"]["flags"] & EPHEMERAL  # the asker alone hears
        [q], [a] = await questions(app), await answers(app)
        assert q.status == "solved" and a.accepted_at is not None and a.kudos_given
        [k] = await kudos(app)
        assert (k.receiver_id, k.giver_id, k.source, k.message_id) == (a.author_id, q.asker_id, SOLUTION_SOURCE,
                                                                        reply["id"])
        await app.dispatcher.run_due()  # the public note goes to the question's thread
        assert [m for m in fake.messages if m["channel_id"] == question_id]

        found = await answer(command("search", {"words": "sitemap inspection"}, user=CAROL))
    data = found["data"]
    assert data["flags"] & EPHEMERAL
    shown = "\n".join([data.get("content") or ""] + [e.get("description") or "" for e in data.get("embeds", [])]
                      + [f["value"] for e in data.get("embeds", []) for f in e.get("fields", [])])
    question_url = JUMP.format(p.GUILD_ID, p.CHANNEL_ID, question_id)
    answer_url = JUMP.format(p.GUILD_ID, question_id, reply["id"])  # in the thread, the thread is the channel
    assert shown.count(f"[\\#1]({question_url})") == 1
    assert f"]({answer_url})" in shown


async def test_marking_a_message_that_is_no_answer_is_refused_privately_and_changes_nothing(
        app, fake, copbot, running, answer):
    s = await session(app, fake, copbot, answer)
    async with running(s.client):
        question_id = await s.ask()
        reply = await s.reply(question_id)
        stray = p.message("just chatting", channel_id=p.CHANNEL_ID, author=BOB)
        itself = next({k: v for k, v in m.items() if k not in ("body", "allowed_mentions")}
                      for m in fake.messages if m["id"] == question_id)
        responses = [await answer(mark(stray)), await answer(mark(itself)),
                     await answer(mark(reply, question_id, user=CAROL))]
    assert all(r["data"]["flags"] & EPHEMERAL for r in responses)
    [q], [a] = await questions(app), await answers(app)
    assert q.status == "open" and a.accepted_at is None and await kudos(app) == []
    assert [m for m in fake.messages if m["channel_id"] == question_id] == []  # nothing said in the thread


async def test_an_answer_recorded_without_text_gets_it_from_the_context_menu_and_is_found(
        app, fake, copbot, running, answer):
    """Without the message-content intent Discord sends thread messages with empty content; the context-menu
    command carries the message, text included, and that text is what /search then finds."""
    s = await session(app, fake, copbot, answer)
    async with running(s.client):
        question_id = await s.ask()
        blank = await s.reply(question_id, text="")
        assert [a.text for a in await answers(app)] == [""]
        await answer(mark({**blank, "content": "Use URL inspection on the staging pages."}, question_id))
        found = await answer(command("search", {"words": "staging"}, user=CAROL))
    [a] = await answers(app)
    assert a.text == "Use URL inspection on the staging pages." and a.accepted_at is not None
    assert JUMP.format(p.GUILD_ID, p.CHANNEL_ID, question_id) in str(found["data"])
