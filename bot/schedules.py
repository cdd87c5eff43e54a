"""Recurring schedules a feature declares ("weekly MO 09:00 in the community's zone"), run through the outbox.

Each occurrence is one outbox row with a key naming the community and the moment, written `if_absent`: planning
it twice (two processes starting, a retry) leaves one row, so an occurrence is claimed and sent exactly once.
When an occurrence is decided, the next one is planned in the same transaction."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.rrule import DAILY, WEEKLY, rrule, weekday, weekdays

from bot.clock import zone
from bot.context import OutboxKind, Plan
from bot.domain import Community, OutboxItem
from bot.ports import UnitOfWork

_RULE = re.compile(r"(?:(daily)|weekly (MO|TU|WE|TH|FR|SA|SU)) ([01]\d|2[0-3]):([0-5]\d)")
_DAYS: dict[str, weekday] = {repr(day): day for day in weekdays}


@dataclass(frozen=True)
class Schedule:
    """`rule`: "daily HH:MM" or "weekly MO HH:MM" (MO..SU); `zone`: "community" (the community's zone) or a
    zone name. `decide(item, uow, now)` says what the occurrence sends, like an outbox kind's."""

    name: str
    rule: str
    decide: Callable[[OutboxItem, UnitOfWork, datetime], Awaitable[Plan]]
    zone: str = "community"

    def __post_init__(self) -> None:
        if not _RULE.fullmatch(self.rule):
            raise ValueError(f"schedule {self.name!r}: rule {self.rule!r} is not 'daily HH:MM' or 'weekly MO HH:MM'")

    @property
    def kind(self) -> str:
        return f"schedule:{self.name}"

    def next_after(self, moment: datetime, community_zone: str) -> datetime:
        """The first occurrence strictly after `moment`, in UTC."""
        daily, day, hour, minute = _RULE.fullmatch(self.rule).groups()
        tz = zone(community_zone if self.zone == "community" else self.zone)
        local = moment.astimezone(tz).replace(tzinfo=None)
        rule = rrule(DAILY if daily else WEEKLY, dtstart=local - timedelta(days=8), byhour=int(hour),
                     byminute=int(minute), bysecond=0, byweekday=None if daily else _DAYS[day])
        # a wall time skipped by a DST change resolves like zoneinfo does (fold=0); one repeated happens once
        candidate = rule.after(local)
        while (at := candidate.replace(tzinfo=tz).astimezone(UTC)) <= moment:
            candidate = rule.after(candidate)
        return at

    def plan_next(self, uow: UnitOfWork, community: Community, after: datetime) -> datetime:
        at = self.next_after(after, community.zone)
        uow.outbox.add(community.id, self.kind, {"at": at.isoformat()}, due_at=at,
                       key=f"{self.kind}:{community.id}:{at.isoformat()}", if_absent=True)
        return at

    def outbox_kind(self) -> OutboxKind:
        async def decide(item: OutboxItem, uow: UnitOfWork, now: datetime) -> Plan:
            community = await uow.communities.get(item.community_id)
            self.plan_next(uow, community, max(item.due_at, now))
            return await self.decide(item, uow, now)

        return OutboxKind(self.kind, decide)
