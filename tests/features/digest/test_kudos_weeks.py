"""The digest reads its weeks' kudos from the week rows of the running totals: they hold every week, and stay
what a count of the live kudos gives after a zone change and a merge of two members (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.clock import local_today
from storage.models import KudosRow
from tests.features.digest.test_week_numbers import PULLED_AT, kudos, week  # noqa: F401 (the fixture)


async def counted(app, cid: int, zone: str, mondays: list) -> list[tuple]:
    """(given, givers, receivers, top receivers) of each local week, counted from the live kudos."""
    async with app.core.uow_factory() as uow:
        rows = (await uow.session.execute(select(KudosRow.giver_id, KudosRow.receiver_id, KudosRow.created_at).where(
            KudosRow.community_id == cid, KudosRow.revoked_at.is_(None)))).all()
    result = []
    for monday in mondays:
        mine = [(g, r) for g, r, at in rows if _monday(local_today(at, zone)) == monday]
        received = Counter(r for _, r in mine)
        top = dict(sorted(received.items(), key=lambda x: (-x[1], x[0]))[:10])
        result.append((len(mine), len({g for g, _ in mine}), len(received), top))
    return result


async def read(app, cid: int, mondays: list) -> list[tuple]:
    async with app.core.uow_factory() as uow:
        facts = await uow.digest.kudos_weeks(cid, mondays)
    return [(f.given, f.givers, f.receivers, f.received) for f in facts]


def _monday(day):
    return day - timedelta(days=day.weekday())


def mondays(zone: str) -> list:
    last = _monday(local_today(PULLED_AT, zone))
    return [last - timedelta(weeks=n) for n in range(8, -1, -1)]


async def test_every_week_stays_counted_after_a_zone_change(app, console, week):  # noqa: F811
    cid, m = week
    before = await read(app, cid, mondays("America/New_York"))
    assert before == await counted(app, cid, "America/New_York", mondays("America/New_York"))
    assert sum(given for given, *_ in before) == 10 and before[-2][0] == 6  # W46 to W49; W48 holds 6
    await console.say(":as alice", "/settings zone Asia/Tokyo")
    after = await read(app, cid, mondays("Asia/Tokyo"))
    assert after == await counted(app, cid, "Asia/Tokyo", mondays("Asia/Tokyo"))
    assert sum(given for given, *_ in after) == 10


async def test_a_merge_counts_the_two_members_as_one_in_every_week(app, week):  # noqa: F811
    cid, m = week
    async with app.core.uow_factory() as uow:
        await uow.kudos.merge(cid, m["carol"], m["bob"], PULLED_AT)
        await uow.commit()
    weeks = mondays("America/New_York")
    merged = await read(app, cid, weeks)
    assert merged == await counted(app, cid, "America/New_York", weeks)
    # W48: carol's kudos to bob is now a self-kudos, out of every count; bob keeps 2 and gets carol's 1
    assert merged[-2][0] == 6 - 1 and merged[-2][3][m["bob"]] == 3 and m["carol"] not in merged[-2][3]
