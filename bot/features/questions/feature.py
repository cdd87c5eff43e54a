"""The questions feature, declared once: its commands, events, outbox kinds, settings, erase step and
repositories (its own, and the numbers it gives the weekly digest)."""

from __future__ import annotations

from datetime import datetime

from bot.commands import CommandSpec, Kind, Param
from bot.context import Feature, MessageActionSpec, OutboxKind
from bot.events import MessageAction, MessageDeleted, MessagePosted, ReactionAdded
from bot.features.kudos import KudosRepo
from bot.features.questions import answers, ask, find, mirror
from bot.features.questions.metrics import QuestionMetricsRepo
from bot.features.questions.model import QuestionRepo
from bot.features.questions.settings import QuestionsSettings
from bot.ports import UnitOfWork
from bot.reply import Visibility


async def erase_questions(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    """The questions and answers a member wrote are blanked (and leave the search index); the rows stay, so
    the others' answers and kudos keep their question."""
    await uow.questions.erase_texts(community_id, member_id)


async def merge_questions(uow: UnitOfWork, community_id: int, from_member_id: int, into_member_id: int,
                          at: datetime) -> None:
    await uow.questions.merge_member(community_id, from_member_id, into_member_id)


QUESTION = Param("question_id", Kind.INT, "the question number")
TAGS = Param("tags", Kind.TAGS, "topic tags", optional=True)

COMMANDS = (
    CommandSpec("ask", "Ask the community a question", ask.AskQuestion, ask.ask,
                params=(Param("text", Kind.TEXT, "your question", max_len=ask.MAX_TEXT, noun="a question"), TAGS),
                visibility=Visibility.EPHEMERAL, form=ask.ASK_FORM,
                examples=("/ask How do I get Google to re-crawl my sitemap? #seo",)),
    CommandSpec("question post", "Post a question you asked (with other tags, or none)", ask.PostDraft,
                ask.post_draft,
                params=(QUESTION, Param("untagged", Kind.CHOICE, "`untagged` for no tags", optional=True,
                                        choices=("untagged",)), TAGS),
                visibility=Visibility.EPHEMERAL, examples=("/question post 4", "/question post 4 #seo #tech")),
    CommandSpec("question answered", "Don't post your question: a solved one answers it", ask.Deflect,
                ask.deflect, params=(QUESTION, Param("answered_by", Kind.INT, "the solved question's number")),
                visibility=Visibility.EPHEMERAL, examples=("/question answered 4 2",)),
    CommandSpec("question tags", "How to choose the tags of a question before it is posted", ask.DraftTags,
                ask.draft_tags, params=(QUESTION,), visibility=Visibility.EPHEMERAL),
    CommandSpec("solved", "Mark the answer that solved a question", answers.MarkSolved, answers.solved,
                params=(QUESTION, Param("answer", Kind.INT, "the answer's number", optional=True)),
                visibility=Visibility.EPHEMERAL, examples=("/solved 4", "/solved 4 2")),
    CommandSpec("reopen", "Open a solved or stale question again", answers.Reopen, answers.reopen,
                params=(QUESTION,), visibility=Visibility.EPHEMERAL),
    CommandSpec("questions", "Questions: open, solved, unanswered or yours", find.ListQuestions,
                find.list_questions,
                params=(Param("which", Kind.CHOICE, "which questions", optional=True, choices=find.FILTERS), TAGS),
                visibility=Visibility.EPHEMERAL, examples=("/questions", "/questions unanswered #seo")),
    CommandSpec("search", "Search past questions and their accepted answers", find.SearchQuestions, find.search,
                params=(Param("words", Kind.TEXT, "words to search for", max_len=300), TAGS),
                visibility=Visibility.EPHEMERAL, examples=("/search sitemap crawl", "/search utm tracking #analytics")),
)

FEATURE = Feature(
    name="questions",
    commands=COMMANDS,
    message_actions=(MessageActionSpec(answers.MARK_SOLUTION, "Mark as solution"),),
    on_event={MessagePosted: answers.on_message, ReactionAdded: answers.on_reaction,
              MessageAction: answers.on_action, MessageDeleted: answers.on_deleted},
    outbox_kinds=(OutboxKind(ask.POST, ask.decide_post, posted=ask.record_posted),
                  OutboxKind(answers.NUDGE, answers.decide_nudge), OutboxKind(ask.STALE, answers.decide_stale),
                  OutboxKind(mirror.MIRROR, mirror.decide_mirror, posted=mirror.record),
                  OutboxKind(mirror.COPY, mirror.decide_copy, posted=mirror.record)),
    settings=QuestionsSettings,
    erase=erase_questions,
    merge=merge_questions,
    repositories={"questions": QuestionRepo, "question_metrics": QuestionMetricsRepo, "kudos": KudosRepo},
)
