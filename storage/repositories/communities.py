"""Communities, their platform bindings, members and tags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Community, Member
from bot.identity import MemberRef, Person, Role
from bot.settings import CommunitySettings
from storage.models import BindingRow, CommunityRow, MemberRow, TagRow
from storage.repositories.dialect import insert_or_ignore


def to_community(row: CommunityRow) -> Community:
    return Community(row.id, row.name, row.zone, CommunitySettings(**(row.settings or {})))


def to_member(row: MemberRow) -> Member:
    return Member(
        id=row.id, community_id=row.community_id,
        ref=MemberRef(row.platform, row.workspace_id, row.user_id), name=row.name, is_bot=row.is_bot,
        zone=row.zone, granted_role=Role(row.granted_role), platform_role=Role(row.platform_role),
        leaderboard_opt_out=row.leaderboard_opt_out, joined_at=row.joined_at, left_at=row.left_at,
        first_message_at=row.first_message_at, erased=row.erased_at is not None,
    )


class SqlCommunities:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def by_binding(self, platform: str, workspace_id: str) -> Community | None:
        row = await self.s.scalar(
            select(CommunityRow).join(BindingRow, BindingRow.community_id == CommunityRow.id)
            .where(BindingRow.platform == platform, BindingRow.workspace_id == workspace_id))
        return to_community(row) if row else None

    async def with_member(self, platform: str, workspace_id: str,
                          ref: MemberRef) -> tuple[Community, Member | None] | None:
        """The community bound to a workspace and this person's membership in it, in one query
        (every command starts here)."""
        row = (await self.s.execute(
            select(CommunityRow, MemberRow)
            .join(BindingRow, BindingRow.community_id == CommunityRow.id)
            .outerjoin(MemberRow, (MemberRow.community_id == CommunityRow.id) & (MemberRow.platform == ref.platform)
                       & (MemberRow.workspace_id == ref.workspace_id) & (MemberRow.user_id == ref.user_id))
            .where(BindingRow.platform == platform, BindingRow.workspace_id == workspace_id))).first()
        if row is None:
            return None
        community, member = row
        return to_community(community), to_member(member) if member is not None else None

    async def by_name(self, name: str) -> Community | None:
        row = await self.s.scalar(select(CommunityRow).where(CommunityRow.name == name))
        return to_community(row) if row else None

    async def get(self, community_id: int) -> Community:
        return to_community(await self.s.get_one(CommunityRow, community_id))

    async def all(self) -> list[Community]:
        return [to_community(r) for r in await self.s.scalars(select(CommunityRow).order_by(CommunityRow.id))]

    async def create(self, name: str, zone: str, settings: CommunitySettings) -> Community:
        row = CommunityRow(name=name, zone=zone, settings=settings.model_dump(mode="json"),
                           created_at=datetime.now(UTC))
        self.s.add(row)
        await self.s.flush()
        return to_community(row)

    async def bind(self, community_id: int, platform: str, workspace_id: str) -> None:
        self.s.add(BindingRow(community_id=community_id, platform=platform, workspace_id=workspace_id))
        await self.s.flush()

    async def bindings(self, community_id: int) -> list[tuple[str, str]]:
        rows = await self.s.execute(select(BindingRow.platform, BindingRow.workspace_id)
                                    .where(BindingRow.community_id == community_id))
        return [(p, w) for p, w in rows]

    async def update(self, community_id: int, *, zone: str | None = None,
                     settings: CommunitySettings | None = None) -> Community:
        row = await self.s.get_one(CommunityRow, community_id)
        if zone is not None:
            row.zone = zone
        if settings is not None:
            row.settings = settings.model_dump(mode="json")
        await self.s.flush()
        return to_community(row)


class SqlMembers:
    def __init__(self, session: AsyncSession):
        self.s = session

    def _in(self, community_id: int):
        return select(MemberRow).where(MemberRow.community_id == community_id)

    async def find(self, community_id: int, ref: MemberRef) -> Member | None:
        row = await self._row(community_id, ref)
        return to_member(row) if row else None

    async def _row(self, community_id: int, ref: MemberRef) -> MemberRow | None:
        return await self.s.scalar(self._in(community_id).where(
            MemberRow.platform == ref.platform, MemberRow.workspace_id == ref.workspace_id,
            MemberRow.user_id == ref.user_id))

    async def get(self, community_id: int, member_id: int) -> Member:
        return to_member(await self.s.scalar(self._in(community_id).where(MemberRow.id == member_id)))

    async def by_name(self, community_id: int, platform: str, name: str) -> list[Member]:
        rows = await self.s.scalars(self._in(community_id).where(
            MemberRow.platform == platform, func.lower(MemberRow.name) == name.lower(),
            MemberRow.erased_at.is_(None)))
        return [to_member(r) for r in rows]

    async def count(self, community_id: int) -> int:
        return await self.s.scalar(select(func.count()).select_from(MemberRow)
                                   .where(MemberRow.community_id == community_id)) or 0

    async def upsert(self, community_id: int, person: Person, *, now: datetime,
                     granted_role: Role | None = None) -> Member:
        row = await self._row(community_id, person.ref)
        if row is None:
            await self.s.execute(insert_or_ignore(
                self.s, MemberRow, community_id=community_id, platform=person.ref.platform,
                workspace_id=person.ref.workspace_id, user_id=person.ref.user_id, name=person.name,
                created_at=now, granted_role=int(granted_role or Role.MEMBER), platform_role=0,
                is_bot=False, leaderboard_opt_out=False))
            row = await self._row(community_id, person.ref)
        row.name, row.is_bot, row.platform_role = person.name, person.is_bot, int(person.platform_role)
        if person.zone and not row.zone:
            row.zone = person.zone
        await self.s.flush()
        return to_member(row)

    async def update(self, community_id: int, member_id: int, **fields) -> Member:
        if "granted_role" in fields:
            fields["granted_role"] = int(fields["granted_role"])
        await self.s.execute(update(MemberRow).where(MemberRow.community_id == community_id,
                                                     MemberRow.id == member_id).values(**fields))
        return await self.get(community_id, member_id)

    async def erase(self, community_id: int, member_id: int, *, at: datetime) -> None:
        from storage.models import KudosRow

        await self.s.execute(update(MemberRow).where(MemberRow.community_id == community_id,
                                                     MemberRow.id == member_id).values(
            name="erased member", user_id=f"erased-{member_id}", zone=None, erased_at=at,
            leaderboard_opt_out=True))
        await self.s.execute(update(KudosRow).where(KudosRow.community_id == community_id,
                                                    KudosRow.giver_id == member_id).values(reason=""))

    async def many(self, community_id: int, member_ids: Sequence[int]) -> dict[int, Member]:
        rows = await self.s.scalars(self._in(community_id).where(MemberRow.id.in_(list(member_ids))))
        return {r.id: to_member(r) for r in rows}


class SqlTags:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def ensure(self, community_id: int, names: Sequence[str]) -> dict[str, int]:
        """Ids of these tags, creating the unknown ones (until champions close the list)."""
        if not names:
            return {}
        rows = await self.s.execute(select(TagRow.name, TagRow.id).where(
            TagRow.community_id == community_id, TagRow.name.in_(list(names))))
        ids = {name: tag_id for name, tag_id in rows}
        for name in names:
            if name not in ids:
                await self.s.execute(insert_or_ignore(self.s, TagRow, community_id=community_id, name=name,
                                                      created_at=datetime.now(UTC)))
                ids[name] = await self.find(community_id, name)
        return ids

    async def find(self, community_id: int, name: str) -> int | None:
        return await self.s.scalar(select(TagRow.id).where(TagRow.community_id == community_id,
                                                           TagRow.name == name))

    async def names(self, community_id: int) -> list[str]:
        return list(await self.s.scalars(select(TagRow.name).where(TagRow.community_id == community_id)
                                         .order_by(TagRow.name)))
