"""Must-show: three `copbot run` replicas on one PostgreSQL, Slack in HTTP mode behind a (round-robin) load balancer.

The three start together and meet at the migration lock (the test holds it until all three wait for it): the
schema is migrated once. Signed /kudos commands go round-robin to the three ports, one `@name++` message event
reaches all three (Slack's retries land on any replica) and a burst of meetup reminders falls due at once: every
kudos is written once, every message reaches the fake Slack Web API once, and the /metrics of the three processes
add up to what was sent."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, text

from bot.identity import MemberRef, Person
from storage.engine import make_engine, session_factory
from storage.migrate import ADVISORY_LOCK_KEY, alembic_config, applied_revisions
from storage.models import Base, OutboxRow
from storage.models_meetups import MeetupRow, OccurrenceRow
from storage.uow import uow_factory
from tests.conftest import PG_URL, require_postgres
from tests.fakes import slack_payloads as sp
from tests.fakes.patience import PATIENCE
from tests.fakes.postgres import create_database, drop_database
from tests.fakes.slack_fake import FakeSlack
from tests.ops.process import Running, free_port, start

pytestmark = pytest.mark.postgres

COPBOT = Path(sys.executable).with_name("copbot")
REPLICAS = 3
KUDOS = 45  # from 45 different givers to 45 different receivers: no daily allowance refuses one
PP_GIVER, PP_RECEIVER = "U0PPGIVE", "U0PPRECV"  # and one `@name++` message, delivered to every replica
GIVEN = KUDOS + 1
REMINDERS = 30
SECRET = "replica-secret"
KUDOS_CHANNEL = "C0KUDOS"
COMMUNITY = "Replicas"


@pytest.fixture
async def fresh_pg():
    """A database of its own, empty: the replicas migrate it themselves."""
    await require_postgres()
    name = f"copbot_replicas_{os.getpid()}"
    url = await create_database(PG_URL, name)
    yield url
    await drop_database(PG_URL, name)


def replica_config(path: Path, port: int, api_base: str) -> Path:
    path.write_text(f"""
[slack]
enabled = true
mode = "http"
port = {port}
api_base_url = "{api_base}"

[health]
enabled = true

[[communities]]
name = "{COMMUNITY}"
slack = ["{sp.TEAM_ID}"]
settings = {{ kudos_channel = "{KUDOS_CHANNEL}", kudos_dm_receiver = true }}
""")
    return path


async def until(check, what: str, replicas: list[Running] = ()):  # noqa: ANN001
    """Poll `check()` (async, truthy when done) until PATIENCE runs out."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if result := await check():
            return result
        for replica in replicas:
            if replica.proc.returncode is not None:
                raise AssertionError(f"a replica exited while waiting for {what}:\n" + "\n".join(replica.stderr[-30:]))
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def scrape(http: aiohttp.ClientSession, port: int) -> dict[tuple[str, tuple], float]:
    async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        body = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


async def seed_reminders(engine, n: int) -> None:  # noqa: ANN001
    """n one-off meetups in n Slack channels, each with its "1 hour before" reminder due now (the meetup starts
    in an hour), written as meetups/service.py plans them (as bench/reminder_worker.py seeds them)."""
    now = datetime.now(UTC).replace(microsecond=0)
    start_at = now + timedelta(hours=1)
    async with uow_factory(session_factory(engine))() as uow:
        community = await uow.communities.by_name(COMMUNITY)
        creator = await uow.members.upsert(community.id, Person(MemberRef("slack", sp.TEAM_ID, "U0CHAMP"),
                                                                "champion"), now=now)
        await uow.commit()
    async with engine.begin() as connection:
        meetups = await connection.execute(insert(MeetupRow).returning(MeetupRow.id), [dict(
            community_id=community.id, number=i + 1, creator_id=creator.id, title=f"Meetup {i}", description="",
            location="", platform="slack", workspace_id=sp.TEAM_ID, channel_id=meetup_channel(i), zone="UTC",
            local_start=start_at.replace(tzinfo=None).isoformat(timespec="seconds"), duration_minutes=60,
            rrule=None, capacity=None, offsets="1h", scheduled_until=start_at, cancelled_at=None, created_at=now)
            for i in range(n)])
        occurrences = await connection.execute(insert(OccurrenceRow).returning(OccurrenceRow.id), [dict(
            community_id=community.id, meetup_id=m, original_start=start_at, start_at=start_at)
            for (m,) in meetups])
        await connection.execute(insert(OutboxRow), [dict(
            community_id=community.id, kind="meetup_reminder", due_at=now, attempts=0, created_at=now,
            payload={"occurrence_id": o, "start": start_at.isoformat(), "offset": "1h", "offsets": ["1h"]},
            dedupe_key=f"reminder:{o}@{int(start_at.timestamp())}:1h") for (o,) in occurrences])


