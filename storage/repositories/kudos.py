"""Kudos and the counts leaderboards and profiles are made of. Revoked kudos never count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Kudos, KudosCounts, Standing
from bot.periods import PERIODS
from storage.models import CommunityRow, KudosRow, KudosTagRow, MemberRow, TagRow
from storage.repositories import kudos_totals as totals
from storage.repositories.dialect import sqlite_unindexed
from storage.repositories.kudos_totals import Counted
from storage.repositories.outbox import forget_in_outbox

# Kudos given with an accepted answer (bot/features/questions): thanks from the question, not from the giver's
# daily allowance, so the daily rules do not count them.
OUTSIDE_ALLOWANCE = "solution"


def to_kudos(row: KudosRow, tags: Sequence[str] = ()) -> Kudos:
    return Kudos(row.id, row.number, row.community_id, row.batch, row.giver_id, row.receiver_id, row.reason,
                 row.created_at, tuple(tags), row.revoked_at)


# The statements of every kudos, built once as Core statements (see communities.py for why).
_K = KudosRow.__table__
_ADD = _K.insert().returning(_K.c.id)
_ADD_TAGS = KudosTagRow.__table__.insert()
# Numbers the new kudos (see take_numbers in communities.py: the row stays locked until the unit of work ends)
# and reads the zone their totals are kept in, in one statement.
_C = CommunityRow.__table__
_TAKE_NUMBERS = (update(_C).where(_C.c.id == bindparam("community_id"))
                 .values(last_kudos_number=_C.c.last_kudos_number + bindparam("n"))
                 .returning(_C.c.last_kudos_number, _C.c.zone))
_GIVEN_SINCE = (
    select(_K.c.receiver_id, func.count())
    .where(_K.c.community_id == bindparam("community_id"), _K.c.revoked_at.is_(None),
           _K.c.giver_id == bindparam("giver_id"), _K.c.created_at >= bindparam("since"),
           _K.c.source != OUTSIDE_ALLOWANCE)
    .group_by(_K.c.receiver_id))

# The profile's reads, and the leaderboard's, built once too. A profile's four counts (received and given, this
# week and in all) are one pass over the member's kudos: conditional counts over the rows the receiver and giver
# indexes find.
_KT, _T, _M = KudosTagRow.__table__, TagRow.__table__, MemberRow.__table__
_LIVE = and_(_K.c.community_id == bindparam("community_id"), _K.c.revoked_at.is_(None))
_MEMBER = bindparam("member_id")
_RECENT = _K.c.created_at >= bindparam("since")
_COUNTS = select(
    func.count().filter(and_(_K.c.receiver_id == _MEMBER, _RECENT)),
    func.count().filter(_K.c.receiver_id == _MEMBER),
    func.count().filter(and_(_K.c.giver_id == _MEMBER, _RECENT)),
    func.count().filter(_K.c.giver_id == _MEMBER),
).where(_LIVE, or_(_K.c.receiver_id == _MEMBER, _K.c.giver_id == _MEMBER))
_TOP_TAG_COUNT = func.count(_K.c.id)
_TOP_TAGS = (
    select(_T.c.name, _TOP_TAG_COUNT).join(_KT, _KT.c.tag_id == _T.c.id).join(_K, _K.c.id == _KT.c.kudos_id)
    .where(_LIVE, _K.c.receiver_id == _MEMBER)
    .group_by(_T.c.name).order_by(_TOP_TAG_COUNT.desc(), _T.c.name).limit(bindparam("limit")))
_RECEIVED_TIMES = select(_K.c.created_at).where(_LIVE, _K.c.receiver_id == _MEMBER, _RECENT)


async def received_in_tags(session: AsyncSession, community_id: int, tag_ids: Sequence[int],
                           since: datetime) -> dict[int, int]:
    """Member id -> live kudos received under any of these tags since `since`, read through the tag index.
    Kudos for an accepted answer are left out: the answer itself counts where helpers are ranked."""
    rows = await session.execute(
        select(KudosRow.receiver_id, func.count(KudosRow.id))
        .where(KudosRow.id.in_(select(KudosTagRow.kudos_id).where(KudosTagRow.tag_id.in_(list(tag_ids)))),
               # found through the tag index, not by scanning the community's kudos by time
               sqlite_unindexed(session, KudosRow.community_id) == community_id, KudosRow.created_at >= since,
               KudosRow.revoked_at.is_(None), KudosRow.source != OUTSIDE_ALLOWANCE)
        .group_by(KudosRow.receiver_id))
    return {member_id: int(n) for member_id, n in rows}


class SqlKudos:
    def __init__(self, session: AsyncSession):
        self.s = session

    def _live(self, community_id: int):
        return and_(KudosRow.community_id == community_id, KudosRow.revoked_at.is_(None))

    async def add(self, community_id: int, *, batch: str, giver_id: int, receiver_ids: Sequence[int],
                  reason: str, tag_ids: Sequence[int], source: str, place: dict, at: datetime) -> list[Kudos]:
        last, zone = (await self.s.execute(_TAKE_NUMBERS, {"community_id": community_id,
                                                           "n": len(receiver_ids)})).one()
        numbers = range(last - len(receiver_ids) + 1, last + 1)
        values = [{"community_id": community_id, "number": number, "batch": batch, "giver_id": giver_id,
                   "receiver_id": receiver_id, "reason": reason, "source": source, "created_at": at, **place}
                  for receiver_id, number in zip(receiver_ids, numbers, strict=True)]
        ids = [(await self.s.execute(_ADD, v)).scalar_one() for v in values]
        if tag_ids:
            await self.s.execute(_ADD_TAGS, [
                {"community_id": community_id, "kudos_id": kudos_id, "tag_id": tag_id}
                for kudos_id in ids for tag_id in tag_ids])
        await totals.add(self.s, community_id, zone, [Counted(giver_id, v["receiver_id"], at, tuple(tag_ids))
                                                      for v in values])
        return [Kudos(kudos_id, v["number"], community_id, batch, giver_id, v["receiver_id"], reason, at)
                for kudos_id, v in zip(ids, values, strict=True)]

    async def given_since(self, community_id: int, giver_id: int, since: datetime) -> dict[int, int]:
        """How many live kudos this giver gave each receiver since then (one query for every daily rule)."""
        rows = await self.s.execute(_GIVEN_SINCE, {"community_id": community_id, "giver_id": giver_id,
                                                   "since": since})
        return {receiver_id: n for receiver_id, n in rows}

    async def latest_batch(self, community_id: int, giver_id: int, since: datetime) -> list[Kudos]:
        batch = await self.s.scalar(
            select(KudosRow.batch).where(self._live(community_id), KudosRow.giver_id == giver_id,
                                         KudosRow.created_at >= since)
            .order_by(KudosRow.created_at.desc(), KudosRow.id.desc()).limit(1))
        if batch is None:
            return []
        rows = await self.s.scalars(select(KudosRow).where(self._live(community_id), KudosRow.batch == batch))
        return [to_kudos(r) for r in rows]

    async def by_source_message(self, community_id: int, giver_id: int, platform: str, channel_id: str,
                                message_id: str, since: datetime) -> list[Kudos]:
        rows = await self.s.scalars(select(KudosRow).where(
            KudosRow.community_id == community_id, KudosRow.giver_id == giver_id,
            KudosRow.platform == platform, KudosRow.channel_id == channel_id,
            KudosRow.message_id == message_id, KudosRow.source == "reaction", KudosRow.created_at >= since))
        return [to_kudos(r) for r in rows]

    async def by_number(self, community_id: int, number: int) -> Kudos | None:
        row = await self.s.scalar(select(KudosRow).where(KudosRow.community_id == community_id,
                                                         KudosRow.number == number))
        return to_kudos(row) if row else None

    async def revoke(self, community_id: int, kudos_ids: Sequence[int], *, kind: str, by_id: int,
                     reason: str, at: datetime) -> None:
        revoked = (await self.s.execute(
            update(_K).where(_K.c.community_id == community_id, _K.c.id.in_(list(kudos_ids)),
                             _K.c.revoked_at.is_(None))
            .values(revoked_at=at, revoke_kind=kind, revoke_reason=reason, revoked_by_id=by_id)
            .returning(_K.c.id, _K.c.giver_id, _K.c.receiver_id, _K.c.created_at))).all()
        if not revoked:
            return
        tags: dict[int, list[int]] = {}
        for kudos_id, tag_id in await self.s.execute(
                select(_KT.c.kudos_id, _KT.c.tag_id).where(_KT.c.kudos_id.in_([r.id for r in revoked]))):
            tags.setdefault(kudos_id, []).append(tag_id)
        zone = await self.s.scalar(select(CommunityRow.zone).where(CommunityRow.id == community_id))
        await totals.remove(self.s, community_id, zone, [
            Counted(r.giver_id, r.receiver_id, r.created_at, tuple(tags.get(r.id, ()))) for r in revoked])

    async def standings(self, community_id: int, *, period: str, start: date | None, tag_id: int | None,
                        given: bool, limit: int) -> list[Standing]:
        """The board of a period that began on local date `start` (None for all time), from the running
        totals (kudos_totals.py)."""
        rows = await self.s.execute(totals.BOARD, {
            "community_id": community_id, "direction": "given" if given else "received", "period": period,
            "start": start or totals.ALL_TIME, "tag_id": tag_id or 0, "limit": limit})
        return [Standing(member_id, name, n) for member_id, name, n in rows]

    async def place_of(self, community_id: int, member_id: int, *, period: str, start: date | None,
                       tag_id: int | None, given: bool) -> tuple[int, Standing] | None:
        """A member's place and line on that board (None when they aren't on it), without reading the board."""
        params = {"community_id": community_id, "direction": "given" if given else "received", "period": period,
                  "start": start or totals.ALL_TIME, "tag_id": tag_id or 0, "member_id": member_id}
        line = (await self.s.execute(totals.MEMBER_LINE, params)).one_or_none()
        if line is None:
            return None
        ahead = await self.s.scalar(totals.AHEAD, params | {"count": line.count, "reached_at": line.reached_at})
        return ahead + 1, Standing(line.id, line.name, line.count)

    async def rebuild_totals(self, community_id: int, zone: str, now: datetime,
                             periods: Sequence[str] = PERIODS) -> None:
        """Recount the community's leaderboard totals of those periods in `zone` (after a zone change: the local
        periods; after an import: all)."""
        await totals.rebuild(self.s, community_id, zone, now, periods)

    async def counts(self, community_id: int, member_id: int, *, since: datetime) -> KudosCounts:
        row = (await self.s.execute(_COUNTS, {"community_id": community_id, "member_id": member_id,
                                              "since": since})).one()
        return KudosCounts(*row)

    async def top_tags(self, community_id: int, member_id: int, limit: int) -> list[tuple[str, int]]:
        rows = await self.s.execute(_TOP_TAGS, {"community_id": community_id, "member_id": member_id,
                                                "limit": limit})
        return [(name, n) for name, n in rows]

    async def received_times(self, community_id: int, member_id: int, since: datetime) -> list[datetime]:
        return list(await self.s.scalars(_RECEIVED_TIMES, {"community_id": community_id, "member_id": member_id,
                                                           "since": since}))

    async def erase_reasons(self, community_id: int, member_id: int) -> None:
        """The reasons a member wrote (giving or voiding kudos), and the outbox rows that quote them."""
        mine = and_(KudosRow.community_id == community_id, KudosRow.giver_id == member_id, KudosRow.reason != "")
        voided = and_(KudosRow.community_id == community_id, KudosRow.revoked_by_id == member_id,
                      KudosRow.revoke_reason.is_not(None))
        reasons = set(await self.s.scalars(select(KudosRow.reason).where(mine)))
        reasons |= set(await self.s.scalars(select(KudosRow.revoke_reason).where(voided)))
        await self.s.execute(update(KudosRow).where(mine).values(reason=""))
        await self.s.execute(update(KudosRow).where(voided).values(revoke_reason=""))
        await forget_in_outbox(self.s, community_id, words=[], texts=sorted(reasons))

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        mine = KudosRow.community_id == community_id
        for column in (KudosRow.giver_id, KudosRow.receiver_id, KudosRow.revoked_by_id):
            await self.s.execute(update(KudosRow).where(mine, column == from_member_id)
                                 .values({column: into_member_id}))
        # What one identity gave the other is now a self-kudos: kept (the audit), out of every count.
        await self.s.execute(update(KudosRow).where(
            mine, KudosRow.giver_id == into_member_id, KudosRow.receiver_id == into_member_id,
            KudosRow.revoked_at.is_(None)).values(revoked_at=at, revoke_kind="merge", revoked_by_id=into_member_id))
        zone = await self.s.scalar(select(CommunityRow.zone).where(CommunityRow.id == community_id))
        await totals.rebuild(self.s, community_id, zone, at, member_ids=[from_member_id, into_member_id])
