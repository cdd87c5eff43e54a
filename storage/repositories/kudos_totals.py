"""Running leaderboard totals (the kudos_totals table), kept in the same transaction as the kudos they count.

A kudos adds one to eight rows (received by its receiver, given by its giver; its week, month, quarter and all
time in the community's zone), and eight more per tag. A board then reads one slice of the primary key (a
community's members for one direction, period and tag: at most one row per member) instead of grouping every
kudos of the period: at 1,000,000 kudos the all-time board went from 260 ms to a few (bench/kudos.py --board).

`reached_at` is the time of the member's latest live kudos in that slice, the same tie-break the boards had when
they grouped kudos (ties go to whoever reached the total first). A revoke (undo, void) subtracts from the count
and sets `reached_at` again from that member's remaining kudos in the slice (a small indexed query), so after an
undo the tie-break is exactly what a count from scratch gives. Counts change only by increments and decrements,
never by a value read earlier, so two replicas writing the same row at once cannot lose a kudos.

Rows are keyed by the local first day of each period, so a change of the community's zone needs `rebuild` of
the local periods (the /settings zone handler calls it). A rebuild writes the all-time rows, the month and quarter
running at that moment (older ones are never shown) and every week since the first live kudos: the digest reads
its weeks' kudos from the week rows (storage/repositories/digest.py, backfilled by migration 0016). Importing
kudos from the past needs one too. After a merge, the two members' rows of every period are counted again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, and_, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_midnight_utc
from bot.periods import PERIODS, first_day
from storage.models import KudosRow, KudosTagRow, KudosTotalRow, KudosWeekRow, MemberRow

ALL_TIME = date(1970, 1, 1)  # the period_start of the all-time rows
DIRECTIONS = ("received", "given")


_K, _KT, _TOT, _M = KudosRow.__table__, KudosTagRow.__table__, KudosTotalRow.__table__, MemberRow.__table__
_WK = KudosWeekRow.__table__


@dataclass(frozen=True)
class Counted:
    """One kudos as the totals see it."""

    giver_id: int
    receiver_id: int
    created_at: datetime
    tag_ids: tuple[int, ...] = ()


def period_key(period: str, at: datetime, zone: str) -> date:
    return first_day(period, at, zone) or ALL_TIME


def _period_end(period: str, start: date) -> date | None:
    if period == "all":
        return None
    if period == "week":
        return start + timedelta(weeks=1)
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _keys(kudos: Counted, zone: str) -> Iterable[tuple[str, int, str, date, int]]:
    """(direction, member, period, period start, tag) of every row this kudos counts in."""
    for period in PERIODS:
        start = period_key(period, kudos.created_at, zone)
        for tag_id in (0, *kudos.tag_ids):
            yield "received", kudos.receiver_id, period, start, tag_id
            yield "given", kudos.giver_id, period, start, tag_id


def _insert(session: AsyncSession):
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def add(session: AsyncSession, community_id: int, zone: str, kudos: Sequence[Counted]) -> None:
    """Count new kudos: one multi-row upsert (a batch's giver rows are summed first: a row appears once)."""
    sums: dict[tuple, tuple[int, datetime]] = {}
    for one in kudos:
        for key in _keys(one, zone):
            n, latest = sums.get(key, (0, one.created_at))
            sums[key] = (n + 1, max(latest, one.created_at))
    if not sums:
        return
    # In key order, as in remove(): writers of the same rows on PostgreSQL lock them in one order, never deadlock.
    rows = [{"community_id": community_id, "direction": d, "member_id": m, "period": p, "period_start": s,
             "tag_id": t, "count": n, "reached_at": at} for (d, m, p, s, t), (n, at) in sorted(sums.items())]
    insert = _insert(session)(_TOT)
    later = func.greatest if session.bind.dialect.name == "postgresql" else func.max
    counted = await session.execute(insert.on_conflict_do_update(
        index_elements=list(_TOT.primary_key.columns),
        set_={"count": _TOT.c.count + insert.excluded.count,
              "reached_at": later(_TOT.c.reached_at, insert.excluded.reached_at)})
        .returning(_TOT.c.direction, _TOT.c.member_id, _TOT.c.period, _TOT.c.period_start, _TOT.c.tag_id,
                   _TOT.c.count), rows)
    # A week row whose count is what this batch added is new: one more giver or receiver that week.
    weeks: dict[tuple[date, int], list[int]] = {}
    for direction, member_id, period, start, tag_id, count in counted:
        if period == "week":
            n = sums[(direction, member_id, period, start, tag_id)][0]
            week = weeks.setdefault((start, tag_id), [0, 0, 0])
            week[0] += n if direction == "received" else 0
            week[1 if direction == "given" else 2] += count == n
    await _count_weeks(session, community_id, weeks)


async def _count_weeks(session: AsyncSession, community_id: int, weeks: dict[tuple[date, int], list[int]]) -> None:
    """Add (given, givers, receivers) to each (week, tag) of the community: increments only, as the totals."""
    rows = [{"community_id": community_id, "week": week, "tag_id": tag_id, "given": given, "givers": givers,
             "receivers": receivers} for (week, tag_id), (given, givers, receivers) in sorted(weeks.items())]
    if not rows:
        return
    insert = _insert(session)(_WK)
    await session.execute(insert.on_conflict_do_update(
        index_elements=list(_WK.primary_key.columns),
        set_={column: _WK.c[column] + insert.excluded[column] for column in ("given", "givers", "receivers")}), rows)


def _latest_live(direction: str, period: str, zone: str):
    """The time of a member's latest live kudos in one slice (bound: community_id, member_id, start, tag_id)."""
    who = _K.c.receiver_id if direction == "received" else _K.c.giver_id
    query = select(func.max(_K.c.created_at)).where(
        _K.c.community_id == bindparam("community_id"), who == bindparam("member_id"), _K.c.revoked_at.is_(None))
    if period != "all":
        query = query.where(_K.c.created_at >= bindparam("since"), _K.c.created_at < bindparam("until"))
    return query


def _tagged(query):
    return query.where(_K.c.id.in_(select(_KT.c.kudos_id).where(_KT.c.tag_id == bindparam("tag_id"))))


async def remove(session: AsyncSession, community_id: int, zone: str, kudos: Sequence[Counted]) -> None:
    """Uncount kudos just revoked (their revoked_at is already set in this transaction)."""
    sums: dict[tuple, int] = {}
    for one in kudos:
        for key in _keys(one, zone):
            sums[key] = sums.get(key, 0) + 1
    weeks: dict[tuple[date, int], list[int]] = {}
    for (direction, member_id, period, start, tag_id), n in sorted(sums.items()):
        if period == "week":
            week = weeks.setdefault((start, tag_id), [0, 0, 0])
            week[0] -= n if direction == "received" else 0
        latest = _latest_live(direction, period, zone)
        if tag_id:
            latest = _tagged(latest)
        end = _period_end(period, start)
        params = {"community_id": community_id, "member_id": member_id, "tag_id": tag_id}
        if end is not None:
            params |= {"since": local_midnight_utc(start, zone), "until": local_midnight_utc(end, zone)}
        slice_ = and_(_TOT.c.community_id == community_id, _TOT.c.direction == direction,
                      _TOT.c.period == period, _TOT.c.period_start == start, _TOT.c.tag_id == tag_id,
                      _TOT.c.member_id == member_id)
        reached = (await session.execute(latest, params)).scalar()
        if reached is None:
            await session.execute(delete(_TOT).where(slice_))
            if period == "week":  # one giver or receiver fewer that week
                weeks[(start, tag_id)][1 if direction == "given" else 2] -= 1
        else:
            await session.execute(update(_TOT).where(slice_).values(count=_TOT.c.count - n, reached_at=reached))
    await _count_weeks(session, community_id, weeks)


# The time of a community's first live kudos: the week rows are written from its week on.
FIRST_LIVE = select(func.min(_K.c.created_at)).where(_K.c.community_id == bindparam("community_id"),
                                                      _K.c.revoked_at.is_(None))


def weeks_since(first: datetime | None, now: datetime, zone: str) -> list[date]:
    """The local Mondays from the week holding `first` to the one holding `now` (none without a first)."""
    if first is None:
        return []
    monday, last = period_key("week", min(first, now), zone), period_key("week", now, zone)
    return [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]


def rebuild_statements(community_id: int, zone: str, now: datetime, periods: Sequence[str] = PERIODS,
                       first: datetime | None = None, *, weeks_table: bool = True) -> list:
    """Statements that recount a community's totals of those periods from its live kudos: the all-time rows, the
    month and quarter running at `now` in `zone`, and every week from the one holding `first` (the first live
    kudos: FIRST_LIVE) to now, one statement per week and direction (each reads a week of the time index).
    With `weeks_table`, each week's counts (kudos_weeks) too: migration 0007 runs before that table exists.
    Plain SQL, so migrations and imports run them on their own connection. A zone change recounts LOCAL_PERIODS
    only: all-time totals don't depend on the zone, and they read every kudos of the community at once."""
    statements = [delete(_TOT).where(_TOT.c.community_id == community_id, _TOT.c.period.in_(list(periods)))]
    weeks_table = weeks_table and "week" in periods
    if weeks_table:
        statements.append(delete(_WK).where(_WK.c.community_id == community_id))
    for period in periods:
        if period == "week":
            for monday in weeks_since(first, now, zone) or [period_key(period, now, zone)]:
                statements += _counts(community_id, period, monday, local_midnight_utc(monday, zone),
                                      local_midnight_utc(monday + timedelta(weeks=1), zone))
                statements += [week_statement(community_id, monday)] if weeks_table else []
        else:
            start = period_key(period, now, zone)
            statements += _counts(community_id, period, start,
                                  None if period == "all" else local_midnight_utc(start, zone), None)
    return statements


def _counts(community_id: int, period: str, start: date, since: datetime | None, until: datetime | None) -> list:
    columns = ["community_id", "direction", "period", "period_start", "tag_id", "member_id", "count", "reached_at"]
    statements = []
    for direction in DIRECTIONS:
        who = _K.c.receiver_id if direction == "received" else _K.c.giver_id
        for tagged in (False, True):
            tag = _KT.c.tag_id if tagged else literal(0)
            query = (select(literal(community_id), literal(direction), literal(period),
                            literal(start, Date()), tag, who, func.count(), func.max(_K.c.created_at))
                     .where(_K.c.community_id == community_id, _K.c.revoked_at.is_(None))
                     .group_by(who, *([_KT.c.tag_id] if tagged else [])))
            if tagged:
                query = query.join(_KT, _KT.c.kudos_id == _K.c.id)
            if since is not None:
                query = query.where(_K.c.created_at >= since)
            if until is not None:
                query = query.where(_K.c.created_at < until)
            statements.append(_TOT.insert().from_select(columns, query))
    return statements


def week_statement(community_id: int, monday: date):
    """A week's counts (kudos_weeks) from its week rows in kudos_totals, every tag (the week's row not there)."""
    received = _TOT.c.direction == "received"
    query = (select(_TOT.c.community_id, _TOT.c.period_start, _TOT.c.tag_id,
                    func.sum(case((received, _TOT.c.count), else_=0)),
                    func.sum(case((received, 0), else_=1)), func.sum(case((received, 1), else_=0)))
             .where(_TOT.c.community_id == community_id, _TOT.c.direction.in_(DIRECTIONS), _TOT.c.period == "week",
                    _TOT.c.period_start == monday)
             .group_by(_TOT.c.community_id, _TOT.c.period_start, _TOT.c.tag_id))
    return _WK.insert().from_select(["community_id", "week", "tag_id", "given", "givers", "receivers"], query)


async def rebuild(session: AsyncSession, community_id: int, zone: str, now: datetime,
                  periods: Sequence[str] = PERIODS, member_ids: Sequence[int] | None = None) -> None:
    """Recount the community's totals (only those of `member_ids`, when given: after two members merge)."""
    if member_ids is not None:
        await _recount_members(session, community_id, zone, list(member_ids))
        return
    first = (await session.execute(FIRST_LIVE, {"community_id": community_id})).scalar()
    for statement in rebuild_statements(community_id, zone, now, periods, first):
        await session.execute(statement)


async def _recount_members(session: AsyncSession, community_id: int, zone: str, member_ids: list[int]) -> None:
    """Every row of these members (each period they have live kudos in) again from their live kudos: a few
    members' kudos, counted as `add` counts them, so a merge never reads the whole community."""
    mine = [_K.c.community_id == community_id, _K.c.revoked_at.is_(None),
            or_(_K.c.giver_id.in_(member_ids), _K.c.receiver_id.in_(member_ids))]
    tags: dict[int, list[int]] = {}
    for kudos_id, tag_id in await session.execute(
            select(_KT.c.kudos_id, _KT.c.tag_id).join(_K, _K.c.id == _KT.c.kudos_id).where(*mine)):
        tags.setdefault(kudos_id, []).append(tag_id)
    sums: dict[tuple, tuple[int, datetime]] = {}
    for kudos_id, giver, receiver, at in await session.execute(
            select(_K.c.id, _K.c.giver_id, _K.c.receiver_id, _K.c.created_at).where(*mine)):
        for key in _keys(Counted(giver, receiver, at, tuple(tags.get(kudos_id, ()))), zone):
            if key[1] in member_ids:
                n, latest = sums.get(key, (0, at))
                sums[key] = (n + 1, max(latest, at))
    mine = [_TOT.c.community_id == community_id, _TOT.c.member_id.in_(member_ids)]
    weeks = set(await session.scalars(select(_TOT.c.period_start).distinct().where(*mine, _TOT.c.period == "week")))
    await session.execute(delete(_TOT).where(*mine))
    rows = [{"community_id": community_id, "direction": d, "member_id": m, "period": p, "period_start": s,
             "tag_id": t, "count": n, "reached_at": at} for (d, m, p, s, t), (n, at) in sorted(sums.items())]
    if rows:
        await session.execute(_TOT.insert(), rows)
    # The weeks either had a row in, counted again from their rows (a week at a time, each a slice of the key)
    for monday in sorted(weeks | {s for (_, _, p, s, _) in sums if p == "week"}):
        await session.execute(delete(_WK).where(_WK.c.community_id == community_id, _WK.c.week == monday))
        await session.execute(week_statement(community_id, monday))


_SHOWN = and_(_TOT.c.community_id == bindparam("community_id"), _TOT.c.direction == bindparam("direction"),
              _TOT.c.period == bindparam("period"), _TOT.c.period_start == bindparam("start"),
              _TOT.c.tag_id == bindparam("tag_id"), _TOT.c.count > 0,
              _M.c.left_at.is_(None), _M.c.erased_at.is_(None), _M.c.leaderboard_opt_out.is_(False),
              _M.c.is_bot.is_(False))
BOARD = (select(_M.c.id, _M.c.name, _TOT.c.count).join(_M, _M.c.id == _TOT.c.member_id).where(_SHOWN)
         .order_by(_TOT.c.count.desc(), _TOT.c.reached_at.asc(), _M.c.id).limit(bindparam("limit")))
# One member's line of a board and how many shown members rank ahead of it (the board's order, counted in SQL).
MEMBER_LINE = (select(_M.c.id, _M.c.name, _TOT.c.count, _TOT.c.reached_at)
               .join(_M, _M.c.id == _TOT.c.member_id).where(_SHOWN, _M.c.id == bindparam("member_id")))
AHEAD = (select(func.count()).select_from(_TOT).join(_M, _M.c.id == _TOT.c.member_id).where(_SHOWN, or_(
    _TOT.c.count > bindparam("count"),
    and_(_TOT.c.count == bindparam("count"), or_(
        _TOT.c.reached_at < bindparam("reached_at"),
        and_(_TOT.c.reached_at == bindparam("reached_at"), _M.c.id < bindparam("member_id")))))))
