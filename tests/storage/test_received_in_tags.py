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
