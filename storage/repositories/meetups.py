"""Meetups, occurrences, RSVPs, attendance and DM mutes. Every query is filtered by community_id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Member
from bot.features.meetups.model import NO, YES, AttendanceLine, Meetup, Occurrence, Rsvp
from storage.models import CommunityRow, MemberRow
from storage.models_meetups import MeetupMuteRow, MeetupRow, OccurrenceRow, RsvpRow
from storage.repositories.communities import take_numbers, to_member
from storage.repositories.dialect import by_ids


def to_meetup(row: MeetupRow) -> Meetup:
    return Meetup(
        id=row.id, number=row.number, community_id=row.community_id, creator_id=row.creator_id, title=row.title,
        description=row.description, location=row.location, platform=row.platform,
        workspace_id=row.workspace_id, channel_id=row.channel_id, zone=row.zone,
        local_start=datetime.fromisoformat(row.local_start), duration=timedelta(minutes=row.duration_minutes),
        rrule=row.rrule, capacity=row.capacity, offsets=tuple(o for o in row.offsets.split(",") if o),
        scheduled_until=row.scheduled_until, cancelled_at=row.cancelled_at)


def to_occurrence(row: OccurrenceRow) -> Occurrence:
    return Occurrence(row.id, row.community_id, row.meetup_id, row.original_start, row.start_at, row.cancelled_at)


def _columns(fields: dict) -> dict:
    """Meetup fields as the core names them -> column values."""
    out = dict(fields)
    if "local_start" in out:
        out["local_start"] = out["local_start"].replace(tzinfo=None).isoformat(timespec="seconds")
    if "duration" in out:
        out["duration_minutes"] = int(out.pop("duration").total_seconds() // 60)
    if "offsets" in out:
        out["offsets"] = ",".join(out["offsets"])
    return out


class SqlMeetups:
    def __init__(self, session: AsyncSession):
        self.s = session

    # Meetups -----------------------------------------------------------------------------------

    async def add(self, community_id: int, **fields) -> Meetup:
        [number] = await take_numbers(self.s, community_id, CommunityRow.last_meetup_number, 1)
        row = MeetupRow(community_id=community_id, number=number, created_at=datetime.now(UTC), **_columns(fields))
        self.s.add(row)
        await self.s.flush()
        return to_meetup(row)

    async def _row(self, community_id: int, meetup_id: int) -> MeetupRow | None:
        return await self.s.scalar(select(MeetupRow).where(MeetupRow.community_id == community_id,
                                                           MeetupRow.id == meetup_id))

    async def get(self, community_id: int, meetup_id: int) -> Meetup | None:
        row = await self._row(community_id, meetup_id)
        return to_meetup(row) if row else None

    async def by_number(self, community_id: int, number: int) -> Meetup | None:
        row = await self.s.scalar(select(MeetupRow).where(MeetupRow.community_id == community_id,
                                                          MeetupRow.number == number))
        return to_meetup(row) if row else None

    async def update(self, community_id: int, meetup_id: int, **fields) -> Meetup:
        await self.s.execute(update(MeetupRow).where(MeetupRow.community_id == community_id,
                                                     MeetupRow.id == meetup_id).values(**_columns(fields)))
        row = await self._row(community_id, meetup_id)
        await self.s.refresh(row)
        return to_meetup(row)

    async def active(self, community_id: int) -> list[Meetup]:
        rows = await self.s.scalars(select(MeetupRow).where(
            MeetupRow.community_id == community_id, MeetupRow.cancelled_at.is_(None)).order_by(MeetupRow.id))
        return [to_meetup(r) for r in rows]

    # Occurrences -------------------------------------------------------------------------------

    async def add_occurrences(self, community_id: int, meetup_id: int,
                              starts: Sequence[datetime]) -> list[Occurrence]:
        """Create the occurrences not stored yet; returns only the new ones."""
        if not starts:
            return []
        known = set(await self.s.scalars(select(OccurrenceRow.original_start).where(
            OccurrenceRow.community_id == community_id, OccurrenceRow.meetup_id == meetup_id,
            OccurrenceRow.original_start.in_(list(starts)))))
        rows = [OccurrenceRow(community_id=community_id, meetup_id=meetup_id, original_start=start,
                              start_at=start) for start in starts if start not in known]
        self.s.add_all(rows)
        await self.s.flush()
        return [to_occurrence(r) for r in rows]

    async def occurrences(self, community_id: int, meetup_id: int, *, since: datetime | None = None,
                          until: datetime | None = None) -> list[Occurrence]:
        query = select(OccurrenceRow).where(OccurrenceRow.community_id == community_id,
                                            OccurrenceRow.meetup_id == meetup_id)
        if since is not None:
            query = query.where(OccurrenceRow.start_at >= since)
        if until is not None:
            query = query.where(OccurrenceRow.start_at < until)
        rows = await self.s.scalars(query.order_by(OccurrenceRow.start_at, OccurrenceRow.id))
        return [to_occurrence(r) for r in rows]

    async def upcoming(self, community_id: int, since: datetime, limit: int) -> list[tuple[Occurrence, Meetup]]:
        rows = await self.s.execute(
            select(OccurrenceRow, MeetupRow).join(MeetupRow, MeetupRow.id == OccurrenceRow.meetup_id)
            .where(OccurrenceRow.community_id == community_id, MeetupRow.community_id == community_id,
                   OccurrenceRow.start_at >= since, OccurrenceRow.cancelled_at.is_(None),
                   MeetupRow.cancelled_at.is_(None))
            .order_by(OccurrenceRow.start_at, OccurrenceRow.id).limit(limit))
        return [(to_occurrence(o), to_meetup(m)) for o, m in rows]

    async def next_occurrences(self, community_id: int, since: datetime) -> list[tuple[Occurrence, Meetup]]:
        """Each live meetup once, with its next live occurrence at or after `since`, soonest first."""
        live = and_(OccurrenceRow.community_id == community_id, OccurrenceRow.start_at >= since,
                    OccurrenceRow.cancelled_at.is_(None))
        first = (select(OccurrenceRow.meetup_id, func.min(OccurrenceRow.start_at).label("start_at"))
                 .where(live).group_by(OccurrenceRow.meetup_id).subquery())
        rows = await self.s.execute(
            select(OccurrenceRow, MeetupRow)
            .join(first, and_(first.c.meetup_id == OccurrenceRow.meetup_id, first.c.start_at == OccurrenceRow.start_at))
            .join(MeetupRow, MeetupRow.id == OccurrenceRow.meetup_id)
            .where(live, MeetupRow.community_id == community_id, MeetupRow.cancelled_at.is_(None))
            .order_by(OccurrenceRow.start_at, OccurrenceRow.id))
        seen: set[int] = set()
        found = []
        for occurrence, meetup in rows:
            if meetup.id not in seen:  # two occurrences at the same instant: the first one
                seen.add(meetup.id)
                found.append((to_occurrence(occurrence), to_meetup(meetup)))
        return found

    async def occurrence(self, community_id: int, occurrence_id: int) -> tuple[Occurrence, Meetup] | None:
        return (await self.occurrences_by_id(community_id, [occurrence_id])).get(occurrence_id)

    async def occurrences_by_id(self, community_id: int,
                                occurrence_ids: Sequence[int]) -> dict[int, tuple[Occurrence, Meetup]]:
        # Two primary-key lookups rather than a join: a join over freshly bulk-written tables (no
        # planner statistics yet) can be planned as a nested loop over a sequential scan.
        occurrences = [to_occurrence(r) for r in await self.s.scalars(select(OccurrenceRow).where(
            OccurrenceRow.community_id == community_id, OccurrenceRow.id.in_(list(occurrence_ids))))]
        meetups = {r.id: to_meetup(r) for r in await self.s.scalars(select(MeetupRow).where(
            MeetupRow.community_id == community_id, MeetupRow.id.in_({o.meetup_id for o in occurrences})))}
        return {o.id: (o, meetups[o.meetup_id]) for o in occurrences if o.meetup_id in meetups}

    async def update_occurrence(self, community_id: int, occurrence_id: int, **fields) -> None:
        await self.s.execute(update(OccurrenceRow).where(OccurrenceRow.community_id == community_id,
                                                         OccurrenceRow.id == occurrence_id).values(**fields))

    # RSVPs and attendance ----------------------------------------------------------------------

    def _rsvp_query(self, community_id: int, occurrence_id: int):
        return select(RsvpRow).where(RsvpRow.community_id == community_id, RsvpRow.occurrence_id == occurrence_id)

    async def rsvp(self, community_id: int, occurrence_id: int, member_id: int) -> Rsvp | None:
        row = await self.s.scalar(self._rsvp_query(community_id, occurrence_id).where(RsvpRow.member_id == member_id))
        return _rsvp(row) if row else None

    async def set_rsvp(self, community_id: int, occurrence_id: int, member_id: int, status: str,
                       at: datetime) -> None:
        row = await self.s.scalar(self._rsvp_query(community_id, occurrence_id).where(RsvpRow.member_id == member_id))
        if row is None:
            self.s.add(RsvpRow(community_id=community_id, occurrence_id=occurrence_id, member_id=member_id,
                               status=status, answered_at=at, attended=False))
        else:
            row.status, row.answered_at = status, at
        await self.s.flush()

    async def rsvps(self, community_id: int, occurrence_id: int) -> list[tuple[Rsvp, Member]]:
        rows = await self.s.execute(
            select(RsvpRow, MemberRow).join(MemberRow, MemberRow.id == RsvpRow.member_id)
            .where(RsvpRow.community_id == community_id, RsvpRow.occurrence_id == occurrence_id,
                   MemberRow.community_id == community_id)
            .order_by(RsvpRow.answered_at, RsvpRow.id))
        return [(_rsvp(r), to_member(m)) for r, m in rows]

    async def lock_occurrence(self, community_id: int, occurrence_id: int) -> None:
        """Hold the occurrence's row until the unit of work ends, so seats are counted one RSVP at a time."""
        await self.s.execute(select(OccurrenceRow.id).where(OccurrenceRow.community_id == community_id,
                                                            OccurrenceRow.id == occurrence_id).with_for_update())

    async def count(self, community_id: int, occurrence_id: int, status: str) -> int:
        return await self.s.scalar(select(func.count()).select_from(RsvpRow).where(
            RsvpRow.community_id == community_id, RsvpRow.occurrence_id == occurrence_id,
            RsvpRow.status == status)) or 0

    async def mark_attended(self, community_id: int, occurrence_id: int, member_ids: Sequence[int],
                            at: datetime) -> int:
        """Record attendance; a member with no RSVP gets a row with status 'none'. Returns how many are new."""
        rows = {r.member_id: r for r in await self.s.scalars(
            self._rsvp_query(community_id, occurrence_id).where(RsvpRow.member_id.in_(list(member_ids))))}
        new = 0
        for member_id in member_ids:
            row = rows.get(member_id)
            if row is None:
                row = RsvpRow(community_id=community_id, occurrence_id=occurrence_id, member_id=member_id,
                              status="none", answered_at=at, attended=False)
                self.s.add(row)
            if not row.attended:
                row.attended, row.attended_marked_at, new = True, at, new + 1
        await self.s.flush()
        return new

    async def dm_recipients(self, community_id: int, occurrence_ids: Sequence[int],
                            statuses: Sequence[str], *, respect_mute: bool = True) -> list[Member]:
        """Members with one of these answers for these occurrences (minus those who muted reminder DMs)."""
        query = (select(MemberRow).join(RsvpRow, RsvpRow.member_id == MemberRow.id)
                 .where(RsvpRow.community_id == community_id, MemberRow.community_id == community_id,
                        RsvpRow.occurrence_id.in_(list(occurrence_ids)), RsvpRow.status.in_(list(statuses)),
                        MemberRow.erased_at.is_(None), MemberRow.left_at.is_(None)))
        if respect_mute:
            muted = select(MeetupMuteRow.member_id).where(MeetupMuteRow.community_id == community_id)
            query = query.where(MemberRow.id.not_in(muted))
        rows = await self.s.scalars(query.distinct().order_by(MemberRow.id))
        return [to_member(r) for r in rows]

    async def going(self, community_id: int, occurrence_ids: Sequence[int]) -> dict[int, list[tuple[Member, bool]]]:
        """Per occurrence, the members who said yes, each with whether they muted reminder DMs.
        (Key lookups, no joins: see occurrences_by_id.)"""
        found: dict[int, list[tuple[Member, bool]]] = {o: [] for o in occurrence_ids}
        answers = (await self.s.execute(select(RsvpRow.occurrence_id, RsvpRow.member_id).where(
            RsvpRow.community_id == community_id, RsvpRow.occurrence_id.in_(list(occurrence_ids)),
            RsvpRow.status == YES).order_by(RsvpRow.member_id))).all()
        if not answers:
            return found
        ids = {member_id for _, member_id in answers}
        members = {r.id: to_member(r) for r in await self.s.scalars(select(MemberRow).where(
            *by_ids(self.s, MemberRow, community_id, ids)))}
        muted = set(await self.s.scalars(select(MeetupMuteRow.member_id).where(
            MeetupMuteRow.community_id == community_id, MeetupMuteRow.member_id.in_(ids))))
        for occurrence_id, member_id in answers:
            if member_id in members:
                found[occurrence_id].append((members[member_id], member_id in muted))
        return found

    async def set_muted(self, community_id: int, member_id: int, muted: bool, at: datetime) -> bool:
        """Returns False when nothing changed."""
        row = await self.s.scalar(select(MeetupMuteRow).where(MeetupMuteRow.community_id == community_id,
                                                              MeetupMuteRow.member_id == member_id))
        if (row is not None) == muted:
            return False
        if muted:
            self.s.add(MeetupMuteRow(community_id=community_id, member_id=member_id, muted_at=at))
        else:
            await self.s.delete(row)
        await self.s.flush()
        return True

    async def attendance(self, community_id: int, since: datetime, until: datetime) -> list[AttendanceLine]:
        came = case((RsvpRow.attended.is_(True), 1), else_=0)
        rows = await self.s.execute(
            select(MeetupRow.id, MeetupRow.title, OccurrenceRow.start_at,
                   func.coalesce(func.sum(case((RsvpRow.status == YES, 1), else_=0)), 0),
                   func.coalesce(func.sum(came), 0),
                   func.coalesce(func.sum(case((and_(RsvpRow.attended.is_(True),
                                                     RsvpRow.status.in_([NO, "none"])), 1), else_=0)), 0))
            .join(MeetupRow, MeetupRow.id == OccurrenceRow.meetup_id)
            .outerjoin(RsvpRow, and_(RsvpRow.occurrence_id == OccurrenceRow.id,
                                     RsvpRow.community_id == community_id))
            .where(OccurrenceRow.community_id == community_id, MeetupRow.community_id == community_id,
                   OccurrenceRow.start_at >= since, OccurrenceRow.start_at < until,
                   OccurrenceRow.cancelled_at.is_(None))
            .group_by(MeetupRow.id, MeetupRow.title, OccurrenceRow.id, OccurrenceRow.start_at)
            .order_by(OccurrenceRow.start_at))
        return [AttendanceLine(m, t, s, int(y), int(a), int(w)) for m, t, s, y, a, w in rows]

    async def merge(self, community_id: int, from_member_id: int, into_member_id: int, at: datetime) -> None:
        """Meetups either created; one RSVP per occurrence (a yes wins, then the kept member's answer; attended if
        either attended); muted if either muted."""
        await self.s.execute(update(MeetupRow).where(MeetupRow.community_id == community_id,
                                                     MeetupRow.creator_id == from_member_id)
                             .values(creator_id=into_member_id))
        rows = list(await self.s.scalars(select(RsvpRow).where(
            RsvpRow.community_id == community_id, RsvpRow.member_id.in_([from_member_id, into_member_id]))))
        kept = {r.occurrence_id: r for r in rows if r.member_id == into_member_id}
        for row in (r for r in rows if r.member_id == from_member_id):
            twin = kept.get(row.occurrence_id)
            if twin is None:
                row.member_id = into_member_id
                continue
            if row.status == YES and twin.status != YES:
                twin.status, twin.answered_at = row.status, row.answered_at
            if row.attended and not twin.attended:
                twin.attended, twin.attended_marked_at = True, row.attended_marked_at
            await self.s.delete(row)
        await self.s.flush()
        mutes = {m.member_id: m for m in await self.s.scalars(select(MeetupMuteRow).where(
            MeetupMuteRow.community_id == community_id,
            MeetupMuteRow.member_id.in_([from_member_id, into_member_id])))}
        if from_member_id in mutes:
            await self.s.delete(mutes[from_member_id])
            await self.s.flush()
            if into_member_id not in mutes:
                self.s.add(MeetupMuteRow(community_id=community_id, member_id=into_member_id,
                                         muted_at=mutes[from_member_id].muted_at))
                await self.s.flush()


def _rsvp(row: RsvpRow) -> Rsvp:
    return Rsvp(row.occurrence_id, row.member_id, row.status, row.answered_at, row.attended)
