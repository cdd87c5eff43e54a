"""Communities, their platform bindings, members and tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Community, Member
from bot.features.catalog import CommunitySettings
from bot.identity import MemberRef, Person, Role
from bot.settings import Settings
from storage.models import BindingRow, CommunityRow, MemberLinkRow, MemberRow, TagRow
from storage.repositories.dialect import by_ids, insert_or_ignore


def to_community(row: CommunityRow) -> Community:
    return Community(row.id, row.name, row.zone, CommunitySettings.from_stored(row.settings))


def to_member(row) -> Member:
    """From a MemberRow or a Core row of the members table (both have the columns as attributes)."""
    return Member(
        id=row.id, community_id=row.community_id,
        ref=MemberRef(row.platform, row.workspace_id, row.user_id), name=row.name, is_bot=row.is_bot,
        zone=row.zone, granted_role=Role(row.granted_role), platform_role=Role(row.platform_role),
        leaderboard_opt_out=row.leaderboard_opt_out, joined_at=row.joined_at, left_at=row.left_at,
        first_message_at=row.first_message_at, erased=row.erased_at is not None, dm_here=row.dm_here,
    )


def through(holder, identity) -> Member:
    """The member `holder` (who holds the history) as seen through one of their linked identities: its ref, name
    and platform role; everything else is the holder's."""
    return replace(to_member(holder), ref=MemberRef(identity.platform, identity.workspace_id, identity.user_id),
                   name=identity.name, is_bot=identity.is_bot, platform_role=Role(identity.platform_role),
                   dm_here=identity.dm_here)


async def seen(session: AsyncSession, rows: Sequence) -> list[Member]:
    """Members rows (with `link_into`: the member an identity is linked into, if any) as the members they are."""
    linked = {r.link_into for r in rows if r.link_into is not None}
    holders = {h.id: h for h in await session.execute(select(_M).where(_M.c.id.in_(linked)))} if linked else {}
    return [through(holders[r.link_into], r) if r.link_into is not None else to_member(r) for r in rows]


# Every command reads these two, so they are built once, as Core selects of plain rows: building
# a statement and loading ORM objects cost more than the query itself on SQLite.
_C, _M, _B = CommunityRow.__table__, MemberRow.__table__, BindingRow.__table__
_L = MemberLinkRow.__table__
_WITH_MEMBERS = (
    select(_C.c.id.label("c_id"), _C.c.name.label("c_name"), _C.c.zone.label("c_zone"),
           _C.c.settings.label("c_settings"), _M, _L.c.into_id.label("link_into"))
    .join(_B, _B.c.community_id == _C.c.id)
    .outerjoin(_M, (_M.c.community_id == _C.c.id)
               & tuple_(_M.c.platform, _M.c.workspace_id, _M.c.user_id).in_(bindparam("refs", expanding=True)))
    .outerjoin(_L, _L.c.member_id == _M.c.id)
    .where(_B.c.platform == bindparam("platform"), _B.c.workspace_id == bindparam("workspace_id")))
_SEEN = select(_M, _L.c.into_id.label("link_into")).outerjoin(_L, _L.c.member_id == _M.c.id)
_MEMBER_BY_REF = _SEEN.where(
    _M.c.community_id == bindparam("community_id"), _M.c.platform == bindparam("platform"),
    _M.c.workspace_id == bindparam("workspace_id"), _M.c.user_id == bindparam("user_id"))


async def take_numbers(session: AsyncSession, community_id: int, counter, n: int) -> range:
    """The community's next `n` kudos or meetup numbers (`counter`: CommunityRow.last_kudos_number or
    last_meetup_number). The UPDATE holds the community's row until the unit of work ends (PostgreSQL), so two
    replicas numbering at once take turns and never hand out one number twice; SQLite has one writer anyway.
    Rolled back, the numbers are given back: no gaps."""
    last = await session.scalar(update(CommunityRow).where(CommunityRow.id == community_id)
                                .values({counter: counter + n}).returning(counter))
    return range(last - n + 1, last + 1)


