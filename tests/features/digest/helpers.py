"""A community in America/New_York with a known week of activity (2026-W48), and a stand-in for the activity
counters (the activity feature's repository, `uow.activity`) until that feature lands."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import MemberRow
from storage.models_meetups import MeetupRow, OccurrenceRow, RsvpRow
from storage.repositories.registry import FEATURE_REPOSITORIES

NY = ZoneInfo("America/New_York")


class StandInActivity:
    """Messages per member and local day, held in memory by the test (implements digest.ports.ActivityRepo)."""

    def __init__(self, rows: dict[int, dict[tuple[int, date], int]]):
        self.rows = rows

    async def active_members(self, community_id: int, since: date, until: date) -> dict[int, int]:
        found: dict[int, int] = defaultdict(int)
        for (member, day), count in self.rows[community_id].items():
            if since <= day < until:
                found[member] += count
        return dict(found)

    async def daily_totals(self, community_id: int, since: date, until: date) -> dict[date, tuple[int, int]]:
        days: dict[date, list[int]] = defaultdict(list)
        for (_member, day), count in self.rows[community_id].items():
            if since <= day < until:
                days[day].append(count)
        return {day: (sum(c), len(c)) for day, c in days.items()}


def install_activity(monkeypatch) -> dict[int, dict[tuple[int, date], int]]:
    rows: dict[int, dict[tuple[int, date], int]] = defaultdict(dict)
    monkeypatch.setitem(FEATURE_REPOSITORIES, "activity", lambda _session: StandInActivity(rows))
    return rows


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
        await uow.commit()


async def add_steps(app, community_id: int, member_id: int, steps: dict[str, datetime]) -> None:
    async with app.core.uow_factory() as uow:
        for step, at in steps.items():
            await uow.onboarding.mark_step(community_id, member_id, step, at)
        await uow.commit()
