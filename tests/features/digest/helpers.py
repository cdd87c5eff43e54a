"""A community in America/New_York with a known week of activity (2026-W48): rows written as the features'
write paths write them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import MemberRow
from storage.models_activity import MemberWeekRow
from storage.models_meetups import MeetupRow, OccurrenceRow, RsvpRow

NY = ZoneInfo("America/New_York")


async def add_messages(app, community_id: int, counts: dict[tuple[int, date], int]) -> None:
    """Messages as the activity feature counts them: the member-day counters and the member's active week."""
    async with app.core.uow_factory() as uow:
        for (member, day), messages in counts.items():
            await uow.activity.record(community_id, member, day, messages)
            await uow.member_weeks.mark(community_id, member, day)
        await uow.commit()


async def active_in(app, community_id: int, week: date) -> set[int]:
    """The members with an active-week row for the week starting on that local Monday."""
    async with app.core.uow_factory() as uow:
        return set(await uow.session.scalars(select(MemberWeekRow.member_id).where(
            MemberWeekRow.community_id == community_id, MemberWeekRow.week == week)))


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


async def ids(app) -> tuple[int, dict[str, int]]:
    async with app.core.uow_factory() as uow:
        rows = (await uow.session.execute(select(MemberRow.community_id, MemberRow.name, MemberRow.id))).all()
    return rows[0][0], {name: mid for _c, name, mid in rows}


async def set_member(app, community_id: int, member_id: int, **fields) -> None:
    async with app.core.uow_factory() as uow:
        await uow.members.update(community_id, member_id, **fields)
        await uow.commit()


async def add_meetup(app, community_id: int, creator: int, start: datetime, answers: dict[int, tuple[str, bool]],
                     answered_at: datetime) -> None:
    """One meetup occurrence with RSVPs: member -> (status, attended)."""
    async with app.core.uow_factory() as uow:
        s = uow.session
        meetup = MeetupRow(community_id=community_id, number=1, creator_id=creator, title="Clinic", platform="console",
                           workspace_id="local", channel_id="general", zone="America/New_York",
                           local_start=start.astimezone(NY).replace(tzinfo=None).isoformat(), duration_minutes=60,
                           offsets="", scheduled_until=start, created_at=answered_at)
        s.add(meetup)
        await s.flush()
        occurrence = OccurrenceRow(community_id=community_id, meetup_id=meetup.id, original_start=start, start_at=start)
        s.add(occurrence)
        await s.flush()
        for member, (status, came) in answers.items():
            s.add(RsvpRow(community_id=community_id, occurrence_id=occurrence.id, member_id=member, status=status,
                          answered_at=answered_at, attended=came))
            await uow.member_weeks.mark(community_id, member, answered_at.astimezone(NY).date())  # as rsvp.answer
        await uow.commit()


async def add_steps(app, community_id: int, member_id: int, steps: dict[str, datetime]) -> None:
    async with app.core.uow_factory() as uow:
        for step, at in steps.items():
            await uow.onboarding.mark_step(community_id, member_id, step, at)
        await uow.commit()
