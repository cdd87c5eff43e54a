"""`copbot export` and `copbot import` as operators run them (real processes), and what the moved community
shows afterwards through the console: the same boards, profiles and meetups, and reminders still due."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.app.backup import TerminalProgress
from adapters.app.bootstrap import build
from bot.core import Invocation
from bot.identity import MemberRef, Person, Place
from storage.models import Base, CommunityRow, KudosRow, OutboxRow
from storage.models_activity import ActiveCountRow, MemberDayActivityRow, MemberWeekRow
from storage.transfer_ids import known_dedupe_key
from storage.transfer_sections import NOT_SECTIONS, SECTIONS
from tests.conftest import make_config, postgres_url, require_postgres
from tests.fakes.clock import FakeClock
from tests.fakes.console import ConsoleDriver

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = """
:as alice
/timezone Europe/Berlin
/settings kudos_daily_allowance 7
/kudos @bob thanks for the audit #seo
/kudos @carol great talk #ads #seo
/tags add seo serp backlinks
/tags add ads ppc
/role grant @bob champion
:as bob
/kudos @carol helpful review #seo
/meetup create "SEO clinic" 2026-11-26 18:00 capacity=1 place=https://meet.example/seo
/meetup create "Sunday run" 2026-11-29 18:00 repeat=weekly
:as carol
see you all there
/meetup rsvp 1 yes
/meetup rsvp 2 maybe
/kudos @alice thanks #ads
/interests pick seo ads
:as dan
hello everyone
and again
/meetup rsvp 1 yes
/kudos @bob cheers
:as alice
/kudos void 4 given by mistake
:as erin
/kudos @carol thanks
/meetup rsvp 2 yes
/leaderboard optout
/meetup mute
/helper pause 10
:join frank
:as frank
/onboarding done intro
"""
VIEWS = """
:as alice
/leaderboard all
/leaderboard all given
/leaderboard all #seo
/profile @bob
/profile @carol
/profile @alice
/meetup list
/meetup show 1
/meetup show 2
/tags
:as frank
/onboarding
/interests
"""
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the Monday of the fake clock


def copbot(*args: str, database: str, stdout=None, stdin: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COPBOT_LOG_LEVEL")}
    return subprocess.run([sys.executable, "-m", "adapters.app.cli", *args], cwd=ROOT, env=env | {"DATABASE_URL": database},
                          stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, input=stdin, text=True,
                          timeout=120)


async def views(url: str, clock) -> list[str]:
    """What the console prints for the views, without its message ids."""
    app = await build(make_config(url), clock=clock)
    try:
        printed = await ConsoleDriver(app).script(VIEWS)
    finally:
        await app.close()
    return [re.sub(r"^\[m\d+\] ", "", line) for line in printed.splitlines()]


async def fill(url: str, clock) -> None:
    app = await build(make_config(url), clock=clock)
    try:
        console = ConsoleDriver(app)
        out = await console.script(SCENARIO)
        assert "(kudos #6)" in out and "New meetup #2" in out and "waitlist" in out, out
        async with app.core.uow_factory() as uow:
            keys = (await uow.session.scalars(select(OutboxRow.dedupe_key).where(OutboxRow.sent_at.is_(None),
                                                                                 OutboxRow.dedupe_key.isnot(None)))).all()
        assert {key.split(":")[0] for key in keys} >= {"reminder", "followup", "drip"}
        assert all(known_dedupe_key(key) for key in keys), keys  # each is translated on import, none prefixed
    finally:
        await app.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[str, Path]:
    """A SQLite store filled by the scenario, and its export (made once for this module's tests)."""
    folder = tmp_path_factory.mktemp("source")
    url = f"sqlite+aiosqlite:///{folder}/a.db"
    asyncio.run(fill(url, FakeClock()))
    asyncio.run(export(url, folder / "data.json"))
    return url, folder / "data.json"


async def export(url: str, path: Path, name: str = "Local community") -> subprocess.CompletedProcess:
    with path.open("w") as out:
        result = copbot("export", "--community", name, database=url, stdout=out)
    assert result.returncode == 0, result.stderr
    return result


async def count(url: str, what, of=None) -> int:
    """Rows of `what` (a table), or the sum of its column `of`."""
    app = await build(make_config(url), migrate=False)
    try:
        async with app.core.uow_factory() as uow:
            return await uow.session.scalar(select(func.count() if of is None else func.sum(of)).select_from(what))
    finally:
        await app.close()


@pytest.mark.postgres
async def test_a_community_moved_from_sqlite_to_postgresql_shows_the_same_boards_profiles_and_meetups(
        exported, clock):
    await require_postgres()
    source, export_file = exported
    before = await views(source, clock)

    pg = await postgres_url()
    other = await build(make_config(pg), clock=clock)  # another community already there: ids will not match
    try:
        slack = Place("slack", "T0", "C1", workspace_name="Elsewhere")
        for user in ("U1", "U2", "U3"):
            await other.core.handle(Invocation(Person(MemberRef("slack", "T0", user), user), slack,
                                               "kudos <@U9> thanks #seo"))
    finally:
        await other.close()
    imported = copbot("import", str(export_file), database=pg)
    assert imported.returncode == 0, imported.stderr

    after = await views(pg, clock)
    assert after == before
    assert any(line.startswith("1. carol — ") for line in before)  # the views are not empty
    assert await count(pg, KudosRow.__table__) == 6 + 3
    activity = MemberDayActivityRow.__table__
    assert await count(pg, activity) == await count(source, activity) == 2  # carol's day and dan's (2 messages)
    assert await count(pg, CommunityRow.__table__) == 2
    weeks, counts = MemberWeekRow.__table__, ActiveCountRow.__table__
    # the other community's weeks and the imported ones, each counted (the imported ones again, on import)
    assert await count(pg, counts, counts.c.members) == await count(pg, weeks) > await count(source, weeks) > 0

    # The reminders planned in SQLite go out from PostgreSQL: the day before the clinic, to its channel and by DM
    # to the one "yes" (carol; dan waits for her seat).
    app = await build(make_config(pg), clock=clock)
    try:
        console = ConsoleDriver(app)
        clock.set(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
        await app.dispatcher.run_due()
        sent = "\n".join(console.printed)
        assert sent.count("Reminder") == 2 and "SEO clinic" in sent, sent
        assert "(DM to carol)" in sent and "(DM to dan)" not in sent
        await app.dispatcher.run_due()
        assert "\n".join(console.printed) == sent  # once
    finally:
        await app.close()


async def test_import_refuses_existing_data_unless_asked(exported, clock, tmp_path):
    (source, export_file), target = exported, f"sqlite+aiosqlite:///{tmp_path}/b.db"
    assert copbot("import", str(export_file), database=target).returncode == 0

    again = copbot("import", str(export_file), database=target)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "'Local community' exists" in again.stderr and "--replace" in again.stderr and "--as" in again.stderr
    assert await count(target, CommunityRow.__table__) == 1 and await count(target, KudosRow.__table__) == 6

    copy = copbot("import", str(export_file), "--as", "Rehearsal", database=target)
    assert copy.returncode == 0, copy.stderr
    assert "console local" in copy.stdout  # its binding stays with the original
    assert await count(target, CommunityRow.__table__) == 2 and await count(target, KudosRow.__table__) == 12

    replaced = copbot("import", str(export_file), "--replace", database=target)
    assert replaced.returncode == 0, replaced.stderr
    assert await count(target, CommunityRow.__table__) == 2 and await count(target, KudosRow.__table__) == 12
    assert await views(target, clock) == await views(source, clock)


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"format": "something else", "version": 1}',
                                     "TRUNCATED", "HEADER_CUT", "OTHER_VERSION"])
