"""Answers in a question's thread, solutions (✅, the "mark as solution" action, /solved), /reopen, the one
reminder to the asker, and closing quiet questions as stale."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import Context, Plan
from bot.domain import OutboxItem
from bot.errors import Refusal
from bot.events import MessageAction, MessageDeleted, MessagePosted, ReactionAdded
from bot.features.questions import mirror, views
from bot.features.questions.ask import MAX_TEXT, MAY_CLOSE, plan_stale
from bot.features.questions.model import DELETED, OPEN, POSTED, SOLVED, STALE, Answer, Question
from bot.identity import ChannelTarget, MemberTarget
from bot.ports import UnitOfWork
from bot.reply import Button, Reply
from bot.text import clean_text

SOLUTION_EMOJI = frozenset({"white_check_mark", "✅", "heavy_check_mark", "✔️"})
MARK_SOLUTION = "mark-solution"  # the MessageAction adapters send (Slack's shortcut, Discord's context menu)
NUDGE = "questions.nudge"
SOLUTION_SOURCE = "solution"  # kudos from an accepted answer: outside the giver's daily allowance


@dataclass(frozen=True)
class MarkSolved:
    question_id: int
    answer: int | None = None


@dataclass(frozen=True)
class Reopen:
    question_id: int


def thread_of(question: Question) -> ChannelTarget:
    return ChannelTarget(question.platform, question.workspace_id, question.channel_id,
                         question.thread_id or question.message_id)


# Answers ------------------------------------------------------------------------------------


async def on_message(event: MessagePosted, ctx: Context) -> None:
    place = event.place
    if not place.thread_id or not place.message_id or ctx.member.is_bot:
        return None
    repo, cid = ctx.uow.questions, ctx.community.id
    question = await repo.by_message(cid, place.platform, place.workspace_id, place.thread_id)
    if question is None or question.status not in POSTED:
        return None
    text = clean_text(event.text[:MAX_TEXT], what="the answer", max_len=MAX_TEXT)
    answer = await repo.add_answer(cid, question.id, author_id=ctx.member.id, text=text, at=ctx.now,
                                   place={"platform": place.platform, "workspace_id": place.workspace_id,
                                          "channel_id": place.channel_id, "message_id": place.message_id})
    await mirror.plan_copies(ctx.uow, cid, question, answer, place, ctx.now)
    changes: dict = {"last_activity_at": ctx.now}
    if question.status == STALE:  # an answer brings a quiet question back
        changes.update(status=OPEN, closed_at=None)
        plan_stale(ctx.uow, cid, question.id, ctx.now + timedelta(days=ctx.settings.questions_stale_days))
    if question.first_answer_at is None and ctx.member.id != question.asker_id:
        changes["first_answer_at"] = ctx.now
        ctx.uow.outbox.add(cid, NUDGE, {"question_id": question.id},
                           due_at=ctx.now + timedelta(hours=ctx.settings.questions_nudge_hours),
                           key=f"{NUDGE}:{question.id}", if_absent=True)
    await repo.update(cid, question.id, **changes)
    return None


async def on_deleted(event: MessageDeleted, ctx: Context) -> None:
    place, repo, cid = event.place, ctx.uow.questions, ctx.community.id
    if not place.message_id:
        return None
    question = await repo.by_message(cid, place.platform, place.workspace_id, place.message_id)
    if question is not None:  # the question's message, and so its thread (a mirror's leaves it as it is)
        if (question.platform, question.workspace_id, question.message_id) == (
                place.platform, place.workspace_id, place.message_id):
            await repo.update(cid, question.id, status=DELETED, closed_at=ctx.now)
        return None
    answer = await repo.answer_by_message(cid, place.platform, place.workspace_id, place.message_id)
    if answer is None or answer.deleted_at is not None:
        return None
    await repo.delete_answer(cid, answer.id, ctx.now)
    question = await repo.by_id(cid, answer.question_id)
    left = [a for a in await repo.answers(cid, question.id) if a.accepted_at and not a.deleted_at]
    if question.status == SOLVED and not left:
        await repo.update(cid, question.id, status=OPEN, solved_at=None)
    return None


# Solutions ----------------------------------------------------------------------------------


def may_close(ctx: Context, question: Question) -> None:
    if ctx.member.id != question.asker_id and ctx.role < MAY_CLOSE:
        raise Refusal(f"Only the asker, a champion or a manager can mark the solution of question "
                      f"#{question.number}.")


def posted(question: Question | None, number: int) -> Question:
    if question is None or question.status == "draft":
        raise Refusal(f"There is no question #{number} here.")
    if question.status not in POSTED:
        raise Refusal(f"Question #{number} was {views.STATUS[question.status]}: there is nothing to mark.")
    return question


async def on_reaction(event: ReactionAdded, ctx: Context) -> Reply | None:
    if event.emoji.strip(":") not in SOLUTION_EMOJI:
        return None
    return await _mark_message(ctx, event.place, quiet_if_unknown=True)


async def on_action(event: MessageAction, ctx: Context) -> Reply | None:
    if event.action != MARK_SOLUTION:
        return None
    return await _mark_message(ctx, event.place, quiet_if_unknown=False, text=event.message_text)


async def _mark_message(ctx: Context, place, *, quiet_if_unknown: bool, text: str = "") -> Reply | None:
    repo, cid = ctx.uow.questions, ctx.community.id
    message_id = place.message_id or ""
    question = await repo.by_message(cid, place.platform, place.workspace_id, message_id)
    if question is not None:
        raise Refusal(f"That is question #{question.number} itself: mark the answer in its thread that solved it.")
    answer = await repo.answer_by_message(cid, place.platform, place.workspace_id, message_id)
    if answer is None and (answer := await repo.answer_by_copy(cid, place.platform, place.workspace_id,
                                                                 message_id)):
        text = ""  # the copy's words are the bot's, not the answer's
    if answer is None:
        if quiet_if_unknown:
            return None  # a ✅ on any other message is just a ✅
        raise Refusal("That message is not an answer to a question I know: mark a reply in a question's thread.")
    question = await repo.by_id(cid, answer.question_id)
    question = posted(question, question.number if question else 0)
    return await mark(ctx, question, answer, text=text)


async def solved(cmd: MarkSolved, ctx: Context) -> Reply:
    repo, cid = ctx.uow.questions, ctx.community.id
    question = posted(await repo.get(cid, cmd.question_id), cmd.question_id)
    may_close(ctx, question)
    answers = await repo.answers(cid, question.id)
    if cmd.answer is not None:
        answer = next((a for a in answers if a.number == cmd.answer), None)
        if answer is None:
            raise Refusal(f"Question #{question.number} has no answer {cmd.answer} (it has {len(answers)}).")
    else:
        candidates = [a for a in answers if a.deleted_at is None and a.author_id != question.asker_id]
        if not candidates:
            raise Refusal(f"Question #{question.number} has no answer to mark yet.")
        if len(candidates) > 1:
            numbers = ", ".join(str(a.number) for a in candidates)
            raise Refusal(f"Question #{question.number} has answers {numbers}: say which, like "
                          f"`/solved {question.number} {candidates[0].number}`.")
        answer = candidates[0]
    return await mark(ctx, question, answer)


async def mark(ctx: Context, question: Question, answer: Answer, text: str = "") -> Reply:
    """Accept one answer: the question is solved, and its author gets kudos under its tags (once per answer,
    outside the daily allowance of whoever marks it) and counts as a helper in them.

    `text` is the answer's message as the mark-solution action handed it over: it fills an answer stored
    without text (Discord without the message-content intent), unless its author was erased."""
    may_close(ctx, question)
    if answer.deleted_at is not None:
        raise Refusal(f"Answer {answer.number} of question #{question.number} was deleted.")
    if answer.accepted_at is not None:
        raise Refusal(f"Answer {answer.number} of question #{question.number} is already marked as a solution.")
    repo, cid = ctx.uow.questions, ctx.community.id
    author = await ctx.uow.members.get(cid, answer.author_id)
    filled = None
    if text and not answer.text and not author.erased:
        filled = clean_text(text[:MAX_TEXT], what="the answer", max_len=MAX_TEXT) or None
    await repo.accept(cid, answer.id, by_id=ctx.member.id, at=ctx.now, text=filled)
    await repo.update(cid, question.id, status=SOLVED, solved_at=question.solved_at or ctx.now, closed_at=None,
                      last_activity_at=ctx.now)
    thanks = ""
    if not answer.kudos_given and author.id != ctx.member.id and author.active and not author.is_bot:
        tag_ids = await ctx.uow.tags.ensure(cid, list(question.tags))
        await ctx.uow.kudos.add(
            cid, batch=uuid.uuid4().hex, giver_id=ctx.member.id, receiver_ids=[author.id],
            reason=f"accepted answer to question #{question.number}", tag_ids=list(tag_ids.values()),
            source=SOLUTION_SOURCE, at=ctx.now,
            place={"platform": answer.platform, "workspace_id": answer.workspace_id,
                   "channel_id": answer.channel_id, "message_id": answer.message_id})
        await repo.kudos_given(cid, answer.id)
        thanks = f" 🎉 Kudos to {author.name}{' under ' + views.tag_text(question.tags) if question.tags else ''}."
    text = (f"{views.CHECK} Answer {answer.number} by {author.name} solves question #{question.number} "
            f"(marked by {ctx.member.name}).{thanks}")
    for where in await mirror.threads(ctx.uow, cid, question):
        ctx.send_later(where, Reply.public(text))
    return Reply.ephemeral(f"Marked: answer {answer.number} by {author.name} solves question #{question.number}.")


async def reopen(cmd: Reopen, ctx: Context) -> Reply:
    repo, cid = ctx.uow.questions, ctx.community.id
    question = posted(await repo.get(cid, cmd.question_id), cmd.question_id)
    may_close(ctx, question)
    if question.status == OPEN:
        raise Refusal(f"Question #{question.number} is already open.")
    await repo.unaccept_all(cid, question.id)
    await repo.update(cid, question.id, status=OPEN, solved_at=None, closed_at=None, last_activity_at=ctx.now)
    plan_stale(ctx.uow, cid, question.id, ctx.now + timedelta(days=ctx.settings.questions_stale_days))
    note = Reply.public(f"Question #{question.number} is open again ({ctx.member.name} reopened it): answers "
                        "welcome.")
    for where in await mirror.threads(ctx.uow, cid, question):
        ctx.send_later(where, note)
    return Reply.ephemeral(f"Question #{question.number} is open again.")


# Later: the one reminder, and quiet questions --------------------------------------------------


async def decide_nudge(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Plan:
    """Asks the asker once, when due, to mark a solution: nothing if it was solved or closed meanwhile."""
    question = await uow.questions.by_id(item.community_id, item.payload["question_id"])
    if question is None or question.status != OPEN:
        return []
    answers = [a for a in await uow.questions.answers(item.community_id, question.id)
               if a.deleted_at is None and a.author_id != question.asker_id]
    if not answers:
        return []
    members = await uow.members.many(item.community_id, [question.asker_id, *(a.author_id for a in answers)])
    asker = members[question.asker_id]
    buttons = tuple(Button(f"Answer {a.number} by {members[a.author_id].name}",
                           f"solved {question.number} {a.number}") for a in answers[:5])
    text = (f"Did an answer solve your question {views.reference(question)}? Press the one that did, so the "
            "next person finds it (and its author gets kudos).")
    return [(MemberTarget(asker.ref, fallback=thread_of(question)), Reply.direct(text, buttons=buttons))]


async def decide_stale(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Plan:
    """Closes an open question quiet for `questions_stale_days`, with a note in its thread; one with activity
    since is looked at again when it could be quiet long enough (the setting as it is then)."""
    cid = item.community_id
    question = await uow.questions.by_id(cid, item.payload["question_id"])
    if question is None or question.status != OPEN:
        return []
    days = (await uow.communities.get(cid)).settings.questions_stale_days
    quiet_until = question.last_activity_at + timedelta(days=days)
    if quiet_until > now:
        plan_stale(uow, cid, question.id, quiet_until)
        return []
    await uow.questions.update(cid, question.id, status=STALE, closed_at=now)
    note = Reply.public(f"Question #{question.number} had no activity for {days} days, so I closed it as stale. "
                        f"An answer here, or `/reopen {question.number}`, opens it again.")
    return [(where, note) for where in await mirror.threads(uow, cid, question)]