class SqlCommunities:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def by_binding(self, platform: str, workspace_id: str) -> Community | None:
        row = await self.s.scalar(
            select(CommunityRow).join(BindingRow, BindingRow.community_id == CommunityRow.id)
            .where(BindingRow.platform == platform, BindingRow.workspace_id == workspace_id))
        return to_community(row) if row else None

    async def with_members(self, platform: str, workspace_id: str,
                           refs: Sequence[MemberRef]) -> tuple[Community, dict[MemberRef, Member]] | None:
        """The community bound to a workspace and those of these people who are its members, in one
        query (every command starts here, with the speaker and whoever they mention)."""
        rows = (await self.s.execute(_WITH_MEMBERS, {
            "platform": platform, "workspace_id": workspace_id,
            "refs": [(r.platform, r.workspace_id, r.user_id) for r in refs]})).all()
        if not rows:
            return None
        c = rows[0]
        community = Community(c.c_id, c.c_name, c.c_zone, CommunitySettings.from_stored(c.c_settings))
        return community, {m.ref: m for m in await seen(self.s, [r for r in rows if r.id is not None])}

    async def by_name(self, name: str) -> Community | None:
        row = await self.s.scalar(select(CommunityRow).where(CommunityRow.name == name))
        return to_community(row) if row else None

    async def get(self, community_id: int) -> Community:
        return to_community(await self.s.get_one(CommunityRow, community_id))

    async def all(self) -> list[Community]:
        return [to_community(r) for r in await self.s.scalars(select(CommunityRow).order_by(CommunityRow.id))]

    async def create(self, name: str, zone: str, settings: Settings) -> Community:
        row = CommunityRow(name=name, zone=zone, settings=settings.model_dump(mode="json"),
                           created_at=datetime.now(UTC))
        self.s.add(row)
        await self.s.flush()
        return to_community(row)

    async def bind(self, community_id: int, platform: str, workspace_id: str) -> None:
        self.s.add(BindingRow(community_id=community_id, platform=platform, workspace_id=workspace_id))
        await self.s.flush()

    async def bound_on(self, platform: str) -> list[tuple[int, str]]:
        """(community id, workspace id) of every workspace of this platform bound to a community."""
        rows = await self.s.execute(select(BindingRow.community_id, BindingRow.workspace_id)
                                    .where(BindingRow.platform == platform))
        return [(c, w) for c, w in rows]

    async def bindings(self, community_id: int) -> list[tuple[str, str]]:
        rows = await self.s.execute(select(BindingRow.platform, BindingRow.workspace_id)
                                    .where(BindingRow.community_id == community_id))
        return [(p, w) for p, w in rows]

    async def update(self, community_id: int, *, zone: str | None = None,
                     settings: Settings | None = None) -> Community:
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
        row = (await self.s.execute(_MEMBER_BY_REF, {
            "community_id": community_id, "platform": ref.platform, "workspace_id": ref.workspace_id,
            "user_id": ref.user_id})).first()
        return (await seen(self.s, [row]))[0] if row else None

    async def _row(self, community_id: int, ref: MemberRef) -> MemberRow | None:
        return await self.s.scalar(self._in(community_id).where(
            MemberRow.platform == ref.platform, MemberRow.workspace_id == ref.workspace_id,
            MemberRow.user_id == ref.user_id))

    async def get(self, community_id: int, member_id: int) -> Member:
        """The member by id; the id of a linked identity gives the member it is linked into, seen through it."""
        row = (await self.s.execute(_SEEN.where(_M.c.community_id == community_id, _M.c.id == member_id))).one()
        return (await seen(self.s, [row]))[0]

    async def by_name(self, community_id: int, platform: str, name: str) -> list[Member]:
        rows = (await self.s.execute(_SEEN.where(
            _M.c.community_id == community_id, _M.c.platform == platform,
            func.lower(_M.c.name) == name.lower(), _M.c.erased_at.is_(None)))).all()
        return list({m.id: m for m in await seen(self.s, rows)}.values())  # one person under two identities

    async def count(self, community_id: int) -> int:
        """How many people (not bots) the community has: linked identities count with their member."""
        return await self.s.scalar(select(func.count()).select_from(_M).outerjoin(_L, _L.c.member_id == _M.c.id)
                                   .where(_M.c.community_id == community_id, _M.c.is_bot.is_(False),
                                          _L.c.member_id.is_(None))) or 0

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
        into = await self.s.scalar(select(_L.c.into_id).where(_L.c.member_id == row.id))
        holder = row if into is None else await self.s.get_one(MemberRow, into)
        if person.zone and not holder.zone:
            holder.zone = person.zone
        await self.s.flush()
        return to_member(row) if into is None else through(holder, row)

    async def update(self, community_id: int, member_id: int, **fields) -> Member:
        if "granted_role" in fields:
            fields["granted_role"] = int(fields["granted_role"])
        await self.s.execute(update(MemberRow).where(MemberRow.community_id == community_id,
                                                     MemberRow.id == member_id).values(**fields))
        return await self.get(community_id, member_id)

    async def lock(self, community_id: int, member_id: int) -> None:
        """Hold this member's row until the unit of work ends (PostgreSQL: FOR UPDATE; SQLite has one
        writer anyway), so two replicas checking the same giver's limits at once take turns."""
        if self.s.bind.dialect.name == "sqlite":
            return  # one pooled connection per process and one writer per file: nothing to wait for
        await self.s.execute(select(MemberRow.id).where(MemberRow.community_id == community_id,
                                                        MemberRow.id == member_id).with_for_update())

    async def erase(self, community_id: int, member_id: int, *, at: datetime) -> None:
        """The member row, the reasons in the audit log and the outbox rows that name them; each feature's
        erase step removes what that feature stores."""
        from storage.models import AuditRow
        from storage.repositories.outbox import forget_in_outbox

        member = await self.get(community_id, member_id)
        identities = await self.identities(community_id, member.id)
        for one in (member, *identities):  # a linked identity names the same person
            await self.s.execute(update(MemberRow).where(MemberRow.community_id == community_id,
                                                         MemberRow.id == one.id).values(
                name="erased member", user_id=f"erased-{one.id}", zone=None, erased_at=at,
                leaderboard_opt_out=True))
        actors = [member.id, *(i.id for i in identities)]
        for audit in await self.s.scalars(select(AuditRow).where(
                AuditRow.community_id == community_id, AuditRow.actor_id.in_(actors))):
            if "reason" in audit.detail:
                audit.detail = {**audit.detail, "reason": ""}
        await forget_in_outbox(self.s, community_id, words=[m.name for m in (member, *identities)],
                               texts=[str(m.ref) for m in (member, *identities)])

    async def many(self, community_id: int, member_ids: Sequence[int]) -> dict[int, Member]:
        rows = (await self.s.execute(_SEEN.where(*by_ids(self.s, _M.c, community_id, member_ids)))).all()
        return {r.id: m for r, m in zip(rows, await seen(self.s, rows), strict=True)}

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, *, at: datetime) -> None:
        gone, kept = (await self.s.get_one(MemberRow, from_member_id), await self.s.get_one(MemberRow, into_member_id))
        assert gone.community_id == kept.community_id == community_id and gone.id != kept.id
        kept.granted_role = max(gone.granted_role, kept.granted_role)
        kept.joined_at = _earliest(gone.joined_at, kept.joined_at)
        kept.first_message_at = _earliest(gone.first_message_at, kept.first_message_at)
        kept.zone = kept.zone or gone.zone
        kept.leaderboard_opt_out = kept.leaderboard_opt_out or gone.leaderboard_opt_out
        if gone.left_at is None or kept.left_at is None:
            kept.left_at = None  # present on one platform is present
        gone.granted_role = int(Role.MEMBER)  # the role lives on with the member it merged into
        # Each side had one identity its DMs went to: the kept side's stays the one, until the person acts.
        await self.s.execute(update(MemberRow).where(
            (MemberRow.id == from_member_id)
            | MemberRow.id.in_(select(_L.c.member_id).where(_L.c.into_id == from_member_id))).values(dm_here=False))
        await self.s.execute(update(MemberLinkRow).where(MemberLinkRow.into_id == from_member_id)
                             .values(into_id=into_member_id))
        self.s.add(MemberLinkRow(member_id=from_member_id, community_id=community_id, into_id=into_member_id,
                                 linked_at=at))
        await self.s.flush()

    async def acted_through(self, community_id: int, member: Member) -> Member:
        """The person acted through `member.ref`: their direct messages go there from now on. Called only when
        that identity is not already the one (`member.dm_here` is false), so an unlinked member never writes."""
        here = await self.s.scalar(select(_M.c.id).where(
            _M.c.community_id == community_id, _M.c.platform == member.ref.platform,
            _M.c.workspace_id == member.ref.workspace_id, _M.c.user_id == member.ref.user_id))
        linked = select(_L.c.member_id).where(_L.c.into_id == member.id)
        await self.s.execute(update(MemberRow).where(
            MemberRow.community_id == community_id, (MemberRow.id == member.id) | MemberRow.id.in_(linked))
            .values(dm_here=MemberRow.id == here))
        return replace(member, dm_here=True)

    async def reached(self, community_id: int, members: Sequence[Member]) -> list[Member]:
        """These members (as their own rows give them) seen through the identity their direct messages go to:
        the one each last acted through. One query, and only when one of them was last seen elsewhere."""
        away = [m.id for m in members if not m.dm_here]
        if not away:
            return list(members)
        rows = await self.s.execute(select(_M, _L.c.into_id.label("link_into")).join(_L, _L.c.member_id == _M.c.id)
                                    .where(_L.c.community_id == community_id, _L.c.into_id.in_(away),
                                           _M.c.dm_here.is_(True)))
        there = {r.link_into: r for r in rows}
        return [replace(m, ref=MemberRef(r.platform, r.workspace_id, r.user_id), name=r.name, dm_here=True)
                if (r := there.get(m.id)) is not None else m for m in members]

    async def identities(self, community_id: int, member_id: int) -> list[Member]:
        rows = await self.s.scalars(self._in(community_id).join(MemberLinkRow, MemberLinkRow.member_id == MemberRow.id)
                                    .where(MemberLinkRow.into_id == member_id).order_by(MemberRow.id))
        return [to_member(r) for r in rows]

    async def unlink(self, community_id: int, member_id: int) -> list[Member]:
        separated = await self.identities(community_id, member_id)
        await self.s.execute(delete(MemberLinkRow).where(MemberLinkRow.community_id == community_id,
                                                         MemberLinkRow.into_id == member_id))
        await self.s.execute(update(MemberRow).where(  # each one a person of their own again
            MemberRow.community_id == community_id, MemberRow.id.in_([member_id, *(m.id for m in separated)]))
            .values(dm_here=True))
        return [replace(m, dm_here=True) for m in separated]


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(a, b) if a and b else a or b