async def test_a_file_that_is_not_a_whole_export_is_refused_and_changes_nothing(content, exported, tmp_path):
    target = f"sqlite+aiosqlite:///{tmp_path}/b.db"
    if content in ("TRUNCATED", "HEADER_CUT", "OTHER_VERSION"):
        text = exported[1].read_text()
        content = {"TRUNCATED": text[: len(text) * 2 // 3], "HEADER_CUT": text[:150],
                   "OTHER_VERSION": text.replace('"version":1', '"version":99', 1)}[content]
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = copbot("import", str(bad), database=target)
    assert result.returncode == 1 and result.stderr.startswith("copbot: ") and "Traceback" not in result.stderr
    assert await count(target, CommunityRow.__table__) == 0


async def test_export_names_the_communities_there_are_when_the_name_is_wrong(exported, tmp_path):
    with (tmp_path / "out.json").open("w") as out:
        result = copbot("export", "--community", "Nope", database=exported[0], stdout=out)
    assert result.returncode == 1 and "'Nope'" in result.stderr and "Local community" in result.stderr


def test_the_export_is_one_json_document_with_every_section_counted(exported):
    document = json.loads(exported[1].read_text())
    assert (document["format"], document["version"]) == ("copbot-export", 1)
    assert list(document)[6:] == [table.name for table in SECTIONS]
    assert {name: len(document[name]) for name in document["counts"]} == document["counts"]
    assert document["community"]["last_kudos_number"] == 6 and document["community"]["last_meetup_number"] == 2
    assert sorted(k["number"] for k in document["kudos"]) == [1, 2, 3, 4, 5, 6]
    assert all("sent_at" not in row for row in document["outbox"])


def test_every_table_of_a_community_is_exported_or_left_out_for_a_stated_reason():
    covered = {table.name for table in SECTIONS} | set(NOT_SECTIONS)
    community_tables = {t.name for t in Base.metadata.sorted_tables if "community_id" in t.c or t.name in NOT_SECTIONS}
    assert community_tables - {"communities"} <= covered, community_tables - covered


def test_progress_is_a_counter_line_on_a_terminal_and_nothing_otherwise():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = TerminalProgress(stream)
        progress("kudos", 1000, 2000)
        progress("kudos", 2000, 2000)
        progress.close()
    assert "kudos: 2,000 of 2,000 rows" in terminal.getvalue() and pipe.getvalue() == ""
