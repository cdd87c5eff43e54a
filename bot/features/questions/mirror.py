"""One question on both platforms (`questions_mirror`): a posted question is posted again in the questions
channel of every other workspace the community is bound to. Answers written under any of its posts are stored
once, where they were written, and copied into the other posts' threads, named by their author as plain text.
One question row holds it all: one solved record, one search hit, one helper's accepted answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain import OutboxItem
from bot.features.questions import views
from bot.features.questions.model import POSTED, Answer, Mirror, Question, SearchHit
from bot.identity import ChannelTarget, Place, Posted
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import channels_everywhere

MIRROR = "questions.mirror"
COPY = "questions.copy"


def own_post(question: Question) -> Mirror | None:
    if not question.message_id:
        return None
    return Mirror(question.id, None, question.platform, question.workspace_id, question.channel_id,
                  question.message_id, question.thread_id)


async def posts(uow: UnitOfWork, community_id: int, question: Question) -> list[Mirror]:
    """The question's own post, then its mirrors."""
    mirrored = [m for m in await uow.questions.mirrors(community_id, question.id) if m.answer_id is None]
    return [p for p in (own_post(question), *mirrored) if p is not None]


def thread(post: Mirror) -> ChannelTarget:
    return ChannelTarget(post.platform, post.workspace_id, post.channel_id, post.thread_id or post.message_id)


async def threads(uow: UnitOfWork, community_id: int, question: Question) -> list[ChannelTarget]:
    """Every thread of the question: a note about it (solved, reopened, stale) goes to each."""
    return [thread(p) for p in await posts(uow, community_id, question)] or [
        ChannelTarget(question.platform, question.workspace_id, question.channel_id)]


def _is(post: Mirror, platform: str, workspace_id: str) -> bool:
    return (post.platform, post.workspace_id) == (platform, workspace_id)


async def plan_mirrors(uow: UnitOfWork, community_id: int, question: Question, now: datetime) -> None:
    """Once the question is posted: one row per other bound workspace with a questions channel, if opted in."""
    settings = (await uow.communities.get(community_id)).settings
    if not settings.questions_mirror:
        return
    bindings = await uow.communities.bindings(community_id)
    for platform, workspace, channel in channels_everywhere(settings.questions_channel, bindings):
        if (platform, workspace) != (question.platform, question.workspace_id):
            uow.outbox.add(community_id, MIRROR, {"question_id": question.id, "platform": platform,
                                                  "workspace_id": workspace, "channel_id": channel},
                           due_at=now, key=f"{MIRROR}:{question.id}:{platform}:{workspace}", if_absent=True)


async def decide_mirror(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list:
    where = item.payload
    question = await uow.questions.by_id(item.community_id, where["question_id"])
    if question is None or question.status not in POSTED:
        return []
    asker = await uow.members.get(item.community_id, question.asker_id)
    target = ChannelTarget(where["platform"], where["workspace_id"], where["channel_id"])
    return [(target, Reply.public(views.mirrored_text(question, asker.name)))]


async def plan_copies(uow: UnitOfWork, community_id: int, question: Question, answer: Answer, written: Place,
                      now: datetime) -> None:
    """An answer written under one post of the question is copied under each of the others."""
    for post in await posts(uow, community_id, question):
        if not _is(post, written.platform, written.workspace_id):
            uow.outbox.add(community_id, COPY, {"question_id": question.id, "answer_id": answer.id,
                                                "from": written.platform, "platform": post.platform,
                                                "workspace_id": post.workspace_id},
                           due_at=now, key=f"{COPY}:{answer.id}:{post.platform}:{post.workspace_id}", if_absent=True)


async def decide_copy(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list:
    """The answer as it is now: nothing if it, or its question, is gone, or its author was erased."""
    cid, where = item.community_id, item.payload
    question = await uow.questions.by_id(cid, where["question_id"])
    if question is None or question.status not in POSTED:
        return []
    answer = next((a for a in await uow.questions.answers(cid, question.id) if a.id == where["answer_id"]), None)
    post = next((p for p in await posts(uow, cid, question) if _is(p, where["platform"], where["workspace_id"])),
                None)
    if answer is None or answer.deleted_at is not None or post is None:
        return []
    author = await uow.members.get(cid, answer.author_id)
    if author.erased:
        return []
    return [(thread(post), Reply.public(views.copied_answer(answer, author.name, where["from"])))]


async def record(item: OutboxItem, posted: list[Posted | None], uow: UnitOfWork, now: datetime) -> None:
    """Where a mirror or a copy went: a reply under it (or ✅ on it) then finds its question (or answer)."""
    where = next((p for p in posted if p is not None), None)
    if where is None:
        return
    await uow.questions.add_mirror(item.community_id, item.payload["question_id"],
                                   answer_id=item.payload.get("answer_id"), at=now,
                                   place={"platform": where.platform, "workspace_id": where.workspace_id,
                                          "channel_id": where.channel_id, "message_id": where.message_id,
                                          "thread_id": where.thread_id})


async def seen_from(uow: UnitOfWork, community_id: int, hit: SearchHit, platform: str,
                    workspace_id: str) -> SearchHit:
    """A question as someone in this workspace reads it: its post here, and its answers' messages here (the
    copies of those written elsewhere), so its links open on this side. Unchanged where it has no post here."""
    mirrors = await uow.questions.mirrors(community_id, hit.question.id)
    if not mirrors:
        return hit
    question = hit.question
    every_post = (own_post(question), *(m for m in mirrors if m.answer_id is None))
    post = next((p for p in every_post if p is not None and _is(p, platform, workspace_id)), None)
    if post is None:
        return hit
    copies = {m.answer_id: m.message_id for m in mirrors if m.answer_id and _is(m, platform, workspace_id)}
    here = replace(question, platform=post.platform, workspace_id=post.workspace_id, channel_id=post.channel_id,
                   message_id=post.message_id, thread_id=post.thread_id)
    return replace(hit, question=here,
                   accepted=tuple(replace(a, message_id=copies.get(a.id, a.message_id)) for a in hit.accepted))
