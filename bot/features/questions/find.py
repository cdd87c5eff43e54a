"""/questions (lists) and /search (full text over questions and their accepted answers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.context import Context
from bot.errors import Refusal
from bot.features.questions import mirror, views
from bot.features.questions.model import OPEN, POSTED, SOLVED, SearchHit
from bot.features.questions.words import significant_words
from bot.reply import Reply, Section

LIST_LIMIT = 10
SEARCH_LIMIT = 5
FILTERS = ("open", "solved", "unanswered", "mine")


@dataclass(frozen=True)
class ListQuestions:
    which: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchQuestions:
    words: str
    tags: list[str] = field(default_factory=list)


async def _tag_id(ctx: Context, tags: list[str]) -> tuple[int | None, bool]:
    """The one tag asked for: (its id, whether it exists)."""
    if len(tags) > 1:
        raise Refusal("Filter by one tag at a time.", field="tags")
    if not tags:
        return None, True
    found = await ctx.uow.tags.find(ctx.community.id, tags[0])
    return found, found is not None


async def _here(ctx: Context, hits: list[SearchHit]) -> list[SearchHit]:
    """Mirrored questions as this workspace sees them (their links open here)."""
    return [await mirror.seen_from(ctx.uow, ctx.community.id, hit, ctx.place.platform, ctx.place.workspace_id)
            for hit in hits]


async def list_questions(cmd: ListQuestions, ctx: Context) -> Reply:
    which = cmd.which or "open"
    tag_id, known = await _tag_id(ctx, cmd.tags)
    about = f"{which} questions" + (f" tagged #{cmd.tags[0]}" if cmd.tags else "")
    if not known:
        return Reply.ephemeral(f"No {about}: there is no tag #{cmd.tags[0]} yet.")
    statuses = {"open": [OPEN], "solved": [SOLVED], "unanswered": [OPEN], "mine": list(POSTED)}[which]
    found = await ctx.uow.questions.listing(
        ctx.community.id, statuses=statuses, unanswered=which == "unanswered",
        asker_id=ctx.member.id if which == "mine" else None, tag_id=tag_id, limit=LIST_LIMIT)
    if not found:
        return Reply.ephemeral(f"No {about}.")
    lines = [views.question_line(hit.question) for hit in await _here(ctx, [SearchHit(q, "") for q in found])]
    return Reply.ephemeral(f"The latest {about}:", sections=(Section("\n".join(lines)),))


async def search(cmd: SearchQuestions, ctx: Context) -> Reply:
    words = significant_words(cmd.words)
    if not words:
        raise Refusal("Search for a few words that say what the question is about (not only words like 'how').",
                      field="words")
    tag_id, known = await _tag_id(ctx, cmd.tags)
    if not known:
        return Reply.ephemeral(f"Nothing found: there is no tag #{cmd.tags[0]} yet.")
    repo = ctx.uow.questions
    hits = await repo.search(ctx.community.id, words, tag_id=tag_id, limit=SEARCH_LIMIT)
    loose = not hits
    if loose:  # every word found nothing: the questions with the most of them
        hits = await repo.search(ctx.community.id, words, any_word=True, tag_id=tag_id, limit=SEARCH_LIMIT)
    hits = await _here(ctx, hits)
    if not hits:
        return Reply.ephemeral(f"No question matches “{' '.join(words)}”. Ask it with `/ask`.")
    members = await ctx.uow.members.many(ctx.community.id, [a.author_id for h in hits for a in h.accepted])
    names = {i: m.name for i, m in members.items()}
    intro = f"Questions matching {'some of ' if loose else ''}“{' '.join(words)}”:"
    return Reply.ephemeral(intro, sections=tuple(views.hit_section(h, names) for h in hits))
