"""/ask: a question is checked, offered the solved questions that look close and tags its words suggest, then
posted (through the outbox, which records where it went so the answers in its thread are recognised)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.commands import Form, FormField
from bot.context import Context
from bot.domain import OutboxItem
from bot.errors import Refusal
from bot.features.activity import mark_active
from bot.features.questions import mirror, views
from bot.features.questions.model import DEFLECTED, DRAFT, OPEN, SOLVED, Question, SearchHit
from bot.features.questions.words import close_enough, significant_words, suggest_tags
from bot.features.topics.check import known_tags
from bot.features.topics.escalation import plan_escalation
from bot.identity import ChannelTarget, Posted, Role
from bot.ports import UnitOfWork
from bot.reply import Button, Reply, Section
from bot.settings import channel_here

MAX_TEXT = 3000  # what a Slack section and a Discord message both carry, with the bot's words around it
MAX_TAGS = 5  # Discord's forum posts take five tags
MAX_SIMILAR = 3
POST = "questions.post"
STALE = "questions.stale"


@dataclass(frozen=True)
class AskQuestion:
    text: str
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PostDraft:
    question_id: int
    untagged: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deflect:
    question_id: int
    answered_by: int


@dataclass(frozen=True)
class DraftTags:
    question_id: int


def check_tags(tags: list[str]) -> None:
    if len(tags) > MAX_TAGS:
        raise Refusal(f"A question takes at most {MAX_TAGS} tags; this one has {len(tags)}.", field="tags")


async def tag_keywords(ctx: Context) -> Mapping[str, list[str]]:
    """The words that suggest each tag: the taxonomy's keywords (/tags add), else the tags in use, by name."""
    taxonomy = await ctx.uow.topics.taxonomy(ctx.community.id)
    if taxonomy:
        return {topic.name: list(topic.keywords) for topic in taxonomy}
    return {name: [] for name in await ctx.uow.tags.names(ctx.community.id)}


async def similar_solved(ctx: Context, text: str) -> list[SearchHit]:
    words = significant_words(text)
    hits = await ctx.uow.questions.search(ctx.community.id, words, any_word=True, solved_only=True, limit=10)
    return [h for h in hits if close_enough(text, "\n".join([h.question.text, *(a.text for a in h.accepted)]))][
        :MAX_SIMILAR]


async def ask(cmd: AskQuestion, ctx: Context) -> Reply:
    check_tags(cmd.tags)
    suggested = [] if cmd.tags else suggest_tags(cmd.text, await tag_keywords(ctx))
    tag_ids = await known_tags(ctx.uow, ctx.community.id, cmd.tags or [tag for tag, _ in suggested])
    similar = await similar_solved(ctx, cmd.text)
    channel = channel_here(ctx.settings.questions_channel, ctx.place.platform, ctx.place.workspace_id)
    place = {"platform": ctx.place.platform, "workspace_id": ctx.place.workspace_id,
             "channel_id": channel or ctx.place.channel_id}
    question = await ctx.uow.questions.add(ctx.community.id, asker_id=ctx.member.id, text=cmd.text,
                                           tag_ids=list(tag_ids.values()), status=DRAFT if similar or suggested
                                           else OPEN, place=place, at=ctx.now)
    if question.status == OPEN:
        await mark_active(ctx)
        plan_post(ctx, question)
        return Reply.ephemeral(f"Your question {views.reference(question)} is posted: answers come in its thread.")
    return await offer(ctx, question, similar, suggested)


async def offer(ctx: Context, question: Question, similar: list[SearchHit],
                suggested: list[tuple[str, str]]) -> Reply:
    n = question.number
    sections: list[Section] = []
    buttons: list[Button] = []
    if similar:
        names = await _names(ctx, [a.author_id for h in similar for a in h.accepted])
        sections += [views.hit_section(h, names) for h in similar]
        buttons.append(Button("Post my question anyway", f"question post {n}", "primary"))
        buttons += [Button(f"This answers it (#{h.question.number})", f"question answered {n} {h.question.number}")
                    for h in similar]
    if suggested:
        why = ", ".join(f"#{tag} (you wrote “{word}”)" for tag, word in suggested)
        sections.append(Section(f"Suggested tags: {why}."))
        if not similar:
            buttons.append(Button(f"Post with {views.tag_text(question.tags)}", f"question post {n}", "primary"))
        buttons += [Button("Post without tags", f"question post {n} untagged"),
                    Button("Change tags", f"question tags {n}")]
    intro = (f"Before I post your question #{n}: these solved questions look close. Does one answer it?"
             if similar else f"Your question #{n} is ready to post.")
    return Reply.ephemeral(intro, sections=tuple(sections), buttons=tuple(buttons))


