"""Messages per member per local day: one upsert per message, reads for the digest."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models_activity import MemberDayActivityRow
from storage.repositories.dialect import upsert_adding

_A = MemberDayActivityRow.__table__
_RECORD = {dialect: upsert_adding(dialect, _A, "messages") for dialect in ("postgresql", "sqlite")}


class SqlActivity:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def record(self, community_id: int, member_id: int, day: date, messages: int = 1) -> None:
        # An increment, never a value read earlier: two processes counting the same member at once lose nothing.
        await self.s.execute(_RECORD[self.s.bind.dialect.name], {
            "community_id": community_id, "member_id": member_id, "day": day, "messages": messages})

    async def active_members(self, community_id: int, since: date, until: date) -> dict[int, int]:
        rows = await self.s.execute(
            select(_A.c.member_id, func.sum(_A.c.messages))
            .where(_A.c.community_id == community_id, _A.c.day >= since, _A.c.day < until, _A.c.messages > 0)
            .group_by(_A.c.member_id))
        return {member_id: int(total) for member_id, total in rows.all()}  # all(): one fetch, not one per row

    async def daily_totals(self, community_id: int, since: date, until: date) -> dict[date, tuple[int, int]]:
        rows = await self.s.execute(
            select(_A.c.day, func.sum(_A.c.messages), func.count(_A.c.member_id))
            .where(_A.c.community_id == community_id, _A.c.day >= since, _A.c.day < until, _A.c.messages > 0)
            .group_by(_A.c.day).order_by(_A.c.day))
        return {day: (int(total), int(members)) for day, total, members in rows}

    async def erase(self, community_id: int, member_id: int) -> None:
        await self.s.execute(delete(_A).where(_A.c.community_id == community_id, _A.c.member_id == member_id))

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int) -> None:
        """Add one member's days onto another's (a day both posted on sums), then drop the first's rows."""
        mine = (_A.c.community_id == community_id) & (_A.c.member_id == from_member_id)
        days = (await self.s.execute(select(_A.c.day, _A.c.messages).where(mine))).all()
        for day, messages in days:
            await self.record(community_id, into_member_id, day, messages)
        await self.s.execute(delete(_A).where(mine))