class SqlTags:
    """`known` is shared by the units of work of one process: tag ids by (community, name).

    Caching them is safe because a tag is never renamed or deleted, so an id another process
    committed stays right. Ids are learned only once this unit of work commits: a tag inserted
    by a transaction that rolls back never existed."""

    def __init__(self, session: AsyncSession, known: dict[tuple[int, str], int] | None = None):
        self.s = session
        self._known = {} if known is None else known
        self._learned: dict[tuple[int, str], int] = {}

    async def ensure(self, community_id: int, names: Sequence[str]) -> dict[str, int]:
        """Ids of these tags, creating the unknown ones (until champions close the list)."""
        ids = {n: self._known[community_id, n] for n in names if (community_id, n) in self._known}
        missing = [n for n in names if n not in ids]
        if missing:
            ids.update(await self._ensure(community_id, missing))
            self._learned.update({(community_id, n): ids[n] for n in missing})
        return ids

    def committed(self) -> None:
        self._known.update(self._learned)
        self._learned.clear()

    def rolled_back(self) -> None:
        self._learned.clear()

    async def _ensure(self, community_id: int, names: list[str]) -> dict[str, int]:
        rows = await self.s.execute(select(TagRow.name, TagRow.id).where(
            TagRow.community_id == community_id, TagRow.name.in_(names)))
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