def meetup_channel(i: int) -> str:
    return f"C0MEET{i:03d}"


def giver(n: int) -> str:
    return f"U0G{n:04d}"


def receiver(n: int) -> str:
    return f"U0R{n:04d}"


async def advisory_waiters(engine, at_least: int) -> bool:  # noqa: ANN001
    """At least that many copbot processes wait in pg_advisory_lock on this database."""
    async with engine.connect() as connection:
        return at_least <= await connection.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))


def log_lines(replica: Running) -> list[dict]:
    return [json.loads(line) for line in replica.stderr if line.startswith("{")]


async def test_three_replicas_migrate_once_and_share_commands_and_reminders_without_loss_or_doubles(
        fresh_pg, tmp_path):
    engine = make_engine(fresh_pg)
    replicas: list[Running] = []
    async with FakeSlack() as fake, aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PATIENCE)) as http:
        fake.add_user(PP_GIVER, "ppgiver")
        fake.add_user(PP_RECEIVER, "ppreceiver")
        for n in range(KUDOS):
            fake.add_user(giver(n), f"giver{n}")
            fake.add_user(receiver(n), f"receiver{n}")
        try:
            # Hold the migration lock so the three start up to it together: the race is real, not a matter of luck.
            async with engine.connect() as holder:
                await holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
                await holder.commit()
                for i in range(REPLICAS):
                    port = free_port()
                    config = replica_config(tmp_path / f"replica{i}.toml", port, fake.api_base)
                    replicas.append(await start(COPBOT, config, tmp_path, port, env={
                        "DATABASE_URL": fresh_pg, "SLACK_BOT_TOKEN": "xoxb-replica", "SLACK_SIGNING_SECRET": SECRET,
                        "COPBOT_LOG_FORMAT": "json", "COPBOT_LOG_LEVEL": "INFO"}))
                await until(lambda: advisory_waiters(engine, at_least=REPLICAS), "three waiters on the lock",
                            replicas)
                await holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                await holder.commit()
            for replica in replicas:
                await replica.wait_healthy()

            # The migration ran once: one process ran the upgrades, each revision once; the schema is complete.
            upgrades = [[line["message"] for line in log_lines(r) if line["message"].startswith("Running upgrade")]
                        for r in replicas]
            assert sorted(len(u) > 0 for u in upgrades) == [False, False, True], upgrades
            script_revisions = {rev.revision for rev in _script().walk_revisions()}
            ran = Counter(message.split("->")[1].split(",")[0].strip() for u in upgrades for message in u)
            assert set(ran) == script_revisions and max(ran.values()) == 1, ran
            async with engine.connect() as connection:
                versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
                tables = set((await connection.execute(text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars())
            assert len(versions) == len(set(versions)) and set(await applied_revisions(engine)) == script_revisions
            assert set(Base.metadata.tables) <= tables

            # A burst of reminders falls due while the commands come in, round-robin over the three ports.
            await seed_reminders(engine, REMINDERS)
            sent_to = Counter()

            async def kudos(n: int) -> None:
                replica = replicas[n % REPLICAS]
                body = sp.slash_command_body("/kudos", f"<@{receiver(n)}|receiver{n}> thanks for the review",
                                             user_id=giver(n), user_name=f"giver{n}")
                async with http.post(f"http://127.0.0.1:{replica.port}/slack/events", data=body,
                                     headers=sp.sign(body, SECRET)) as response:
                    assert response.status == 200, await response.text()
                sent_to[replica.port] += 1

            async def plus_plus(replica: Running, retry: int) -> None:
                """Slack redelivers an event it thinks was missed, and the load balancer picks any replica."""
                body = sp.event_body(sp.message(PP_GIVER, f"<@{PP_RECEIVER}>++ for the migration",
                                                ts="1700000000.000100"), event_id="EvREPLICA")
                headers = {**sp.sign(body, SECRET), **(sp.retry_headers(retry) if retry else {})}
                async with http.post(f"http://127.0.0.1:{replica.port}/slack/events", data=body,
                                     headers=headers) as response:
                    assert response.status == 200, await response.text()

            await asyncio.gather(*(kudos(n) for n in range(KUDOS)),
                                 *(plus_plus(replica, retry) for retry, replica in enumerate(replicas)))

            # Every outbox row settled (sent, none given up): nothing more can be sent.
            async def settled() -> bool:
                async with engine.connect() as connection:
                    rows = (await connection.execute(text(
                        "SELECT kind, sent_at IS NOT NULL FROM outbox WHERE kind IN ('message', 'meetup_reminder')"
                    ))).all()
                return len(rows) == 2 * GIVEN + REMINDERS and all(sent for _, sent in rows)

            await until(settled, "every outbox row sent", replicas)

            # Nothing lost, nothing doubled: each kudos once; each announcement, DM and reminder posted once.
            async with engine.connect() as connection:
                pairs = (await connection.execute(text(
                    "SELECT g.user_id, r.user_id FROM kudos k JOIN members g ON g.id = k.giver_id "
                    "JOIN members r ON r.id = k.receiver_id"))).all()
            assert sorted(pairs) == sorted([(giver(n), receiver(n)) for n in range(KUDOS)] + [(PP_GIVER, PP_RECEIVER)])
            posts = Counter(call.params["channel"] for call in fake.calls_to("chat.postMessage"))
            dm_channels = {call.params.get("users") for call in fake.calls_to("conversations.open")}
            assert posts[KUDOS_CHANNEL] == GIVEN
            assert all(posts[meetup_channel(i)] == 1 for i in range(REMINDERS)), posts
            assert dm_channels == {receiver(n) for n in range(KUDOS)} | {PP_RECEIVER}
            dms = {channel: count for channel, count in posts.items()
                   if channel != KUDOS_CHANNEL and not channel.startswith("C0MEET")}
            assert len(dms) == GIVEN and set(dms.values()) == {1}, dms
            assert sum(posts.values()) == 2 * GIVEN + REMINDERS

            # The metrics of the three add up to what was sent, and each counted what reached it.
            scraped = [await scrape(http, r.port) for r in replicas]
            handled = ("copbot_commands_total", (("command", "kudos"), ("outcome", "handled"), ("platform", "slack")))
            assert [s.get(handled, 0) for s in scraped] == [sent_to[r.port] for r in replicas]
            assert sum(s.get(handled, 0) for s in scraped) == KUDOS

            def delivered(kind: str) -> float:
                return sum(s.get(("copbot_dispatch_lag_seconds_count", (("kind", kind),)), 0) for s in scraped)

            assert delivered("meetup_reminder") == REMINDERS
            assert delivered("message") == 2 * GIVEN
            deduplicated = ("copbot_events_deduplicated_total", (("platform", "slack"),))
            assert sum(s.get(deduplicated, 0) for s in scraped) == REPLICAS - 1
            assert all(s.get(("copbot_outbox_due", ()), 0) == 0 for s in scraped)
            assert not any(key[0] == "copbot_errors_total" and value for s in scraped for key, value in s.items())
        finally:
            codes = [(await r.terminate())[0] for r in replicas if r.proc.returncode is None]
            await engine.dispose()
    assert codes == [0] * REPLICAS, [r.stderr[-10:] for r in replicas]


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


async def test_replicas_seeding_the_same_communities_at_the_same_moment_all_start(fresh_pg):
    """The three processes above start staggered by the migration lock; here their seeding meets head on."""
    from adapters.app.bootstrap import build, seed_communities, seeds
    from adapters.app.config import CommunityConfig, Config, DatabaseConfig

    config = Config(database=DatabaseConfig(url=fresh_pg), communities=[
        CommunityConfig(name=COMMUNITY, slack=[sp.TEAM_ID], settings={"kudos_channel": KUDOS_CHANNEL}),
        CommunityConfig(name="Second", slack=["T0OTHER"])])
    apps = [await build(Config(database=DatabaseConfig(url=fresh_pg))) for _ in range(REPLICAS)]
    try:
        await asyncio.gather(*(seed_communities(app.core, seeds(config)) for app in apps))
        async with apps[0].engine.connect() as connection:
            names = (await connection.execute(text("SELECT name FROM communities"))).scalars().all()
            bindings = (await connection.execute(text("SELECT workspace_id FROM community_bindings"))).scalars().all()
    finally:
        for app in apps:
            await app.close()
    assert sorted(names) == [COMMUNITY, "Second"]
    assert sorted(bindings) == sorted([sp.TEAM_ID, "T0OTHER"])
