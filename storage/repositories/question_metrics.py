"""The questions feature's numbers for the weekly digest (bot/features/questions/metrics.py has the Protocol and
the definitions): counted in SQL, portable between SQLite and PostgreSQL; the two medians in SQL on PostgreSQL, from the
spans' seconds on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from itertools import pairwise

from sqlalchemy import and_, case, func, null, or_, select, union_all

from bot.features.questions.metrics import OpenQuestion, QuestionWeek
from bot.features.questions.model import DEFLECTED, OPEN, POSTED, SOLVED
from storage.models import MemberRow, TagRow, UtcDateTime
from storage.models_questions import AnswerRow, QuestionRow, QuestionTagRow
from storage.repositories.dialect import median, seconds_between
from storage.repositories.digest import week_of
from storage.repositories.questions import SqlQuestions, accepted_by_author

q = QuestionRow
ASKED_AT = func.coalesce(q.posted_at, q.created_at, type_=UtcDateTime())  # a draft counts from when it was posted


def _within(column, since: datetime, until: datetime):
    return and_(column >= since, column < until)


def _unanswered_at(c, until: datetime):
    """Asked before `until`, and still open with no response then (a later answer, solution or close does not
    change what the week's end saw). `c`: the columns of `_backlog`."""
    return and_(c.status.in_(POSTED), c.asked_at < until,
                or_(c.first_answer_at.is_(None), c.first_answer_at >= until),
                or_(c.solved_at.is_(None), c.solved_at >= until),
                or_(c.closed_at.is_(None), c.closed_at >= until))


def _backlog(scope: list, bounds: Sequence[datetime]):
    """The questions that may be unanswered at some week's end in bounds[1:]: asked before it, no response,
    solution or close before the first. Read from ix_questions_response alone on SQLite, in three ranges (an OR
    would scan the community): no response and open, no response and closed since the first, and a response
    since the first week's end to a question asked before the start of the response's week (one answered
    within its week is unanswered at no week's end)."""
    first, last = bounds[0], bounds[-1]
    columns = (q.id, q.status, ASKED_AT.label("asked_at"), q.first_answer_at, q.solved_at, q.closed_at)
    rest = (q.status.in_(POSTED), ASKED_AT < last, or_(q.solved_at.is_(None), q.solved_at >= first))
    week_start = case(*((q.first_answer_at < bound, start) for start, bound in pairwise(bounds[1:])),
                      else_=bounds[-1])
    return union_all(
        select(*columns).where(*scope, q.first_answer_at.is_(None), q.closed_at.is_(None), *rest),
        select(*columns).where(*scope, q.first_answer_at.is_(None), q.closed_at >= first, *rest),
        select(*columns).where(*scope, q.first_answer_at >= bounds[1], or_(q.closed_at.is_(None), q.closed_at >= first),
                               ASKED_AT < week_start, *rest)).cte("backlog")


def _in_each_week(column, bounds: Sequence[datetime], *where) -> list:
    """A count of the rows whose `column` falls in each week [bounds[i], bounds[i + 1]), as scalar subqueries."""
    return [select(func.count()).where(*where, _within(column, start, end)).scalar_subquery()
            for start, end in pairwise(bounds)]


class SqlQuestionMetrics:
    def __init__(self, session):
        self.s = session

    def _scope(self, community_id: int, tag: str | None) -> list:
        where = [q.community_id == community_id]
        if tag is not None:
            where.append(q.id.in_(select(QuestionTagRow.question_id).join(TagRow, TagRow.id == QuestionTagRow.tag_id)
                                  .where(TagRow.community_id == community_id, TagRow.name == tag)))
        return where

    async def question_weeks(self, community_id: int, bounds: Sequence[datetime], tag: str | None = None,
                             detailed: int | None = None) -> list[QuestionWeek]:
        """Asked and solved of every week; of the last `detailed` weeks also the responses and their medians and
        the backlog of possibly unanswered questions counted at each week's end, overall and by tag. Each from
        its own index range over its span: no query reads questions outside it but that backlog."""
        scope, count = self._scope(community_id, tag), len(bounds) - 1
        posted = q.status.in_(POSTED)
        # Per week, each an index range counted (ix_questions_asked, ix_questions_solved) in one statement:
        # bucketing the span's rows with a CASE compared every row's time with every bound.
        weekly = [*(_in_each_week(q.posted_at, bounds, *scope, posted)),
                  *(_in_each_week(q.created_at, bounds, *scope, posted, q.posted_at.is_(None))),  # not posted yet
                  *(_in_each_week(q.solved_at, bounds, *scope, q.status == SOLVED))]
        counts = [int(n) for n in (await self.s.execute(select(*weekly))).one()]
        asked = [a + b for a, b in zip(counts[:count], counts[count:2 * count], strict=True)]
        solved = counts[2 * count:]
        found = [QuestionWeek(asked[i], solved=solved[i]) for i in range(count)]
        detailed = count if detailed is None else min(detailed, count)
        if detailed:
            found[count - detailed:] = await self._details(scope, bounds[count - detailed:], found[count - detailed:])
        return found

    async def _details(self, scope: list, bounds: Sequence[datetime], counted: list[QuestionWeek]) -> list[QuestionWeek]:
        weeks, first, last = list(pairwise(bounds)), bounds[0], bounds[-1]
        deflected = (await self.s.execute(select(*_in_each_week(q.closed_at, bounds, *scope,
                                                                q.status == DEFLECTED)))).one()
        responses = await self._medians(q.first_answer_at, bounds, *scope, q.status.in_(POSTED),
                                        _within(q.first_answer_at, first, last))
        solutions = await self._medians(q.solved_at, bounds, *scope, q.status == SOLVED,
                                        _within(q.solved_at, first, last))
        backlog = _backlog(scope, bounds)

        def unanswered_at(until):
            return func.count(case((_unanswered_at(backlog.c, until), 1)))

        counts = [unanswered_at(until) for _, until in weeks]
        rows = (await self.s.execute(union_all(  # the backlog read once (a CTE used twice), counted whole and by tag
            select(null().label("name"), *counts).select_from(backlog),
            select(TagRow.name, *counts).select_from(backlog)
            .join(QuestionTagRow, QuestionTagRow.question_id == backlog.c.id)
            .join(TagRow, TagRow.id == QuestionTagRow.tag_id).group_by(TagRow.name)))).all()
        unanswered = next(row[1:] for row in rows if row[0] is None)
        by_tag = [row for row in rows if row[0] is not None]
        found = []
        for i, week_counts in enumerate(counted):
            tags = sorted(((row[0], row[i + 1]) for row in by_tag if row[i + 1]), key=lambda t: (-t[1], t[0]))
            (answered, to_response), (_, to_solution) = responses[i], solutions[i]
            found.append(replace(week_counts, answered=answered, unanswered=unanswered[i],
                                 median_first_response_minutes=to_response, median_solution_minutes=to_solution,
                                 unanswered_by_tag=dict(tags), deflected=deflected[i]))
        return found

    async def _medians(self, end, bounds: Sequence[datetime], *where) -> list[tuple[int, float | None]]:
        """Per week: how many questions `end` (first response, solution) fell in it, and the median minutes from
        asking to it, over those where it came after the asking (taken in SQL on both stores: `median`)."""
        week = week_of(end, bounds)
        middle = median(self.s, case((end >= ASKED_AT, seconds_between(self.s, ASKED_AT, end))))
        rows = await self.s.execute(select(week, func.count(), middle).where(*where).group_by(week))
        found = {index: (int(n), None if m is None else round(m / 60, 1)) for index, n, m in rows}
        return [found.get(i, (0, None)) for i in range(len(bounds) - 1)]

    async def top_answerers(self, community_id: int, since: datetime, until: datetime,
                            limit: int) -> list[tuple[int, int]]:
        """Counted from ix_question_answers_time alone (the asker's own replies marked on the answer: `by_asker`),
        bots left out of the first 2 x limit after: a bot's reply is never stored as an answer (answers.py), and
        joining every answer of the week to its author cost half the query."""
        n = func.count().label("n")
        top = (select(AnswerRow.author_id, n)
               .where(AnswerRow.community_id == community_id, _within(AnswerRow.created_at, since, until),
                      AnswerRow.by_asker.is_(False), AnswerRow.deleted_at.is_(None))
               .group_by(AnswerRow.author_id).order_by(n.desc(), AnswerRow.author_id).limit(2 * limit).subquery())
        rows = await self.s.execute(
            select(top.c.author_id, top.c.n).join(MemberRow, MemberRow.id == top.c.author_id)
            .where(MemberRow.is_bot.is_(False)).order_by(top.c.n.desc(), top.c.author_id).limit(limit))
        return [(member_id, int(count)) for member_id, count in rows]

    async def unanswered_since(self, community_id: int, asked_before: datetime, limit: int) -> list[OpenQuestion]:
        rows = (await self.s.execute(
            select(q.id, q.number, q.text, q.asker_id, ASKED_AT)
            .where(q.community_id == community_id, q.status == OPEN, q.first_answer_at.is_(None),
                   q.closed_at.is_(None), q.solved_at.is_(None),  # always so when open: ix_questions_response
                   ASKED_AT < asked_before)
            .order_by(ASKED_AT, q.id).limit(limit))).all()
        tags = await SqlQuestions(self.s)._tags_of([r.id for r in rows])
        return [OpenQuestion(r.number, r.text, r.asker_id, r[4], tuple(tags.get(r.id, ()))) for r in rows]

    async def suggested_helpers(self, community_id: int, asks: Sequence[tuple[Sequence[str], Sequence[int]]],
                                since: datetime) -> list[int | None]:
        """One suggestion per (tags, besides): the accepted answers under all their tags read once."""
        names = sorted({name for tags, _ in asks for name in tags})
        tag_ids = dict((await self.s.execute(select(TagRow.name, TagRow.id).where(
            TagRow.community_id == community_id, TagRow.name.in_(names)))).all()) if names else {}
        questions = SqlQuestions(self.s)
        rows = await questions.accepted_rows(community_id, sorted(tag_ids.values()), since)
        found = []
        for tags, besides in asks:
            ids = [tag_ids[name] for name in tags if name in tag_ids]
            helpers = await questions.helpers_for(community_id, ids, since, limit=1 + len(besides),
                                                  accepted=accepted_by_author(rows, ids))
            found.append(next((member_id for member_id, _ in helpers if member_id not in besides), None))
        return found
