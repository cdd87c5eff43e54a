"""Reach helpers, not a role: a question still unanswered after `topics_escalate_after_hours` working hours is
raised once to the members best placed to answer it, and after `topics_champions_after_hours` to champions.

Planned as outbox rows when the question is asked (`plan_escalation`), never as timers; each row is decided when
due, so a question answered (or deleted) meanwhile sends nothing. The choice of helpers is a pure function over
candidate data (`rank_helpers`); the store gathers the candidates (uow.topics.helper_candidates)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.context import OutboxKind, message_payload
from bot.domain import Community, Member, OutboxItem
from bot.features.topics.hours import WorkingHours
from bot.identity import MemberTarget
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.text import one_line

ESCALATE = "topics_escalate"
HELPERS, CHAMPIONS = "helpers", "champions"
LOOKBACK = timedelta(days=90)
WEEK = timedelta(days=7)
RETRY = timedelta(hours=1)  # nobody eligible is awake yet: look again in an hour, until the champions' turn


@dataclass(frozen=True)
class UnansweredQuestion:
    """What escalation needs to know of a question (the questions feature provides it)."""

    id: int
    asker_id: int
    tag_ids: tuple[int, ...]
    asked_at: datetime
    answered: bool
    title: str = ""
    link: str | None = None


class QuestionSource(Protocol):
    """How escalation reads questions: the questions feature's repository implements it as `uow.questions`."""

    async def for_escalation(self, community_id: int, question_id: int) -> UnansweredQuestion | None:
        """The question, or None if it is gone (deleted, erased)."""
    async def accepted_answers(self, community_id: int, tag_ids: Sequence[int],
                               since: datetime) -> dict[int, int]:
        """Member id -> accepted answers to questions with any of these tags since `since`."""


Source = Callable[[UnitOfWork], QuestionSource]


def questions_of(uow: UnitOfWork) -> QuestionSource:
    return uow.questions


@dataclass(frozen=True)
class Candidate:
    """One member who might answer: what they did in the question's tags, and what limits asking them."""

    member: Member
    accepted_answers: int = 0
    kudos: int = 0
    follows: bool = False
    paused_until: datetime | None = None
    escalations_this_week: int = 0


def rank_helpers(candidates: Sequence[Candidate], *, asker_id: int, now: datetime, hours: WorkingHours | None,
                 community_zone: str, weekly_cap: int, limit: int) -> list[Member]:
    """The `limit` members best placed to answer, awake now in their zone's working hours (`hours` None: awake or
    not), not paused, under the weekly cap, never the asker: most accepted answers, then most kudos in the tags,
    then followers, then the least asked this week; ties by member id (deterministic)."""
    eligible = [c for c in candidates
                if c.member.id != asker_id and c.member.active and not c.member.is_bot
                and (c.paused_until is None or c.paused_until <= now)
                and c.escalations_this_week < weekly_cap
                and (hours is None or hours.awake(now, c.member.zone or community_zone))]
    eligible.sort(key=lambda c: (-c.accepted_answers, -c.kudos, not c.follows, c.escalations_this_week,
                                 c.member.id))
    return [c.member for c in eligible[:limit]]


def plan_escalation(uow: UnitOfWork, community: Community, question_id: int, asked_at: datetime) -> None:
    """Plan both steps when a question is asked, in its transaction. Planning twice leaves one row of each."""
    settings = community.settings
    hours = WorkingHours.parse(settings.topics_working_hours)
    for level, after in ((HELPERS, settings.topics_escalate_after_hours),
                         (CHAMPIONS, settings.topics_champions_after_hours)):
        due = hours.after(asked_at, timedelta(hours=after), community.zone)
        payload = {"question_id": question_id, "level": level, "asked_at": asked_at.isoformat()}
        uow.outbox.add(community.id, ESCALATE, payload, due_at=due,
                       key=f"escalate:{community.id}:{question_id}:{level}", if_absent=True)


def escalation_kind(source: Source = questions_of) -> OutboxKind:
    async def decide(item: OutboxItem, uow: UnitOfWork, now: datetime) -> list:
        await escalate(item, uow, now, source(uow))
        return []  # each DM is an outbox row of its own: one closed DM never holds back the others

    return OutboxKind(ESCALATE, decide)


async def escalate(item: OutboxItem, uow: UnitOfWork, now: datetime, questions: QuestionSource) -> list[Member]:
    """Decide one due escalation row; returns who is asked (their DMs are queued)."""
    community = await uow.communities.get(item.community_id)
    question = await questions.for_escalation(community.id, item.payload["question_id"])
    if question is None or question.answered:
        return []
    level = item.payload["level"]
    if level == CHAMPIONS:
        chosen = [m for m in await uow.onboarding.champions(community.id) if m.id != question.asker_id]
    else:
        chosen, asleep = await _helpers(uow, community, question, now, questions)
        if not chosen:
            if asleep:
                _retry(uow, community, item, now)
            return []
    for member in await uow.members.reached(community.id, chosen):  # on the identity each last acted through
        await uow.topics.record_escalation(community.id, question.id, member.id, level, now)
        uow.outbox.add(community.id, "message", message_payload(MemberTarget(member.ref),
                                                                ask_for_help(question, level)),
                       due_at=now, key=f"escalate-dm:{community.id}:{question.id}:{level}:{member.id}",
                       if_absent=True)
    return chosen


async def _helpers(uow: UnitOfWork, community: Community, question: UnansweredQuestion, now: datetime,
                   questions: QuestionSource) -> tuple[list[Member], bool]:
    """The helpers to ask now, and whether some who could be asked are only out of their working hours."""
    if not question.tag_ids:
        return [], False
    settings = community.settings
    accepted = await questions.accepted_answers(community.id, question.tag_ids, now - LOOKBACK)
    candidates = await uow.topics.helper_candidates(community.id, question.tag_ids, accepted,
                                                    since=now - LOOKBACK, week_start=now - WEEK, now=now)
    rules = {"asker_id": question.asker_id, "now": now, "community_zone": community.zone,
             "weekly_cap": settings.topics_helper_weekly_cap, "limit": settings.topics_helpers_per_question}
    chosen = rank_helpers(candidates, hours=WorkingHours.parse(settings.topics_working_hours), **rules)
    return chosen, not chosen and bool(rank_helpers(candidates, hours=None, **rules))


def _retry(uow: UnitOfWork, community: Community, item: OutboxItem, now: datetime) -> None:
    """Nobody eligible is awake: look again in an hour, while the champions' turn is still ahead."""
    hours = WorkingHours.parse(community.settings.topics_working_hours)
    asked = item.payload.get("asked_at")
    champions_at = hours.after(datetime.fromisoformat(asked), timedelta(
        hours=community.settings.topics_champions_after_hours), community.zone) if asked else None
    again = now + RETRY
    if champions_at is not None and again >= champions_at:
        return
    uow.outbox.add(community.id, ESCALATE, dict(item.payload), due_at=again,
                   key=f"escalate:{community.id}:{item.payload['question_id']}:{HELPERS}:{again:%Y%m%d%H%M}",
                   if_absent=True)


def ask_for_help(question: UnansweredQuestion, level: str) -> Reply:
    title = f" “{one_line(question.title, 120)}”" if question.title else ""
    link = f" {question.link}" if question.link else ""
    if level == CHAMPIONS:
        return Reply.direct(f"A question has waited days without an answer:{title}{link}. Could you find it a"
                            " helper, or answer it?")
    return Reply.direct(f"A question in your topics has no answer yet:{title}{link}. You know this area well;"
                        " could you take a look? (`/helper pause 7` if you need a break.)")

