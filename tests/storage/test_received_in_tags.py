"""Kudos received under tags, as escalation and the digest's suggested helper rank people: a solution's kudos are
left out (its accepted answer already counts), and so are revoked kudos, other tags and older kudos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.features.catalog import CommunitySettings
from bot.identity import MemberRef, Person
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.repositories.kudos import OUTSIDE_ALLOWANCE, received_in_tags
from storage.repositories.questions import accepted_by_author
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PLACE = {"platform": "console", "workspace_id": "local", "channel_id": "general", "message_id": None}


@pytest.fixture
async def uow(store_url):
    engine = make_engine(store_url)
    await upgrade(engine)
    sessions = session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions)
    await engine.dispose()


async def test_only_live_kudos_given_freely_under_the_tags_since_then_count(uow):
    async with uow() as u:
        community = await u.communities.create("SEO guild", "UTC", CommunitySettings())
        c = community.id
        giver, ann, bob = [await u.members.upsert(c, Person(MemberRef("console", "local", n), n), now=NOW)
                           for n in ("giver", "ann", "bob")]
        tags = await u.tags.ensure(c, ["seo", "ads"])

        batches = iter(range(100))

        async def give(receiver, tag, *, source="command", at=NOW):
            return await u.kudos.add(c, batch=f"b{next(batches)}", giver_id=giver.id,
                                     receiver_ids=[receiver.id], reason="", tag_ids=[tags[tag]], source=source,
                                     place=PLACE, at=at)

        await give(ann, "seo")
        await give(ann, "seo", source=OUTSIDE_ALLOWANCE)
        await give(bob, "seo", source=OUTSIDE_ALLOWANCE)
        await give(bob, "ads")
        await give(bob, "seo", at=NOW - timedelta(days=40))
        revoked = await give(bob, "seo")
        await u.kudos.revoke(c, [revoked[0].id], kind="undo", by_id=giver.id, reason="", at=NOW)
        await u.commit()
    async with uow() as u:
        assert await received_in_tags(u.session, c, [tags["seo"]], NOW - timedelta(days=30)) == {ann.id: 1}
        assert await received_in_tags(u.session, c, [tags["seo"], tags["ads"]], NOW - timedelta(days=30)) == {
            ann.id: 1, bob.id: 1}


async def test_helpers_skip_members_who_left_and_a_limit_reads_only_as_far_as_it_needs(uow):
    """25 members thanked under #seo, the more the lower their number; the top 21 left: with a limit of 2 the
    helpers are the next two, found past the first chunk of candidates (20), exactly as the whole ranking has them."""
    async with uow() as u:
        community = await u.communities.create("SEO guild", "UTC", CommunitySettings())
        c = community.id
        giver = await u.members.upsert(c, Person(MemberRef("console", "local", "giver"), "giver"), now=NOW)
        people = [await u.members.upsert(c, Person(MemberRef("console", "local", f"m{i}"), f"m{i}"), now=NOW)
                  for i in range(25)]
        [seo] = (await u.tags.ensure(c, ["seo"])).values()
        for i, person in enumerate(people):
            for n in range(30 - i):
                await u.kudos.add(c, batch=f"b{i}-{n}", giver_id=giver.id, receiver_ids=[person.id], reason="",
                                  tag_ids=[seo], source="command", place=PLACE, at=NOW)
        for person in people[:21]:
            await u.members.update(c, person.id, left_at=NOW)
        await u.commit()
    async with uow() as u:
        everyone = await u.questions.helpers_for(c, [seo], NOW - timedelta(days=1))
        assert everyone == [(people[i].id, 30 - i) for i in range(21, 25)]
        assert await u.questions.helpers_for(c, [seo], NOW - timedelta(days=1), limit=2) == everyone[:2]
        assert await u.questions.helpers_for(c, [seo], NOW - timedelta(days=1), limit=9) == everyone


def test_accepted_rows_read_once_are_counted_per_question_as_accepted_answers_counts_them():
    # (answer, author, tag): answer 1 is in a question under both tags, so it comes twice
    rows = [(1, 10, 7), (1, 10, 8), (2, 10, 8), (3, 11, 7)]
    assert accepted_by_author(rows, [7]) == {10: 1, 11: 1}
    assert accepted_by_author(rows, [8]) == {10: 2}
    assert accepted_by_author(rows, [7, 8]) == {10: 2, 11: 1}  # answer 1 once, though under both
    assert accepted_by_author(rows, []) == {}
