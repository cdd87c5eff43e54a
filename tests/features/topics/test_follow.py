"""/follow and /unfollow are the same follows as /interests; helpers pause and resume."""

from __future__ import annotations

import pytest


@pytest.fixture
async def community(console):
    await console.say(":as alice", "/tags add seo serp", "/tags add analytics ga4")
    return console


def followed(out: str) -> str:
    return out.split("You follow", 1)[1].split("Topics here")[0]


async def test_follow_and_unfollow_are_interests(community):
    await community.say(":as carol", "/follow #seo #analytics")
    assert "#seo" in followed(await community.say(":as carol", "/interests"))
    await community.say(":as carol", "/unfollow #seo")
    shown = followed(await community.say(":as carol", "/interests"))
    assert "#seo" not in shown and "#analytics" in shown
    await community.say(":as carol", "/interests drop analytics")
    assert "#analytics" not in followed(await community.say(":as carol", "/interests"))


async def test_on_an_open_list_only_tags_in_use_can_be_followed(console):
    await console.say(":as alice", "/kudos @bob thanks #seo")
    assert "You follow #seo" in await console.say(":as carol", "/follow #seo")
    out = await console.say(":as carol", "/follow #nothing")
    assert "isn't one of this community's topics" in out


@pytest.mark.parametrize("line, expected", [
    ("/follow", "Name the topics to follow"),
    ("/follow #seoo", "Did you mean #seo?"),
    ("/unfollow #analytics", "You don't follow #analytics"),
    ("/unfollow", "Name the topics to stop following"),
])
async def test_bad_follows_change_nothing(community, line, expected):
    await community.say(":as carol", "/follow #seo")
    assert expected in await community.say(":as carol", line)
    shown = followed(await community.say(":as carol", "/interests"))
    assert "#seo" in shown and "#analytics" not in shown


async def test_a_helper_pauses_and_resumes(app, community):
    await community.say(":as carol", "/help")
    out = await community.say(":as carol", "/helper pause 14")
    assert "Paused" in out
    async with app.core.uow_factory() as uow:
        community_row = await uow.communities.by_name("Local community")
        carol = (await uow.members.by_name(community_row.id, "console", "carol"))[0]
        until = await uow.topics.paused_until(community_row.id, carol.id)
    assert until is not None and (until - app.core.clock.now()).days == 14
    await community.say(":as carol", "/helper resume")
    async with app.core.uow_factory() as uow:
        assert await uow.topics.paused_until(community_row.id, carol.id) is None
    assert "You are not paused" in await community.say(":as carol", "/helper resume")


@pytest.mark.parametrize("days", ["0", "366", "-3", "soon"])
async def test_a_pause_is_one_day_to_a_year(community, days):
    out = await community.say(":as carol", f"/helper pause {days}")
    assert "Paused" not in out
    assert "You are not paused" in await community.say(":as carol", "/helper resume")


async def test_erasing_a_member_forgets_their_pause(app, community):
    await community.say(":as carol", "/helper pause 14")
    async with app.core.uow_factory() as uow:
        cid = (await uow.communities.by_name("Local community")).id
        carol = (await uow.members.by_name(cid, "console", "carol"))[0].id
        assert await uow.topics.paused_until(cid, carol) is not None
    await community.say(":as alice", "/member erase @carol")
    async with app.core.uow_factory() as uow:
        assert await uow.topics.paused_until(cid, carol) is None


async def test_merging_two_identities_keeps_the_later_pause_on_the_kept_member(app, community):
    await community.say(":as carol", "/helper pause 3", ":as dave", "/helper pause 20", ":as erin", "/help")
    async with app.core.uow_factory() as uow:
        cid = (await uow.communities.by_name("Local community")).id
        carol, dave, erin = [(await uow.members.by_name(cid, "console", n))[0].id for n in ("carol", "dave", "erin")]
        dave_until = await uow.topics.paused_until(cid, dave)
        await uow.topics.merge_member(cid, dave, carol)  # dave's pause is the later one
        await uow.topics.merge_member(cid, erin, carol)  # erin never paused: carol's stays
        await uow.commit()
    async with app.core.uow_factory() as uow:
        assert await uow.topics.paused_until(cid, carol) == dave_until
        assert await uow.topics.paused_until(cid, dave) is None
