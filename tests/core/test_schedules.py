"""A feature's recurring schedule: one outbox row per occurrence and community, sent once, then the next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select

from bot.context import Feature, erases_nothing
from bot.core import Core
from bot.dispatch import Dispatcher
from bot.identity import ChannelTarget
from bot.reply import Reply
from bot.schedules import Schedule
from bot.settings import Settings
from storage.models import OutboxRow
from tests.core.test_dispatch import RecordingOutbound

SENT_TO = ChannelTarget("console", "local", "general")


async def _digest(item, uow, now):
    return [(SENT_TO, Reply.public(f"digest for {item.payload['at']}"))]


WEEKLY = Schedule("test-digest", "weekly MO 09:00", _digest)
DIGEST = Feature("test-digest", schedules=(WEEKLY,), settings=Settings, erase=erases_nothing, repositories={})


async def _rows(app) -> list[tuple[int, datetime]]:
    async with app.core.uow_factory() as uow:
        rows = await uow.session.execute(select(OutboxRow.community_id, OutboxRow.due_at)
                                         .where(OutboxRow.kind == WEEKLY.kind).order_by(OutboxRow.due_at))
        return [(c, d.astimezone(UTC)) for c, d in rows]


async def _set_zone(console, zone):
    await console.say(":as owner", f"/settings zone {zone}")


@pytest.mark.parametrize("rule, after, expected", [
    ("weekly MO 09:00", datetime(2026, 11, 23, 10, tzinfo=UTC), datetime(2026, 11, 30, 8, tzinfo=UTC)),
    ("weekly MO 09:00", datetime(2026, 11, 23, 7, tzinfo=UTC), datetime(2026, 11, 23, 8, tzinfo=UTC)),
    ("daily 09:00", datetime(2026, 3, 28, 9, tzinfo=UTC), datetime(2026, 3, 29, 7, tzinfo=UTC)),  # DST starts
])
def test_the_next_occurrence_is_in_the_communitys_zone(rule, after, expected):
    assert Schedule("s", rule, _digest).next_after(after, "Europe/Berlin") == expected


def test_a_rule_that_does_not_parse_is_refused_at_declaration():
    with pytest.raises(ValueError, match="rule"):
        Schedule("s", "weekly monday 9am", _digest)


async def test_each_occurrence_is_planned_once_and_sent_once(app, console, clock):
    await _set_zone(console, "Europe/Berlin")  # creates the community, Monday 2026-11-23 10:00 UTC
    async with app.core.uow_factory() as uow:  # the catalog's own schedules (the digest's) are not this test's
        await uow.session.execute(delete(OutboxRow).where(OutboxRow.kind != WEEKLY.kind))
        await uow.commit()
    core = Core(app.core.uow_factory, clock, [DIGEST])
    await core.communities.plan_schedules()
    await core.communities.plan_schedules()  # a second process starting: still one row
    monday = datetime(2026, 11, 30, 8, tzinfo=UTC)  # 09:00 in Berlin
    community_id = (await _rows(app))[0][0]
    assert await _rows(app) == [(community_id, monday)]

    outbound = RecordingOutbound()
    first, second = (Dispatcher(app.core.uow_factory, outbound, clock, [DIGEST]) for _ in range(2))
    clock.set(monday)
    assert await first.run_due() + await second.run_due() == 1
    assert [target for target, _text, _key in outbound.sent] == [SENT_TO]
    assert (await _rows(app))[-1] == (community_id, datetime(2026, 12, 7, 8, tzinfo=UTC))  # the next, planned

    clock.set(datetime(2026, 12, 7, 8, 30, tzinfo=UTC))
    await core.communities.plan_schedules()
    assert await first.run_due() == 1 and len(outbound.sent) == 2
    async with app.core.uow_factory() as uow:
        pending = await uow.session.scalar(select(func.count()).select_from(OutboxRow)
                                           .where(OutboxRow.kind == WEEKLY.kind, OutboxRow.sent_at.is_(None)))
    assert pending == 1
