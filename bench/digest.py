"""How long one digest takes over a year of history.

    python bench/digest.py --url sqlite+aiosqlite:///digest-bench.db --scale 0.1

Builds members, kudos, meetups and questions (with tags and answers) with bulk inserts (executemany) and the
member-day activity rows with one INSERT ... SELECT per month, then times `build_digest` for the last full week
(chart included). `--profile` prints the time of each SQL statement of one digest."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, text

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig, DefaultsConfig
from bot.features.activity import rebuild_weeks
from bot.features.digest.feature import build_digest
from bot.features.digest.weeks import parse_week
from storage.models import KudosRow, MemberRow, TagRow
from storage.models_meetups import MeetupRow, OccurrenceRow, RsvpRow
from storage.models_questions import AnswerRow, QuestionRow, QuestionTagRow

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
YEAR = timedelta(days=365)


def at(rng: random.Random) -> datetime:
    return NOW - YEAR * rng.random()


async def seed(app, scale: float) -> int:
    rng = random.Random(1)
    members, kudos, meetups = int(50_000 * scale), int(1_000_000 * scale), max(1, int(500 * scale))
    async with app.core.uow_factory() as uow:
        community = await uow.communities.create("bench", "Europe/Berlin", app.core.communities.default_settings())
        cid = community.id
        await uow.commit()
    async with app.core.uow_factory() as uow:
        s = uow.session
        await s.execute(insert(MemberRow), [dict(community_id=cid, platform="console", workspace_id="local",
                                                 user_id=f"u{i}", name=f"member{i}", joined_at=at(rng),
                                                 created_at=NOW - YEAR) for i in range(members)])
        first = (await s.execute(MemberRow.__table__.select().where(MemberRow.community_id == cid)
                                 .order_by(MemberRow.id).limit(1))).first().id
        for start in range(0, kudos, 50_000):
            await s.execute(insert(KudosRow), [dict(
                community_id=cid, number=n + 1, batch=f"b{n}", giver_id=first + rng.randrange(members),
                receiver_id=first + rng.randrange(members), reason="", source="command", platform="console",
                workspace_id="local", channel_id="general", created_at=at(rng))
                for n in range(start, min(kudos, start + 50_000))])
        for n in range(meetups):
            start_at = at(rng)
            meetup = (await s.execute(insert(MeetupRow).returning(MeetupRow.id), [dict(
                community_id=cid, number=n + 1, creator_id=first, title=f"meetup {n}", platform="console",
                workspace_id="local", channel_id="general", zone="Europe/Berlin", local_start="2026-01-01T18:00:00",
                duration_minutes=60, offsets="", scheduled_until=start_at, created_at=start_at)])).scalar_one()
            occurrence = (await s.execute(insert(OccurrenceRow).returning(OccurrenceRow.id), [dict(
                community_id=cid, meetup_id=meetup, original_start=start_at, start_at=start_at)])).scalar_one()
            await s.execute(insert(RsvpRow), [dict(
                community_id=cid, occurrence_id=occurrence, member_id=first + i, status="yes", answered_at=start_at,
                attended=rng.random() < 0.7) for i in rng.sample(range(members), min(members, 30))])
        await seed_questions(s, rng, cid, first, members, int(200_000 * scale))
        await uow.commit()
    return cid


async def seed_questions(s, rng: random.Random, cid: int, first: int, members: int, count: int) -> None:
    """5 % deflected, 2 % drafts, the rest posted: 85 % answered (two answers), 60 % of those solved; one of 20
    tags each; unanswered ones older than 14 days closed as stale."""
    place = dict(platform="console", workspace_id="local", channel_id="general")
    tags = (await s.execute(insert(TagRow).returning(TagRow.id), [
        dict(community_id=cid, name=f"tag{n}", created_at=NOW - YEAR) for n in range(20)])).scalars().all()
    start = ((await s.execute(QuestionRow.__table__.select().order_by(QuestionRow.id.desc()).limit(1))).first()
             or type("none", (), {"id": 0})).id + 1
    questions, tagged, answers = [], [], []
    for n in range(count):
        qid, created = start + n, at(rng)
        row = dict(id=qid, community_id=cid, number=n + 1, asker_id=first + rng.randrange(members), text="",
                   search_text="", created_at=created, last_activity_at=created, posted_at=None,
                   first_answer_at=None, solved_at=None, closed_at=None, message_id=None, **place)
        r = rng.random()
        if r < 0.05:
            row.update(status="deflected", closed_at=created + timedelta(minutes=5))
        elif r < 0.07:
            row.update(status="draft")
        elif rng.random() < 0.85:
            answered = created + timedelta(minutes=rng.expovariate(1 / 180))
            solved = answered + timedelta(minutes=rng.expovariate(1 / 600)) if rng.random() < 0.6 else None
            row.update(status="solved" if solved else "open", posted_at=created, first_answer_at=answered,
                       solved_at=solved, message_id=f"q{n}")
            for k, moment in enumerate((answered, answered + timedelta(minutes=30))):
                answers.append(dict(community_id=cid, question_id=qid, number=k + 1, text="",
                                    author_id=first + rng.randrange(members), message_id=f"a{n}.{k}",
                                    created_at=moment, accepted_at=solved if k == 0 else None, kudos_given=False,
                                    **place))
        else:
            stale = created + timedelta(days=14)
            row.update(status="stale" if stale < NOW else "open", posted_at=created, message_id=f"q{n}",
                       closed_at=stale if stale < NOW else None)
        questions.append(row)
        tagged.append(dict(community_id=cid, question_id=qid, tag_id=rng.choice(tags)))
    for table, rows in ((QuestionRow, questions), (QuestionTagRow, tagged), (AnswerRow, answers)):
        for chunk in range(0, len(rows), 20_000):
            await s.execute(insert(table), rows[chunk:chunk + 20_000])


async def seed_activity(app, cid: int) -> None:
    """The member-day rows, a month of days per statement (a statement may last at most the store's timeout)."""
    async with app.core.uow_factory() as uow:
        if (await uow.session.execute(text("SELECT count(*) FROM member_day_activity"))).scalar_one():
            return
    for lo in range(0, 365, 30):
        async with app.core.uow_factory() as uow:
            await uow.session.execute(text(ACTIVITY[uow.session.bind.dialect.name]),
                                      {"cid": cid, "start": (NOW - YEAR).date(), "lo": lo, "hi": min(lo + 30, 365)})
            await uow.commit()
    async with app.core.uow_factory() as uow:
        rows = (await uow.session.execute(text("SELECT count(*) FROM member_day_activity"))).scalar_one()
    print(f"{rows:,} member-day activity rows")


# Every member posts on a share of the year's days between 0 and 55 % (by id), about 5,000,000 rows at full size;
# which days is a hash of member and day, so the rows are distinct and spread over the year.
_PICK = "((m.id * 2654435761 + d.n * 40503) % 997) < (m.id % 100) * 5.48"
ACTIVITY = {
    "sqlite": "WITH RECURSIVE d(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM d WHERE n + 1 < :hi) "
              "INSERT INTO member_day_activity (community_id, member_id, day, messages) "
              "SELECT :cid, m.id, date(:start, '+' || d.n || ' days'), 1 + (m.id + d.n) % 7 FROM members m, d "
              f"WHERE m.community_id = :cid AND {_PICK}",
    "postgresql": "INSERT INTO member_day_activity (community_id, member_id, day, messages) "
                  "SELECT :cid, m.id, CAST(:start AS date) + d.n, 1 + (m.id + d.n) % 7 "
                  "FROM members m, generate_series(:lo, :hi - 1) AS d(n) "
                  f"WHERE m.community_id = :cid AND {_PICK}",
}


async def seed_weeks(app, cid: int) -> None:
    """The active weeks as a zone change rebuilds them (an earlier database: migration 0013 filled them)."""
    async with app.core.uow_factory() as uow:
        if (await uow.session.execute(text("SELECT count(*) FROM member_weeks"))).scalar_one():
            return
        started = time.perf_counter()
        community = await uow.communities.get(cid)
        await rebuild_weeks(uow, cid, community.zone, NOW)
        await uow.commit()
        rows = (await uow.session.execute(text("SELECT count(*) FROM member_weeks"))).scalar_one()
    print(f"{rows:,} member-week rows rebuilt in {time.perf_counter() - started:.1f} s")


async def seed_totals(app, cid: int) -> None:
    """The kudos totals as an import recounts them (an earlier database: migration 0016 wrote its weeks)."""
    async with app.core.uow_factory() as uow:
        if (await uow.session.execute(text("SELECT count(*) FROM kudos_totals"))).scalar_one():
            return
        started = time.perf_counter()
        await uow.kudos.rebuild_totals(cid, (await uow.communities.get(cid)).zone, NOW)
        await uow.commit()
        rows = (await uow.session.execute(text("SELECT count(*) FROM kudos_totals"))).scalar_one()
    print(f"{rows:,} kudos totals rows counted in {time.perf_counter() - started:.1f} s")


def profile(engine) -> list:
    """Each statement's time, text shortened, in order."""
    timings: list = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append((time.perf_counter() - conn.info.pop("started"), " ".join(statement.split())[:110]))
    return timings


async def main(url: str, scale: float, runs: int, show_profile: bool, reuse: bool) -> None:
    config = Config(database=DatabaseConfig(url=url, timeout=300), defaults=DefaultsConfig(zone="Europe/Berlin"))
    started = time.perf_counter()
    app = await build(config)
    print(f"store opened and migrated in {time.perf_counter() - started:.1f} s")
    try:
        started = time.perf_counter()
        async with app.core.uow_factory() as uow:  # --reuse: time again over the rows an earlier run built
            built = (await uow.session.execute(text("SELECT id FROM communities WHERE name = 'bench'"))).scalar()
        cid = built if reuse and built else await seed(app, scale)
        await seed_activity(app, cid)
        await seed_weeks(app, cid)
        await seed_totals(app, cid)
        async with app.engine.connect() as connection:  # what autovacuum does to a live database, before timing
            if connection.dialect.name == "postgresql":  # VACUUM: index-only scans need the visibility map
                await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(
                    text("VACUUM ANALYZE"))
        print(f"built scale {scale} in {time.perf_counter() - started:.1f} s")
        if show_profile:
            timings = profile(app.engine)
            async with app.core.uow_factory() as uow:
                community = await uow.communities.get(cid)
                await build_digest(uow, community, parse_week("last", NOW, community.zone), NOW, chart=False)
            for seconds, statement in sorted(timings, reverse=True)[:12]:
                print(f"{seconds * 1000:8.1f} ms  {statement}")
            print(f"{sum(t for t, _ in timings) * 1000:8.1f} ms in {len(timings)} statements")
        for chart in (False, True):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                async with app.core.uow_factory() as uow:
                    community = await uow.communities.get(cid)
                    digest = await build_digest(uow, community, parse_week("last", NOW, community.zone), NOW,
                                                chart=chart)
                times.append(time.perf_counter() - started)
            print(f"{url.split(':')[0]} scale {scale}, chart {'on' if chart else 'off'}: digest median"
                  f" {sorted(times)[len(times) // 2] * 1000:.0f} ms, best {min(times) * 1000:.0f} ms over {runs} runs")
        print("the week's questions:", digest.history.weeks[-1].questions)
    finally:
        await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the community an earlier run built in this database")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale, args.runs, args.profile, args.reuse))
