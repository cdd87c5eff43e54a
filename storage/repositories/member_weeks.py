"""Who was active in which local week (member_weeks): one insert-if-absent per counted action, the chain of each
member's active weeks (`next_week`), and the digest's counts as indexed range counts.

`rebuild_statements` derives the rows from what the tables hold (migration 0013 and a zone change run them):
messages by local day, kudos given (revoked ones too: the giver acted), RSVPs answered (the latest answer only:
earlier ones are not kept), questions posted or deflected, answers (deleted ones too). Bots never."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import and_, delete, func, literal, or_, select, union, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KudosRow, MemberRow
from storage.models_activity import ActiveCountRow, MemberDayActivityRow, MemberWeekRow
from storage.models_meetups import RsvpRow
from storage.models_questions import AnswerRow, QuestionRow
from storage.repositories.dialect import upsert_adding

_W, _C = MemberWeekRow.__table__, ActiveCountRow.__table__
_MARK = {dialect: (pg_insert if dialect == "postgresql" else sqlite_insert)(_W).on_conflict_do_nothing()
         .returning(_W.c.week) for dialect in ("postgresql", "sqlite")}
_COUNT = {dialect: upsert_adding(dialect, _C, "members") for dialect in ("postgresql", "sqlite")}
ANSWERED = ("yes", "maybe", "no", "waitlist")  # an RSVP given ("none": attendance only)
ASKED = ("open", "solved", "stale", "deflected", "deleted")  # a question that was posted or deflected


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _mine(table, community_id: int, member_id: int) -> list:
    return [table.c.community_id == community_id, table.c.member_id == member_id]


def chain_statements(community_id: int, member_id: int, week: date) -> list:
    """After `week` was inserted: the previous active week now points at it, and it at the next one."""
    other = _W.alias("other")
    before = select(func.max(other.c.week)).where(*_mine(other, community_id, member_id), other.c.week < week)
    after = select(func.min(other.c.week)).where(*_mine(other, community_id, member_id), other.c.week > week)
    return [update(_W).where(*_mine(_W, community_id, member_id), _W.c.week == before.scalar_subquery())
            .values(next_week=week),
            update(_W).where(*_mine(_W, community_id, member_id), _W.c.week == week)
            .values(next_week=after.scalar_subquery())]


def rechain_statement(community_id: int, member_ids: Sequence[int] | None = None):
    """Every row's next_week from its member's next row (of these members, or the whole community)."""
    w = _W.c
    ranked = select(w.member_id, w.week, func.lead(w.week).over(partition_by=w.member_id, order_by=w.week)
                    .label("after")).where(w.community_id == community_id)
    if member_ids is not None:
        ranked = ranked.where(w.member_id.in_(list(member_ids)))
    ranked = ranked.subquery()
    return (update(_W).where(w.community_id == community_id, w.member_id == ranked.c.member_id,
                             w.week == ranked.c.week).values(next_week=ranked.c.after))


def span_statement(community_id: int):
    """The earliest and latest counted action of a community (instants; activity days as their UTC midnight)."""
    k, r, q, a = KudosRow, RsvpRow, QuestionRow, AnswerRow
    times = [select(func.min(k.created_at), func.max(k.created_at)).where(k.community_id == community_id),
             select(func.min(r.answered_at), func.max(r.answered_at)).where(r.community_id == community_id),
             select(func.min(q.created_at), func.max(func.coalesce(q.posted_at, q.created_at)))
             .where(q.community_id == community_id),
             select(func.min(a.created_at), func.max(a.created_at)).where(a.community_id == community_id)]
    d = MemberDayActivityRow
    days = select(func.min(d.day), func.max(d.day)).where(d.community_id == community_id)
    return times, days


def week_rows(community_id: int, week: date, start: datetime, end: datetime):
    """INSERT ... SELECT of one local week [start, end) (its Monday `week`): every member who acted in it."""
    d, k, r, q, a, m = MemberDayActivityRow, KudosRow, RsvpRow, QuestionRow, AnswerRow, MemberRow
    asked_at = func.coalesce(q.posted_at, q.created_at)
    actors = union(
        select(d.member_id.label("member_id")).where(d.community_id == community_id, d.day >= week,
                                                     d.day < week + timedelta(days=7), d.messages > 0),
        select(k.giver_id).where(k.community_id == community_id, k.created_at >= start, k.created_at < end),
        select(r.member_id).where(r.community_id == community_id, r.status.in_(ANSWERED), r.answered_at >= start,
                                  r.answered_at < end),
        select(q.asker_id).where(q.community_id == community_id, or_(q.status.in_(ASKED), q.posted_at.is_not(None)),
                                 asked_at >= start, asked_at < end),
        select(a.author_id).where(a.community_id == community_id, a.created_at >= start, a.created_at < end),
    ).subquery()
    other = _W.alias("other")  # the later weeks, already rebuilt: the member's next active week
    after = select(func.min(other.c.week)).where(other.c.community_id == community_id,
                                                 other.c.member_id == actors.c.member_id, other.c.week > week)
    people = (select(literal(community_id), actors.c.member_id, literal(week), after.scalar_subquery())
              .join(m, m.id == actors.c.member_id).where(m.is_bot.is_(False)))
    return _W.insert().from_select(["community_id", "member_id", "week", "next_week"], people)


def rebuild_statements(community_id: int, weeks: Sequence[tuple[date, datetime, datetime]]) -> list:
    """Every row of a community again, from the weeks given ((Monday, start, end), covering every action): the
    latest week first, each week's rows deleted and written again with their next week, so no statement touches
    more than a week (a zone change runs these within the statement timeout at a year of 50,000 members)."""
    w = _W.c
    mine = w.community_id == community_id
    outside = delete(_W).where(mine, w.week < weeks[0][0]) if weeks else delete(_W).where(mine)
    return [outside, *(delete(_W).where(mine, w.week >= week[0]) for week in weeks[-1:]),
            *(statement for week in reversed(weeks)
              for statement in (delete(_W).where(mine, w.week == week[0]), week_rows(community_id, *week)))]


def recount_statements(community_id: int) -> list:
    """The community's active counts again from its member_weeks rows (after a rebuild, an import, migration 0018)."""
    w = _W.c
    counted = (select(w.community_id, w.week, func.count()).where(w.community_id == community_id)
               .group_by(w.community_id, w.week))
    return [delete(_C).where(_C.c.community_id == community_id),
            _C.insert().from_select(["community_id", "week", "members"], counted)]


