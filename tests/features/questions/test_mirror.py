"""One question on both platforms (`questions_mirror`): posted in the other bound workspace's questions channel,
answers copied across (named, never pinging), solved from a copy, found once; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from itertools import count

import pytest
from sqlalchemy import select

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from bot.core import Invocation
from bot.domain import OutboxItem
from bot.events import MessageAction, MessageDeleted, MessagePosted, ReactionAdded
from bot.features.questions import mirror
from bot.identity import ChannelTarget, Place, Posted, Role
from bot.reply import message_links
from storage.models_questions import MirrorRow
from storage.transfer import import_community
from storage.transfer_export import export_community
from tests.conftest import make_config
from tests.features.linking.helpers import PLACES, discord, mention, say, slack
from tests.features.questions.conftest import START, answers, kudos, questions

OWNER = slack("U0", "olga", role=Role.OWNER)
ANN, BOB, CAROL = discord("21", "ann"), slack("U2", "bob"), slack("U3", "carol")
QA = {"slack": "C9", "discord": "900"}  # the questions channels
ASKED = "How do I get Google to re-crawl my sitemap? #seo"


@dataclass
class Sent:
    target: ChannelTarget
    text: str
    posted: Posted


@dataclass
class Recorder:
    """One platform's outbound: every message gets an id, and the thread it went to."""

    platform: str
    sent: list[Sent] = field(default_factory=list)
    ids: count = field(default_factory=lambda: count(1))

    async def send(self, target, reply, *, key):
        posted = Posted(self.platform, target.workspace_id, target.channel_id, f"{self.platform[0]}{next(self.ids)}",
                        getattr(target, "thread_id", None))
        self.sent.append(Sent(target, reply.text, posted))
        return posted


@dataclass
class Rig:
    app: object
    out: dict[str, Recorder]
    events: count = field(default_factory=lambda: count(1))

    async def run(self) -> None:
        await self.app.dispatcher.run_due()

    def posts(self, platform: str, marker: str = "Question #") -> list[Sent]:
        return [s for s in self.out[platform].sent if marker in s.text and not s.target.thread_id]

    def in_thread(self, platform: str, thread: str) -> list[str]:
        return [s.text for s in self.out[platform].sent if s.target.thread_id == thread]

    def in_thread_sent(self, platform: str, post: Sent) -> list[Posted]:
        return [s.posted for s in self.out[platform].sent if s.target.thread_id == post.posted.message_id]

    async def event(self, kind, person, place: Place, **fields):
        return await self.app.core.handle_event(kind(person, place, f"e{next(self.events)}", **fields))

    async def reply(self, person, post: Sent, text: str) -> Place:
        """`person` writes `text` in the thread under `post`; returns where the reply is."""
        where = post.posted
        place = Place(where.platform, where.workspace_id, where.channel_id, f"r{next(self.events)}", where.message_id)
        await self.event(MessagePosted, person, place, text=text)
        return place


@pytest.fixture
async def rig(store_url, clock):
    clock.set(START)
    app = await build(make_config(store_url, communities=[CommunityConfig(name="Both", slack=["T1"],
                                                                          discord=["G1"])]), clock=clock)
    out = {platform: Recorder(platform) for platform in ("slack", "discord")}
    for platform, recorder in out.items():
        app.outbound.add(platform, recorder)
    await say(app, OWNER, f"settings questions_channel slack:{QA['slack']} discord:{QA['discord']}")
    await say(app, OWNER, "settings questions_mirror on")
    yield Rig(app, out)
    await app.close()


async def mirror_rows(app) -> list:
    async with app.core.uow_factory() as uow:
        return list((await uow.session.execute(select(MirrorRow.__table__).order_by(MirrorRow.id))).all())


async def asked(rig: Rig, person=ANN, line: str = ASKED) -> tuple[Sent, Sent]:
    """`person` asks; returns the question's own post and its mirror on the other platform."""
    await say(rig.app, person, f"ask {line}")
    await rig.run()
    other = "slack" if person.ref.platform == "discord" else "discord"
    [own], [mirrored] = rig.posts(person.ref.platform), rig.posts(other)
    return own, mirrored


