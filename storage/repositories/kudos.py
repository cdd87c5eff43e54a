"""Kudos and the counts leaderboards and profiles are made of. Revoked kudos never count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Kudos, Standing
from storage.models import KudosRow, KudosTagRow, MemberRow, TagRow


def to_kudos(row: KudosRow, tags: Sequence[str] = ()) -> Kudos:
    return Kudos(row.id, row.community_id, row.batch, row.giver_id, row.receiver_id, row.reason,
                 row.created_at, tuple(tags), row.revoked_at)


# The statements of every kudos, built once as Core statements (see communities.py for why).
_K = KudosRow.__table__
_ADD = _K.insert().returning(_K.c.id)
_ADD_TAGS = KudosTagRow.__table__.insert()
_GIVEN_SINCE = (
    select(_K.c.receiver_id, func.count())
    .where(_K.c.community_id == bindparam("community_id"), _K.c.revoked_at.is_(None),
           _K.c.giver_id == bindparam("giver_id"), _K.c.created_at >= bindparam("since"))
    .group_by(_K.c.receiver_id))


class SqlKudos:
    def __init__(self, session: AsyncSession):
        self.s = session

    def _live(self, community_id: int):
        return and_(KudosRow.community_id == community_id, KudosRow.revoked_at.is_(None))

    async def add(self, community_id: int, *, batch: str, giver_id: int, receiver_ids: Sequence[int],
                  reason: str, tag_ids: Sequence[int], source: str, place: dict, at: datetime) -> list[Kudos]:
        values = [{"community_id": community_id, "batch": batch, "giver_id": giver_id, "receiver_id": receiver_id,
                   "reason": reason, "source": source, "created_at": at, **place} for receiver_id in receiver_ids]
        ids = [(await self.s.execute(_ADD, v)).scalar_one() for v in values]
        if tag_ids:
            await self.s.execute(_ADD_TAGS, [
                {"community_id": community_id, "kudos_id": kudos_id, "tag_id": tag_id}
                for kudos_id in ids for tag_id in tag_ids])
        return [Kudos(kudos_id, community_id, batch, giver_id, v["receiver_id"], reason, at)
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

    async def get(self, community_id: int, kudos_id: int) -> Kudos | None:
        row = await self.s.scalar(select(KudosRow).where(KudosRow.community_id == community_id,
                                                         KudosRow.id == kudos_id))
        return to_kudos(row) if row else None

    async def revoke(self, community_id: int, kudos_ids: Sequence[int], *, kind: str, by_id: int,
                     reason: str, at: datetime) -> None:
        await self.s.execute(update(KudosRow).where(KudosRow.community_id == community_id,
                                                    KudosRow.id.in_(list(kudos_ids))).values(
            revoked_at=at, revoke_kind=kind, revoke_reason=reason, revoked_by_id=by_id))

    async def standings(self, community_id: int, *, since: datetime | None, tag_id: int | None,
                        given: bool, limit: int) -> list[Standing]:
        who = KudosRow.giver_id if given else KudosRow.receiver_id
        count = func.count(KudosRow.id)
        # Ties go to whoever reached the total first: the earlier latest kudos ranks higher.
        reached = func.max(KudosRow.created_at)
        query = (select(MemberRow.id, MemberRow.name, count).join(MemberRow, MemberRow.id == who)
                 .where(self._live(community_id), MemberRow.left_at.is_(None), MemberRow.erased_at.is_(None),
                        MemberRow.leaderboard_opt_out.is_(False), MemberRow.is_bot.is_(False))
                 .group_by(MemberRow.id, MemberRow.name).order_by(count.desc(), reached.asc(), MemberRow.id)
                 .limit(limit))
        if since is not None:
            query = query.where(KudosRow.created_at >= since)
        if tag_id is not None:
            query = query.join(KudosTagRow, KudosTagRow.kudos_id == KudosRow.id).where(KudosTagRow.tag_id == tag_id)
        return [Standing(member_id, name, n) for member_id, name, n in await self.s.execute(query)]

    async def counts(self, community_id: int, member_id: int, *, since: datetime | None, given: bool) -> int:
        who = KudosRow.giver_id if given else KudosRow.receiver_id
        query = select(func.count()).select_from(KudosRow).where(self._live(community_id), who == member_id)
        if since is not None:
            query = query.where(KudosRow.created_at >= since)
        return await self.s.scalar(query) or 0

    async def top_tags(self, community_id: int, member_id: int, limit: int) -> list[tuple[str, int]]:
        count = func.count(KudosRow.id)
        rows = await self.s.execute(
            select(TagRow.name, count).join(KudosTagRow, KudosTagRow.tag_id == TagRow.id)
            .join(KudosRow, KudosRow.id == KudosTagRow.kudos_id)
            .where(self._live(community_id), KudosRow.receiver_id == member_id)
            .group_by(TagRow.name).order_by(count.desc(), TagRow.name).limit(limit))
        return [(name, n) for name, n in rows]

    async def received_times(self, community_id: int, member_id: int, since: datetime) -> list[datetime]:
        return list(await self.s.scalars(select(KudosRow.created_at).where(
            self._live(community_id), KudosRow.receiver_id == member_id, KudosRow.created_at >= since)))
