"""Leaderboards read running totals (storage/repositories/kudos_totals.py): after any mix of kudos, undos, voids,
leaves, erasures and opt-outs across period boundaries in a far zone, every board equals a count from scratch
over the kudos table, and so do the weeks' counts the digest reads; a zone change recounts them (console, SQLite
and PostgreSQL)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.periods import PERIODS, first_day, period_start
from storage.models import CommunityRow, KudosRow, KudosTagRow, KudosWeekRow, MemberRow, TagRow

pytestmark = pytest.mark.asyncio

FAR = "Pacific/Kiritimati"  # UTC+14: its local midnight is 10:00 UTC the day before
PEOPLE = ["amy", "bob", "cat", "dan", "eve", "fay"]
BOARDS = [f"{period}{given}{tag}" for period in PERIODS for given in ("", " given") for tag in ("", " #seo")]


def board_lines(out: str) -> list[str]:
    return re.findall(r"^\d+\. (.+? — \d+)$", out, flags=re.MULTILINE)


async def from_scratch(app, board: str, now: datetime) -> list[str]:
    """The board as the old query counted it: every live kudos of the period, grouped by member."""
    period, given, tagged = board.split()[0], " given" in board, "#seo" in board
    async with app.engine.connect() as db:
        zone = (await db.execute(select(CommunityRow.zone))).scalar_one()
        kudos = (await db.execute(select(KudosRow).where(KudosRow.revoked_at.is_(None)))).all()
        seo = {k for (k,) in await db.execute(select(KudosTagRow.kudos_id).join(
            TagRow, TagRow.id == KudosTagRow.tag_id).where(TagRow.name == "seo"))}
        members = {m.id: m for m in (await db.execute(select(MemberRow))).all()}
    since = period_start(period, now, zone)
    totals: dict[int, tuple[int, datetime]] = {}
    for k in kudos:
        if (since is None or k.created_at >= since) and (not tagged or k.id in seo):
            who = k.giver_id if given else k.receiver_id
            n, latest = totals.get(who, (0, k.created_at))
            totals[who] = (n + 1, max(latest, k.created_at))
    shown = [(-n, latest, who) for who, (n, latest) in totals.items()
             if members[who].left_at is None and members[who].erased_at is None
             and not members[who].leaderboard_opt_out and not members[who].is_bot]
    return [f"{members[who].name} — {-n}" for n, _, who in sorted(shown)]


async def weeks_from_scratch(app) -> dict[tuple, tuple[int, int, int]]:
    """(local Monday, tag) -> (kudos given, distinct givers, distinct receivers), as the digest counted them."""
    async with app.engine.connect() as db:
        zone = (await db.execute(select(CommunityRow.zone))).scalar_one()
        kudos = (await db.execute(select(KudosRow).where(KudosRow.revoked_at.is_(None)))).all()
        tags = (await db.execute(select(KudosTagRow.kudos_id, KudosTagRow.tag_id))).all()
    tagged: dict[int, list[int]] = {}
    for kudos_id, tag_id in tags:
        tagged.setdefault(kudos_id, []).append(tag_id)
    weeks: dict[tuple, list] = {}
    for k in kudos:
        monday = first_day("week", k.created_at, zone)
        for tag_id in (0, *tagged.get(k.id, ())):
            given, givers, receivers = weeks.setdefault((monday, tag_id), [0, set(), set()])
            weeks[(monday, tag_id)][0] += 1
            givers.add(k.giver_id)
            receivers.add(k.receiver_id)
    return {key: (n, len(givers), len(receivers)) for key, (n, givers, receivers) in weeks.items()}


async def weeks_kept(app) -> dict[tuple, tuple[int, int, int]]:
    async with app.engine.connect() as db:
        rows = (await db.execute(select(KudosWeekRow))).all()
    return {(r.week, r.tag_id): (r.given, r.givers, r.receivers) for r in rows if (r.given, r.givers, r.receivers)
            != (0, 0, 0)}


async def assert_boards_match(console, clock) -> None:
    for board in BOARDS:
        shown = board_lines(await console.say(f"/leaderboard {board}"))
        assert shown == await from_scratch(console.app, board, clock.now()), (board, clock.now())
    assert await weeks_kept(console.app) == await weeks_from_scratch(console.app)  # the digest's weeks


async def random_step(console, clock, rng: random.Random, voidable: int) -> None:
    who = rng.choice(PEOPLE)
    roll = rng.random()
    if roll < 0.55:
        receivers = " ".join(f"@{p}" for p in rng.sample([p for p in PEOPLE if p != who], rng.choice((1, 1, 2))))
        await console.say(f":as {who}", f"/kudos {receivers} thanks{rng.choice(('', ' #seo', ' #ux #seo'))}")
    elif roll < 0.65:
        await console.say(f":as {who}", "/kudos undo")
    elif roll < 0.75 and voidable:
        await console.say(":as owner", f"/kudos void {rng.randint(1, voidable)} mistake")
    elif roll < 0.82:
        await console.say(f":as {who}", f"/leaderboard {rng.choice(('optout', 'optin'))}")
    elif roll < 0.9:
        await console.say(f":{rng.choice(('leave', 'join'))} {who}")
    elif roll < 0.93:
        await console.say(":as owner", f"/member erase @{who}")  # a later ":as" of that name is a new member
    clock.advance(seconds=rng.choice((20, 50, 3600, 3 * 3600, 7 * 3600)))


@pytest.mark.parametrize("seed", [15, 2027])
async def test_boards_from_totals_equal_a_count_from_scratch(console, clock, seed):
    rng = random.Random(seed)
    clock.set(datetime(2026, 12, 30, 12, tzinfo=UTC))  # Thursday 31 Dec, 02:00 in the far zone
    await console.say(":as owner", f"/settings zone {FAR}", "/settings kudos_daily_allowance 50",
                      "/settings kudos_pair_cap 10")
    given = 0
    for step in range(90):  # about 8 days: a new month, quarter and year, then a new week, in the far zone
        await random_step(console, clock, rng, given)
        async with console.app.engine.connect() as db:
            given = len((await db.execute(select(KudosRow.id))).all())
        if step % 15 == 14:
            await assert_boards_match(console, clock)
    assert given > 40
    await assert_boards_match(console, clock)


async def test_a_zone_change_recounts_the_boards(console, clock):
    clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))  # Monday 30 Nov: 23:00 in the far zone
    await console.say(":as owner", "/settings")  # the console's first member owns the community
    await console.say(":as alice", "/kudos @bob thanks")
    clock.set(datetime(2026, 11, 30, 20, tzinfo=UTC))  # still 30 Nov in UTC, already 1 Dec in the far zone
    await console.say(":as alice", "/kudos @carol thanks")
    assert board_lines(await console.say("/leaderboard month")) == ["bob — 1", "carol — 1"]
    await console.say(":as owner", f"/settings zone {FAR}")
    for board in BOARDS:
        assert board_lines(await console.say(f"/leaderboard {board}")) == await from_scratch(
            console.app, board, clock.now())
    assert await weeks_kept(console.app) == await weeks_from_scratch(console.app)
    assert board_lines(await console.say("/leaderboard month")) == ["carol — 1"]
    assert board_lines(await console.say("/leaderboard week")) == ["bob — 1", "carol — 1"]
    clock.set(datetime(2026, 11, 30, 22, tzinfo=UTC))
    await console.say(":as owner", "/settings zone UTC")
    assert board_lines(await console.say("/leaderboard month")) == ["bob — 1", "carol — 1"]


async def test_a_zone_changed_by_the_configs_seed_recounts_the_boards(console, clock):
    from bot.communities import CommunitySeed

    clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))  # Monday 30 Nov: 23:00 in the far zone
    await console.say(":as alice", "/kudos @bob thanks")
    clock.set(datetime(2026, 11, 30, 20, tzinfo=UTC))  # already 1 Dec in the far zone
    await console.say(":as alice", "/kudos @carol thanks")
    assert board_lines(await console.say("/leaderboard month")) == ["bob — 1", "carol — 1"]
    async with console.app.engine.connect() as db:
        name = (await db.execute(select(CommunityRow.name))).scalar_one()
    await console.app.core.communities.seed([CommunitySeed(name, FAR, bindings=())])  # a restart with a new zone
    assert board_lines(await console.say("/leaderboard month")) == ["carol — 1"]
    assert board_lines(await console.say("/leaderboard week")) == ["bob — 1", "carol — 1"]
    await console.app.core.communities.seed([CommunitySeed(name, None, bindings=())])  # no zone: left as it is
    assert board_lines(await console.say("/leaderboard month")) == ["carol — 1"]


async def test_the_askers_place_below_the_top_follows_ties_and_voids(console, clock):
    await console.say(":as owner", "/settings kudos_daily_allowance 100")
    for n in reversed(range(12)):  # p11 first: among equal totals, the earlier ranks higher
        await console.say(f"/kudos @p{n} thanks")
        clock.advance(seconds=90)
    assert (await console.say(":as p1", "/leaderboard")).splitlines()[-2:] == ["…", "11. p1 — 1"]
    await console.say(":as owner", "/kudos void 1 mistake")  # p11's
    assert board_lines(await console.say(":as p1", "/leaderboard"))[-1] == "p1 — 1"
    assert (await console.say(":as p0", "/leaderboard")).splitlines()[-2:] == ["…", "11. p0 — 1"]
