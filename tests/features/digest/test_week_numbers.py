"""A known week of activity (2026-W48 in America/New_York) and every number the digest shows for it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.features.digest.actions import plan_actions
from bot.features.digest.feature import build_digest
from bot.features.digest.metrics import CHART, series, top_helpers, top_receivers
from bot.features.digest.render import change
from bot.features.digest.weeks import parse_week
from tests.features.digest.helpers import add_meetup, add_messages, add_steps, ids, ny, set_member

PULLED_AT = datetime(2026, 12, 1, 15, tzinfo=UTC)  # Tuesday of W49
LONG_AGO = datetime(2026, 1, 5, tzinfo=UTC)


async def kudos(console, clock, at: datetime, giver: str, receiver: str, tag: str = "") -> None:
    clock.set(at)
    await console.say(f":as {giver}", f"/kudos @{receiver} thanks for the help {tag}".strip())


@pytest.fixture
async def week(app, console, clock, monkeypatch):
    """Who did what around 2026-W48 (Mon 23 Nov to Sun 29 Nov, New York)."""
    clock.set(datetime(2026, 10, 1, tzinfo=UTC))
    await console.say(":as alice", "/settings zone America/New_York")
    people = ["bob", "carol", "dave", "erin", "frank", "gus", "henry", "ivy", "judy", "kim", "lea", "max"]
    for name in people:
        await console.say(f":as {name}", "/help")
    await console.say(":as frank", "/leaderboard optout")
    cid, m = await ids(app)
    for name in ["alice", *people]:
        await set_member(app, cid, m[name], joined_at=LONG_AGO)
    await set_member(app, cid, m["frank"], joined_at=ny(2026, 10, 27, 12))  # W44: retained if active in W48
    await set_member(app, cid, m["henry"], joined_at=ny(2026, 11, 25, 9), first_message_at=ny(2026, 11, 26, 9))
    await set_member(app, cid, m["ivy"], joined_at=ny(2026, 11, 29, 23))  # Sunday 23:00 local, Monday UTC
    await set_member(app, cid, m["judy"], left_at=ny(2026, 11, 26, 12))
    # lea finished every onboarding step within 7 days of joining; max finished the last one a day too late
    await set_member(app, cid, m["lea"], joined_at=ny(2026, 11, 23, 9))
    await set_member(app, cid, m["max"], joined_at=ny(2026, 11, 23, 9))
    await add_steps(app, cid, m["lea"], {"intro": ny(2026, 11, 23, 10), "interests": ny(2026, 11, 24, 10),
                                         "guidelines": ny(2026, 11, 30, 8, 59)})
    await add_steps(app, cid, m["max"], {"intro": ny(2026, 11, 23, 10), "interests": ny(2026, 11, 24, 10),
                                         "guidelines": ny(2026, 12, 1, 10)})
    await add_messages(app, cid, {(m["gus"], date(2026, 10, 28)): 4, (m["frank"], date(2026, 10, 29)): 2,
                                  (m["dave"], date(2026, 11, 24)): 3, (m["frank"], date(2026, 11, 29)): 1})
    # W46 and W47
    await kudos(console, clock, ny(2026, 11, 10, 12), "alice", "kim")
    await kudos(console, clock, ny(2026, 11, 17, 12), "alice", "bob")
    await kudos(console, clock, ny(2026, 11, 18, 12), "alice", "carol")
    # W48
    await kudos(console, clock, ny(2026, 11, 24, 12), "alice", "bob", "#python")
    await kudos(console, clock, ny(2026, 11, 25, 12), "carol", "bob")
    await kudos(console, clock, ny(2026, 11, 25, 13), "carol", "dave")
    await kudos(console, clock, ny(2026, 11, 26, 12), "erin", "frank")
    await kudos(console, clock, ny(2026, 11, 26, 13), "erin", "carol")
    await kudos(console, clock, ny(2026, 11, 29, 23, 30), "alice", "bob", "#seo")  # Monday 04:30 in UTC
    await kudos(console, clock, ny(2026, 11, 30, 0, 30), "dave", "carol", "#seo")  # W49 already
    await add_meetup(app, cid, m["alice"], ny(2026, 11, 26, 18),
                     {m["bob"]: ("yes", True), m["carol"]: ("yes", False), m["dave"]: ("waitlist", False)},
                     answered_at=ny(2026, 11, 20, 12))  # RSVPs in W47
    clock.set(PULLED_AT)
    return cid, m


async def _digest(app, cid, label="2026-W48"):
    async with app.core.uow_factory() as uow:
        community = await uow.communities.get(cid)
        week = parse_week(label, PULLED_AT, community.zone)
        return await build_digest(uow, community, week, PULLED_AT, chart=False), uow


async def test_every_number_of_a_known_week(app, week):
    cid, m = week
    digest, _ = await _digest(app, cid)
    weeks = series(digest.history)
    this, before = weeks[-1], weeks[-2]
    assert digest.week.label == "2026-W48"
    assert {k: this[k] for k in ("new", "activated", "active", "retained", "gone_quiet", "left")} == {
        "new": 4, "activated": 2, "active": 5, "retained": 1, "gone_quiet": 1, "left": 1}
    assert [x.name for x in digest.history.weeks[-1].newcomers] == ["lea", "max", "henry", "ivy"]
    assert (this["kudos_given"], this["kudos_givers"], this["kudos_receivers"]) == (6, 3, 4)
    assert this["recognition_spread"] == pytest.approx(1 / 6)
    assert (this["meetups_held"], this["rsvp_yes"], this["came_after_yes"], this["waitlist"]) == (1, 2, 1, 1)
    assert this["show_rate"] == pytest.approx(0.5)
    # the week before: alice gave 2, and bob, carol and dave answered RSVPs
    assert (before["kudos_given"], before["active"], before["new"], before["meetups_held"]) == (2, 4, 0, 0)
    assert change("kudos_given", this["kudos_given"], before["kudos_given"]) == "2 → 6 (small numbers)"
    assert change("active", 50, 40) == "+25 %"
    assert len(weeks) == 8
    # the 4 weeks before the trend's are on the chart only: its four numbers, and only those
    assert [set(w) for w in weeks[:4]] == [set(CHART)] * 4
    assert all("retained" in w and "show_rate" in w for w in weeks[4:])
    assert dict(digest.history.top_tags) == {"python": 1, "seo": 1}


async def test_opted_out_members_are_on_no_list_but_still_counted(app, week):
    cid, m = week
    digest, _ = await _digest(app, cid)
    assert top_receivers(digest.history) == [(m["bob"], 3), (m["carol"], 1), (m["dave"], 1)]
    assert m["frank"] in digest.history.weeks[-1].kudos.received  # counted in the numbers
    assert series(digest.history)[-1]["kudos_receivers"] == 4
    assert [who for who, _ in top_helpers(digest.history)] == [m["bob"], m["carol"], m["kim"]]


async def test_the_next_week_starts_at_local_midnight(app, week):
    cid, m = week
    digest, _ = await _digest(app, cid, "2026-W49")
    this = series(digest.history)[-1]
    assert (this["kudos_given"], this["new"]) == (1, 0)
    assert digest.history.weeks[-1].kudos.received == {m["carol"]: 1}


async def test_actions_come_from_the_data(app, week):
    cid, m = week
    digest, _ = await _digest(app, cid)
    async with app.core.uow_factory() as uow:
        actions = await plan_actions(uow, cid, digest.history, PULLED_AT)
    by_kind = {a.kind: a.people for a in actions}
    assert by_kind == {"not_activated": (m["max"], m["ivy"]), "unthanked": (m["kim"],), "no_show": (m["carol"],)}


async def test_a_newcomer_who_left_is_not_named_for_a_hello_and_a_bot_is_no_newcomer(app, week):
    cid, m = week
    await set_member(app, cid, m["ivy"], left_at=ny(2026, 11, 30))  # W49's first instant: not W48's leaver
    await set_member(app, cid, m["kim"], joined_at=ny(2026, 11, 24, 9), is_bot=True)
    digest, _ = await _digest(app, cid)
    async with app.core.uow_factory() as uow:
        actions = await plan_actions(uow, cid, digest.history, PULLED_AT)
    assert [a.people for a in actions if a.kind == "not_activated"] == [(m["max"],)]
    assert (series(digest.history)[-1]["new"], series(digest.history)[-1]["left"]) == (4, 1)


async def test_a_tag_narrows_the_kudos_numbers(app, week):
    cid, m = week
    async with app.core.uow_factory() as uow:
        community = await uow.communities.get(cid)
        digest = await build_digest(uow, community, parse_week("2026-W48", PULLED_AT, community.zone), PULLED_AT,
                                    tag="seo", chart=False)
    this = series(digest.history)[-1]
    assert (this["kudos_given"], this["kudos_givers"], this["kudos_receivers"]) == (1, 1, 1)
    assert this["active"] == 5  # activity is not narrowed by a tag


async def test_activated_means_a_first_message_within_seven_days_to_the_microsecond(app, week):
    cid, m = week
    joined = datetime(2026, 11, 24, 15, 0, 0, 123456, tzinfo=UTC)
    await set_member(app, cid, m["gus"], joined_at=joined, first_message_at=joined + timedelta(days=7))
    await set_member(app, cid, m["kim"], joined_at=joined,
                     first_message_at=joined + timedelta(days=7, microseconds=1))
    digest, _ = await _digest(app, cid)
    this = series(digest.history)[-1]
    assert (this["new"], this["activated"]) == (6, 3)  # henry, lea and gus; kim a microsecond late
    async with app.core.uow_factory() as uow:
        actions = await plan_actions(uow, cid, digest.history, PULLED_AT)
    assert [a.people for a in actions if a.kind == "not_activated"] == [(m["max"], m["kim"], m["ivy"])]


def test_a_change_is_a_percentage_only_from_ten_up():
    assert change("active", 12, 10) == "+20 %"
    assert change("active", 9, 6) == "6 → 9 (small numbers)"
    assert change("active", 30, 0) == "0 → 30"
    assert change("show_rate", 0.5, 0.75) == "-25 points"