def _uncount(community_id: int, weeks) -> object:
    """One member fewer in each of `weeks` (a select of weeks whose member_weeks rows are about to go)."""
    return (update(_C).where(_C.c.community_id == community_id, _C.c.week.in_(weeks))
            .values(members=_C.c.members - 1))


class SqlMemberWeeks:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def mark(self, community_id: int, member_id: int, day: date) -> None:
        # The hot path (every message): one insert that does nothing when the week is already there.
        week = monday(day)
        inserted = (await self.s.execute(_MARK[self.s.bind.dialect.name], {
            "community_id": community_id, "member_id": member_id, "week": week})).first()
        if inserted is not None:
            await self.s.execute(_COUNT[self.s.bind.dialect.name],
                                 {"community_id": community_id, "week": week, "members": 1})
            for statement in chain_statements(community_id, member_id, week):
                await self.s.execute(statement)

    async def span(self, community_id: int) -> tuple[datetime, datetime] | None:
        times, days = span_statement(community_id)
        return spanned([(await self.s.execute(query)).one() for query in times], (await self.s.execute(days)).one())

    async def rebuild(self, community_id: int, weeks: Sequence[tuple[date, datetime, datetime]]) -> None:
        for statement in (*rebuild_statements(community_id, weeks), *recount_statements(community_id)):
            await self.s.execute(statement)

    async def erase(self, community_id: int, member_id: int) -> None:
        await self.s.execute(_uncount(community_id, select(_W.c.week).where(*_mine(_W, community_id, member_id))))
        await self.s.execute(delete(_W).where(*_mine(_W, community_id, member_id)))

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int) -> None:
        """The weeks either was active in become the second's; the chain is drawn again."""
        theirs = select(_W.c.week).where(*_mine(_W, community_id, into_member_id))
        moving = (select(_W.c.community_id, literal(into_member_id), _W.c.week)
                  .where(*_mine(_W, community_id, from_member_id), _W.c.week.not_in(theirs)))
        # the weeks both were active in (read before the move): one member fewer once the first's rows go
        both = select(_W.c.week).where(*_mine(_W, community_id, from_member_id), _W.c.week.in_(theirs))
        await self.s.execute(_uncount(community_id, both))
        await self.s.execute(_W.insert().from_select(["community_id", "member_id", "week"], moving))
        await self.s.execute(delete(_W).where(*_mine(_W, community_id, from_member_id)))
        await self.s.execute(rechain_statement(community_id, [into_member_id]))

    # The digest's counts ------------------------------------------------------------------------------------

    async def active(self, community_id: int, weeks: Sequence[date]) -> list[int]:
        """Members active in each of these weeks (their counts, kept with the rows)."""
        rows = dict((await self.s.execute(select(_C.c.week, _C.c.members).where(
            _C.c.community_id == community_id, _C.c.week.in_(list(weeks))))).all())
        return [int(rows.get(week, 0)) for week in weeks]

    async def quiet(self, community_id: int, week: date, last: date) -> int:
        """Members active in `week` and in no later week up to `last` (a Monday)."""
        in_week = (_W.c.community_id == community_id, _W.c.week == week)
        never, not_by = (select(func.count()).where(*in_week, condition).scalar_subquery()
                         for condition in (_W.c.next_week.is_(None), _W.c.next_week > last))
        return int((await self.s.execute(select(never + not_by))).scalar_one())  # two index ranges, not the week

    async def retained(self, community_id: int, joined: Sequence[datetime], weeks: Sequence[date]) -> list[int]:
        """Per i: members (not bots) who joined in [joined[i], joined[i + 1]) and were active in weeks[i]. One
        statement of a count per week: from the members who joined (ix_members_joined) to their row of that week
        (primary key)."""
        m = MemberRow
        counts = [select(func.count()).select_from(m)
                  .join(_W, and_(_W.c.community_id == community_id, _W.c.member_id == m.id, _W.c.week == week))
                  .where(m.community_id == community_id, m.is_bot.is_(False), m.joined_at >= start, m.joined_at < end)
                  .scalar_subquery() for week, (start, end) in zip(weeks, pairwise(joined), strict=True)]
        return [int(n) for n in (await self.s.execute(select(*counts))).one()]


def spanned(times: Sequence[tuple], days: tuple) -> tuple[datetime, datetime] | None:
    """The earliest and latest of `span_statement`'s answers (a day as its UTC noon: weeks have a day to spare)."""
    moments = [m for row in times for m in row if m is not None]
    moments += [datetime(d.year, d.month, d.day, 12, tzinfo=UTC) for d in days if d is not None]
    return (min(moments), max(moments)) if moments else None
