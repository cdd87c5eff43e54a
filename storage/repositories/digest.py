"""The digest's reads: aggregates over members, kudos, meetups and onboarding, one week at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.digest.ports import KudosFacts, MeetupFacts, MemberFacts
from storage.models import KudosRow, KudosTagRow, MemberRow, TagRow
from storage.models_meetups import OccurrenceRow, RsvpRow
from storage.models_welcome import OnboardingStepRow

ANSWERED = ("yes", "maybe", "no", "waitlist")  # "none": attendance only, no answer given


class SqlDigest:
    def __init__(self, session: AsyncSession):
        self.s = session

    async def members_between(self, community_id: int, since: datetime, until: datetime) -> list[MemberFacts]:
        m = MemberRow
        rows = await self.s.execute(
            select(m.id, m.name, m.joined_at, m.left_at, m.first_message_at, m.leaderboard_opt_out)
            .where(m.community_id == community_id, m.is_bot.is_(False),
                   or_(and_(m.joined_at >= since, m.joined_at < until),
                       and_(m.left_at >= since, m.left_at < until)))
            .order_by(m.joined_at, m.id))
        return [MemberFacts(i, n, j, left, first, opt_out=bool(o)) for i, n, j, left, first, o in rows]

    async def steps_of(self, community_id: int, member_ids: Sequence[int]) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for chunk in _chunks(member_ids):
            rows = await self.s.execute(
                select(OnboardingStepRow.member_id, OnboardingStepRow.done_at)
                .where(OnboardingStepRow.community_id == community_id, OnboardingStepRow.member_id.in_(chunk)))
            for member_id, done_at in rows:
                found.setdefault(member_id, []).append(done_at)
        return found

    async def actors(self, community_id: int, since: datetime, until: datetime) -> set[int]:
        k, r, m = KudosRow, RsvpRow, MemberRow
        givers = (select(k.giver_id).where(k.community_id == community_id, k.revoked_at.is_(None),
                                           k.created_at >= since, k.created_at < until))
        rsvps = (select(r.member_id).where(r.community_id == community_id, r.status.in_(ANSWERED),
                                           r.answered_at >= since, r.answered_at < until))
        ids = givers.union(rsvps).subquery()
        rows = await self.s.scalars(
            select(ids.c[0]).join(m, m.id == ids.c[0]).where(m.community_id == community_id, m.is_bot.is_(False)))
        return set(rows)

    async def kudos_week(self, community_id: int, since: datetime, until: datetime,
                         tag: str | None = None) -> KudosFacts:
        k = KudosRow
        where = [k.community_id == community_id, k.revoked_at.is_(None), k.created_at >= since, k.created_at < until]
        if tag is not None:
            tagged = (select(KudosTagRow.kudos_id).join(TagRow, TagRow.id == KudosTagRow.tag_id)
                      .where(KudosTagRow.community_id == community_id, TagRow.community_id == community_id,
                             TagRow.name == tag))
            where.append(k.id.in_(tagged))
        rows = (await self.s.execute(
            select(k.receiver_id, func.count(), func.count(distinct(k.giver_id))).where(*where)
            .group_by(k.receiver_id))).all()
        givers = await self.s.scalar(select(func.count(distinct(k.giver_id))).where(*where)) if rows else 0
        return KudosFacts(sum(n for _, n, _ in rows), int(givers or 0), {r: int(n) for r, n, _ in rows})

    async def meetup_week(self, community_id: int, since: datetime, until: datetime) -> MeetupFacts:
        o, r = OccurrenceRow, RsvpRow
        held_where = [o.community_id == community_id, o.cancelled_at.is_(None), o.start_at >= since,
                      o.start_at < until]
        held = await self.s.scalar(select(func.count()).select_from(o).where(*held_where))
        recorded = (select(r.occurrence_id).where(r.community_id == community_id, r.attended.is_(True)))
        yes = r.status == "yes"
        row = (await self.s.execute(
            select(func.coalesce(func.sum(case((yes, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((and_(yes, o.id.in_(recorded)), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((and_(yes, r.attended.is_(True)), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((r.status == "waitlist", 1), else_=0)), 0))
            .select_from(r).join(o, o.id == r.occurrence_id).where(r.community_id == community_id, *held_where))).one()
        no_shows = await self.s.scalars(
            select(r.member_id).distinct().join(o, o.id == r.occurrence_id)
            .where(r.community_id == community_id, *held_where, yes, r.attended.is_(False), o.id.in_(recorded))
            .order_by(r.member_id))
        return MeetupFacts(int(held or 0), int(row[0]), int(row[1]), int(row[2]), int(row[3]), tuple(no_shows))

    async def top_tags(self, community_id: int, since: datetime, until: datetime, limit: int) -> list[tuple[str, int]]:
        k = KudosRow
        rows = await self.s.execute(
            select(TagRow.name, func.count().label("n")).select_from(KudosTagRow)
            .join(k, k.id == KudosTagRow.kudos_id).join(TagRow, TagRow.id == KudosTagRow.tag_id)
            .where(KudosTagRow.community_id == community_id, k.community_id == community_id,
                   k.revoked_at.is_(None), k.created_at >= since, k.created_at < until)
            .group_by(TagRow.name).order_by(func.count().desc(), TagRow.name).limit(limit))
        return [(name, int(n)) for name, n in rows]

    async def opted_out(self, community_id: int, member_ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(member_ids):
            found |= set(await self.s.scalars(
                select(MemberRow.id).where(MemberRow.community_id == community_id, MemberRow.id.in_(chunk),
                                           or_(MemberRow.leaderboard_opt_out.is_(True),
                                               MemberRow.erased_at.is_not(None)))))
        return found


def _chunks(ids: Sequence[int], size: int = 500):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
