"""How long one digest takes over a year of history.

    python bench/digest.py --url sqlite+aiosqlite:///digest-bench.db --scale 0.1

Builds members, kudos, meetups and questions (with tags and answers) with bulk inserts (executemany), then times
`build_digest` for the last full week (chart included). Activity rows are left out (said in the output)."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig, DefaultsConfig
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


async def main(url: str, scale: float, runs: int) -> None:
    app = await build(Config(database=DatabaseConfig(url=url), defaults=DefaultsConfig(zone="Europe/Berlin")))
    try:
        started = time.perf_counter()
        cid = await seed(app, scale)
        print(f"built scale {scale} in {time.perf_counter() - started:.1f} s (activity: skipped)")
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
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale, args.runs))