async def test_a_question_is_mirrored_once_to_the_other_workspaces_questions_channel(rig):
    own, mirrored = await asked(rig)
    assert (own.target.platform, own.target.channel_id) == ("discord", QA["discord"])
    assert (mirrored.target.platform, mirrored.target.workspace_id, mirrored.target.channel_id) == (
        "slack", "T1", QA["slack"])
    await rig.run()
    assert len(rig.posts("slack")) == 1 and len(rig.posts("discord")) == 1
    [row] = await mirror_rows(rig.app)
    assert (row.platform, row.message_id, row.answer_id) == ("slack", mirrored.posted.message_id, None)


async def test_nothing_is_mirrored_unless_the_community_opted_in(rig):
    await say(rig.app, OWNER, "settings questions_mirror off")
    await say(rig.app, ANN, f"ask {ASKED}")
    await rig.run()
    assert len(rig.posts("discord")) == 1 and rig.posts("slack") == [] and await mirror_rows(rig.app) == []


async def test_nothing_is_mirrored_to_a_workspace_without_a_questions_channel(rig):
    await say(rig.app, OWNER, f"settings questions_channel discord:{QA['discord']}")
    await say(rig.app, ANN, f"ask {ASKED}")
    await rig.run()
    assert len(rig.posts("discord")) == 1 and rig.posts("slack") == [] and await mirror_rows(rig.app) == []


async def test_an_answer_on_either_side_is_stored_once_and_copied_to_the_other(rig):
    own, mirrored = await asked(rig)
    await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.reply(discord("22", "dan"), own, "Check robots.txt too.")
    await rig.run()
    rows = await answers(rig.app)
    assert [(r.platform, r.text) for r in rows] == [("slack", "Resubmit it in Search Console."),
                                                    ("discord", "Check robots.txt too.")]
    [to_discord] = rig.in_thread("discord", own.posted.message_id)
    [to_slack] = rig.in_thread("slack", mirrored.posted.message_id)
    assert "bob" in to_discord and "Resubmit it in Search Console." in to_discord
    assert "dan" in to_slack and "Check robots.txt too." in to_slack
    copies = [r for r in await mirror_rows(rig.app) if r.answer_id]
    assert sorted((c.platform, c.answer_id) for c in copies) == [("discord", rows[0].id), ("slack", rows[1].id)]
    assert (await questions(rig.app))[0].first_answer_at is not None
    await rig.run()
    assert len(rig.in_thread("discord", own.posted.message_id)) == 1  # once per answer and place


async def test_a_copy_keeps_mass_mentions_inert(rig):
    own, mirrored = await asked(rig)
    await rig.reply(BOB, mirrored, "@everyone look <@&55>")
    await rig.run()
    [copied] = rig.in_thread("discord", own.posted.message_id)
    assert "@everyone" not in copied and "<@&55>" not in copied


async def test_a_check_on_the_copy_solves_the_question_and_both_threads_hear_it(rig):
    own, mirrored = await asked(rig)
    written = await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.run()
    copy = next(s for s in rig.out["discord"].sent if s.target.thread_id == own.posted.message_id)
    on_copy = Place("discord", "G1", copy.posted.channel_id, copy.posted.message_id, own.posted.message_id)
    await rig.event(ReactionAdded, ANN, on_copy, emoji="✅")
    [q], [a] = await questions(rig.app), await answers(rig.app)
    assert q.status == "solved" and a.accepted_at is not None and a.kudos_given
    [given] = await kudos(rig.app)
    assert given.receiver_id == a.author_id and given.giver_id == q.asker_id
    assert (given.platform, given.message_id) == ("slack", written.message_id)  # the answer's own message
    await rig.run()
    assert len(rig.in_thread("discord", own.posted.message_id)) == 2  # the copy, then the solved note
    assert len(rig.in_thread("slack", mirrored.posted.message_id)) == 1  # the solved note


async def test_the_mark_solution_action_on_a_copy_marks_the_original_answer(rig):
    """Asked on Slack, answered on Discord without the message-content intent (no text): the copy's words are
    the bot's, so they never become the answer's text."""
    own, mirrored = await asked(rig, person=BOB)
    await rig.reply(ANN, mirrored, "")
    await rig.run()
    copy = next(s for s in rig.out["slack"].sent if s.target.thread_id == own.posted.message_id)
    on_copy = Place("slack", "T1", copy.posted.channel_id, copy.posted.message_id, own.posted.message_id)
    await rig.event(MessageAction, BOB, on_copy, action="mark-solution", message_text=copy.text)
    [a] = await answers(rig.app)
    assert a.accepted_at is not None and a.text == ""


