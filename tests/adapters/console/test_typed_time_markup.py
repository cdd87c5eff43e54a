"""Time markup typed by a person is text, never a time: in a kudos reason, a display name, a meetup title and a
welcome template, on both stores, through the console. `[[t:N:S]]` was the core's own markup once: a huge N made
the renderer raise after the change was committed, a small N showed a fake date."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.features.welcome.helpers import dms_to

HUGE, EPOCH = "[[t:99999999999999:F]]", "[[t:0:F]]"
# What the console prints when something broke: the core's apology, the console's own, an unshowable time.
BROKEN = ("Sorry, something went wrong", "(copbot hit an error", "(unknown time)")


def assert_fine(out: str) -> None:
    assert not any(mark in out for mark in BROKEN), out
    assert "1970" not in out  # [[t:0:F]] read as a time would be 1 January 1970


async def failed_deliveries(app) -> int:
    async with app.engine.connect() as connection:
        return (await connection.execute(text("SELECT count(*) FROM outbox WHERE last_error IS NOT NULL"))).scalar()


async def reads_all_work(console) -> None:
    for read in ("/leaderboard", "/leaderboard all given", "/profile", "/meetup list", "/help"):
        assert_fine(await console.say(read))


@pytest.mark.parametrize("markup", [HUGE, EPOCH])
async def test_markup_in_a_kudos_reason_is_stored_and_shown_as_typed(console, app, markup):
    out = await console.say(":as alice", f"/kudos @carol evil {markup}")
    assert_fine(out)
    assert markup in out
    async with app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT reason FROM kudos"))).scalars().all() == [f"evil {markup}"]
    await reads_all_work(console)


@pytest.mark.parametrize("markup", [HUGE, EPOCH])
async def test_a_display_name_holding_markup_breaks_no_read(console, app, markup):
    name = f"bob{markup}"
    out = await console.say(":as alice", "/help", f":as {name}", "/kudos @alice thanks", "/profile")
    assert_fine(out)
    assert f"Profile of {name}" in out
    board = await console.say(":as alice", "/leaderboard all given", "/profile")
    assert_fine(board)
    assert name in board  # the giver's name, literally
    await reads_all_work(console)


@pytest.mark.parametrize("markup", [HUGE, EPOCH])
async def test_a_meetup_title_holding_markup_is_listed_as_typed_with_its_real_time(console, app, markup):
    out = await console.say(":as alice", f'/meetup create "Run {markup}" tomorrow 18:00', "/meetup list",
                            "/meetup show 1")
    assert_fine(out)
    assert f"#1 Run {markup} — Tue 24 Nov 2026 18:00 UTC" in out  # the title as typed, the time rendered
    await reads_all_work(console)


@pytest.mark.parametrize("markup", [HUGE, EPOCH])
async def test_a_welcome_template_holding_markup_reaches_every_newcomer(console, app, markup):
    assert_fine(await console.say(":as alice", f"/welcome edit dm Hi {{member}} {markup}", "/welcome preview"))
    out = await console.say(":join dana", ":join erin")
    assert_fine(out)
    assert [dm.startswith(f"Hi {who} {markup}") for who in ("dana", "erin")
            for dm in dms_to(out, who)] == [True, True]
    assert await failed_deliveries(app) == 0
    await reads_all_work(console)