async def _draft(ctx: Context, number: int) -> Question:
    question = await ctx.uow.questions.get(ctx.community.id, number)
    if question is None or question.asker_id != ctx.member.id:
        raise Refusal(f"You have no question #{number} waiting to be posted.")
    if question.status != DRAFT:
        raise Refusal(f"Question #{number} is already {views.STATUS.get(question.status, 'done')}.")
    return question


async def post_draft(cmd: PostDraft, ctx: Context) -> Reply:
    question = await _draft(ctx, cmd.question_id)
    check_tags(cmd.tags)
    if cmd.untagged or cmd.tags:
        tag_ids = await known_tags(ctx.uow, ctx.community.id, cmd.tags)
        await ctx.uow.questions.set_tags(ctx.community.id, question.id, list(tag_ids.values()))
    question = await ctx.uow.questions.update(ctx.community.id, question.id, status=OPEN, last_activity_at=ctx.now)
    await mark_active(ctx)
    plan_post(ctx, question)
    return Reply.ephemeral(f"Your question {views.reference(question)} is posted: answers come in its thread.")


async def deflect(cmd: Deflect, ctx: Context) -> Reply:
    question = await _draft(ctx, cmd.question_id)
    answer = await ctx.uow.questions.get(ctx.community.id, cmd.answered_by)
    if answer is None or answer.status != SOLVED:
        raise Refusal(f"Question #{cmd.answered_by} is not a solved question.")
    await ctx.uow.questions.update(ctx.community.id, question.id, status=DEFLECTED, closed_at=ctx.now,
                                   deflected_to_id=answer.id)
    await mark_active(ctx)
    return Reply.ephemeral(f"Glad {views.reference(answer)} answers it: your question #{question.number} is not "
                           "posted.")


async def draft_tags(cmd: DraftTags, ctx: Context) -> Reply:
    question = await _draft(ctx, cmd.question_id)
    known = await ctx.uow.tags.names(ctx.community.id)
    listed = views.tag_text(known[:30]) or "none yet"
    return Reply.ephemeral(f"Post it with the tags you choose: `/question post {question.number} #tag #tag` "
                           f"(at most {MAX_TAGS}). Tags here: {listed}.")


def plan_post(ctx: Context, question: Question) -> None:
    ctx.uow.outbox.add(ctx.community.id, POST, {"question_id": question.id}, due_at=ctx.now,
                       key=f"{POST}:{question.id}", if_absent=True)
    plan_stale(ctx.uow, ctx.community.id, question.id, ctx.now + timedelta(days=ctx.settings.questions_stale_days))
    plan_escalation(ctx.uow, ctx.community, question.id, ctx.now)


def plan_stale(uow: UnitOfWork, community_id: int, question_id: int, due_at: datetime) -> None:
    """One row per open question, looked at when it could be quiet long enough (answers/questions.decide_stale)."""
    uow.outbox.add(community_id, STALE, {"question_id": question_id}, due_at=due_at,
                   key=f"{STALE}:{question_id}:{due_at.isoformat()}", if_absent=True)


async def decide_post(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list:
    question = await uow.questions.by_id(item.community_id, item.payload["question_id"])
    if question is None or question.status != OPEN or question.message_id:
        return []
    asker = await uow.members.get(item.community_id, question.asker_id)
    target = ChannelTarget(question.platform, question.workspace_id, question.channel_id, fallback=asker.ref)
    return [(target, Reply.public(views.posted_text(question, asker.name)))]


async def record_posted(item: OutboxItem, posted: list[Posted | None], uow: UnitOfWork, now: datetime) -> None:
    where = next((p for p in posted if p is not None), None)
    if where is None:
        return
    question = await uow.questions.update(item.community_id, item.payload["question_id"],
                                          channel_id=where.channel_id, message_id=where.message_id,
                                          thread_id=where.thread_id, posted_at=now)
    await mirror.plan_mirrors(uow, item.community_id, question, now)


async def _names(ctx: Context, member_ids: list[int]) -> dict[int, str]:
    members = await ctx.uow.members.many(ctx.community.id, member_ids)
    return {i: m.name for i, m in members.items()}


ASK_FORM = Form(
    fields=(
        FormField("text", "Your question", "How do I get my sitemap re-crawled?", max_len=200),
        FormField("details", "Details (optional)", "What you tried, what you saw", required=False,
                  max_len=MAX_TEXT - 200, multiline=True),
        FormField("tags", "Tags (optional, up to 5)", "seo analytics", required=False, max_len=200),
    ),
    to_line=lambda answers: " ".join(part for part in (
        answers.get("text", ""), answers.get("details", ""),
        " ".join("#" + t.lstrip("#") for t in answers.get("tags", "").replace(",", " ").split())) if part),
)

MAY_CLOSE = Role.CHAMPION  # besides the asker
