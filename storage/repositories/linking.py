"""Linking codes, attempts, and moving a workspace's binding (bot/features/linking)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.linking.ports import LinkCode
from storage.models import BindingRow
from storage.models_linking import LinkAttemptRow, LinkCodeRow


class SqlLinking:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def add_code(self, community_id: int, member_id: int, purpose: str, platform: str, workspace_id: str,
                       salt: str, digest: str, *, at: datetime, expires_at: datetime) -> None:
        await self.s.execute(delete(LinkCodeRow).where(
            LinkCodeRow.community_id == community_id, LinkCodeRow.member_id == member_id,
            LinkCodeRow.purpose == purpose, LinkCodeRow.used_at.is_(None)))
        self.s.add(LinkCodeRow(community_id=community_id, member_id=member_id, purpose=purpose, platform=platform,
                               workspace_id=workspace_id, salt=salt, digest=digest, created_at=at,
                               expires_at=expires_at))
        await self.s.flush()

    async def live_codes(self, purpose: str, now: datetime, community_id: int | None = None) -> list[LinkCode]:
        query = select(LinkCodeRow).where(LinkCodeRow.purpose == purpose, LinkCodeRow.used_at.is_(None),
                                          LinkCodeRow.expires_at > now)
        if community_id is not None:
            query = query.where(LinkCodeRow.community_id == community_id)
        return [LinkCode(r.id, r.community_id, r.member_id, r.purpose, r.platform, r.workspace_id, r.salt, r.digest)
                for r in await self.s.scalars(query.order_by(LinkCodeRow.id))]

    async def use_code(self, code_id: int, at: datetime) -> bool:
        used = await self.s.execute(update(LinkCodeRow).where(LinkCodeRow.id == code_id, LinkCodeRow.used_at.is_(None))
                                    .values(used_at=at))
        return used.rowcount == 1

    async def attempts_since(self, community_id: int, member_id: int, since: datetime) -> int:
        return await self.s.scalar(select(func.count()).select_from(LinkAttemptRow).where(
            LinkAttemptRow.community_id == community_id, LinkAttemptRow.member_id == member_id,
            LinkAttemptRow.at >= since)) or 0

    async def record_attempt(self, community_id: int, member_id: int, at: datetime) -> None:
        self.s.add(LinkAttemptRow(community_id=community_id, member_id=member_id, at=at))
        await self.s.flush()

    async def bind_here(self, community_id: int, platform: str, workspace_id: str) -> int | None:
        row = await self.s.scalar(select(BindingRow).where(BindingRow.platform == platform,
                                                           BindingRow.workspace_id == workspace_id))
        if row is None:
            self.s.add(BindingRow(community_id=community_id, platform=platform, workspace_id=workspace_id))
            await self.s.flush()
            return None
        before, row.community_id = row.community_id, community_id
        await self.s.flush()
        return before

    async def unbind(self, community_id: int, platform: str, workspace_id: str) -> bool:
        gone = await self.s.execute(delete(BindingRow).where(
            BindingRow.community_id == community_id, BindingRow.platform == platform,
            BindingRow.workspace_id == workspace_id))
        return gone.rowcount == 1

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        await self.s.execute(delete(LinkCodeRow).where(LinkCodeRow.community_id == community_id,
                                                       LinkCodeRow.member_id == from_member_id))
        await self.s.execute(update(LinkAttemptRow).where(LinkAttemptRow.community_id == community_id,
                                                          LinkAttemptRow.member_id == from_member_id)
                             .values(member_id=into_member_id))

    async def erase(self, community_id: int, member_id: int) -> None:
        for table in (LinkCodeRow, LinkAttemptRow):
            await self.s.execute(delete(table).where(table.community_id == community_id,
                                                     table.member_id == member_id))