async def test_search_and_listing_on_either_side_find_the_question_once(rig):
    own, mirrored = await asked(rig)
    written = await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await say(rig.app, ANN, "solved 1")
    await rig.run()
    copy = rig.in_thread_sent("discord", own)[0]  # then the solved note
    for person, question, answer in ((ANN, own.posted, copy), (BOB, mirrored.posted, written)):
        [found] = (await say(rig.app, person, "search sitemap console")).sections
        [listed] = (await say(rig.app, person, "questions solved")).sections[0].text.splitlines()
        # linked to the posts on the searcher's side: the question's, and the answer's (or its copy)
        assert [(k.platform, k.message_id) for k in message_links(found.text + listed)] == [
            (question.platform, question.message_id)] * 2
        [linked] = message_links(found.fields[0].value)
        assert (linked.platform, linked.message_id) == (answer.platform, answer.message_id)


async def test_deleting_a_mirror_or_a_copy_leaves_the_question_and_answer_deleting_the_answer_does_not(rig):
    own, mirrored = await asked(rig)
    written = await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.run()
    copy = next(s for s in rig.out["discord"].sent if s.target.thread_id == own.posted.message_id)
    await rig.event(MessageDeleted, ANN, Place("discord", "G1", copy.posted.channel_id, copy.posted.message_id,
                                               own.posted.message_id))
    await rig.event(MessageDeleted, BOB, Place("slack", "T1", QA["slack"], mirrored.posted.message_id))
    [q], [a] = await questions(rig.app), await answers(rig.app)
    assert q.status == "open" and a.deleted_at is None
    await rig.event(MessageDeleted, BOB, written)
    assert (await answers(rig.app))[0].deleted_at is not None


async def test_a_deleted_or_erased_answer_is_not_copied_later(rig):
    own, mirrored = await asked(rig)
    written = await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.event(MessageDeleted, BOB, written)
    await rig.reply(CAROL, mirrored, "Check robots.txt.")
    erased = await rig.app.core.handle(Invocation(OWNER, PLACES["slack"], f"member erase {mention(CAROL)}",
                                                  (OWNER, CAROL)))
    assert not erased.refused, erased.text
    await rig.run()
    assert rig.in_thread("discord", own.posted.message_id) == []


async def test_answers_to_a_question_deleted_meanwhile_are_not_copied(rig):
    own, mirrored = await asked(rig)
    await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.event(MessageDeleted, ANN, Place("discord", "G1", QA["discord"], own.posted.message_id))
    await rig.run()
    assert (await questions(rig.app))[0].status == "deleted"
    assert rig.in_thread("discord", own.posted.message_id) == []


async def test_a_question_deleted_before_its_mirror_goes_out_is_not_mirrored(rig, clock):
    own, _ = await asked(rig)
    await rig.event(MessageDeleted, ANN, Place("discord", "G1", QA["discord"], own.posted.message_id))
    [q] = await questions(rig.app)
    item = OutboxItem(0, q.community_id, mirror.MIRROR, {"question_id": q.id, "platform": "slack",
                                                         "workspace_id": "T1", "channel_id": QA["slack"]},
                      clock.now(), 0)
    async with rig.app.core.uow_factory() as uow:
        assert await mirror.decide_mirror(item, uow, clock.now()) == []


async def test_mirrors_and_copies_move_with_the_community(rig):
    own, mirrored = await asked(rig)
    await rig.reply(BOB, mirrored, "Resubmit it in Search Console.")
    await rig.run()
    buffer = io.BytesIO()
    await export_community(rig.app.engine, "Both", buffer.write)
    imported = await import_community(rig.app.engine, io.BytesIO(buffer.getvalue()), new_name="Copy")
    async with rig.app.core.uow_factory() as uow:
        question = await uow.questions.get(imported.community_id, 1)
        [answer] = await uow.questions.answers(imported.community_id, question.id)
        moved = await uow.questions.mirrors(imported.community_id, question.id)
    assert [(m.platform, m.message_id, m.answer_id) for m in moved] == [
        ("slack", mirrored.posted.message_id, None), ("discord", rig.in_thread_sent("discord", own)[0].message_id,
                                                      answer.id)]
