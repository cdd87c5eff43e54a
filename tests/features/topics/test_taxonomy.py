"""Champions keep a topic taxonomy; once there is one, every #tag (kudos, interests, follows) must be on it."""

from __future__ import annotations

import pytest


@pytest.fixture
async def community(console):
    """alice owns the community (the console's first member); bob has kudos tagged #seo and #serp."""
    await console.say(":as alice", "/kudos @bob thanks for the audit #seo", "/kudos @bob keyword help #serp")
    return console


async def topics(console) -> str:
    """The /tags listing, without the console's message number."""
    return (await console.say(":as alice", "/tags")).split(" ", 1)[1]


async def test_an_open_community_accepts_any_tag_until_champions_start_a_list(community):
    out = await community.say(":as carol", "/kudos @bob nice #anything")
    assert "gave kudos to bob" in out
    await community.say(":as alice", "/tags add seo serp backlinks")
    out = await community.say(":as carol", "/kudos @dana nice #anythin")
    assert "gave kudos" not in out and "#anythin isn't one of this community's topics" in out
    board = await community.say("/leaderboard #anythin")
    assert "dana" not in board


async def test_an_unknown_tag_is_refused_with_the_closest_ones_offered(community):
    await community.say(":as alice", "/tags add seo serp backlinks", "/tags add analytics ga4")
    out = await community.say(":as carol", "/kudos @bob thanks #analytcs")
    assert "Did you mean #analytics?" in out and "gave kudos" not in out
    out = await community.say(":as carol", "/kudos @bob thanks #backlinks")  # a keyword points to its topic
    assert "Did you mean #seo?" in out
    out = await community.say(":as carol", "/kudos @bob thanks #analytics")
    assert "gave kudos to bob" in out


async def test_interests_and_follows_use_the_same_list(community):
    await community.say(":as alice", "/tags add seo")
    assert "Did you mean #seo?" in await community.say(":as carol", "/interests pick seoo")
    assert "Did you mean #seo?" in await community.say(":as carol", "/follow #seoo")
    await community.say(":as carol", "/follow #seo")
    assert "You follow\n#seo" in await community.say(":as carol", "/interests") or \
        "#seo" in (await community.say(":as carol", "/interests")).split("Topics here")[0]


async def test_names_are_normalised(community):
    await community.say(":as alice", "/tags add #Web_Analytics GA4 Looker")
    out = await topics(community)
    assert "#web_analytics — ga4, looker" in out


async def test_at_most_the_cap_of_topics(community):
    await community.say(":as alice", "/settings topics_max_tags 2", "/tags add seo", "/tags add ads")
    out = await community.say(":as alice", "/tags add email")
    assert "the most it may have" in out
    assert "#email" not in await topics(community)
    out = await community.say(":as alice", "/tags add seo serp")  # changing keywords of one on the list is fine
    assert "#seo — serp" in await topics(community)


@pytest.mark.parametrize("line", ["/tags add seo", "/tags rename seo search", "/tags merge serp seo",
                                  "/tags remove seo"])
async def test_only_champions_manage_the_list(community, line):
    await community.say(":as alice", "/tags add seo serp")
    before = await topics(community)
    out = await community.say(":as carol", line)
    assert "Only a champion or above" in out
    assert await topics(community) == before


async def test_renaming_to_an_existing_name_is_refused(community):
    await community.say(":as alice", "/tags add seo", "/tags add ads")
    out = await community.say(":as alice", "/tags rename seo ads")
    assert "/tags merge seo ads" in out
    out = await community.say(":as alice", "/tags rename seo serp")  # serp is used by a kudos
    assert "already exists" in out
    assert "#seo" in await topics(community)


async def test_a_rename_keeps_the_kudos(community):
    await community.say(":as alice", "/tags add seo serp")
    await community.say(":as alice", "/tags rename seo search")
    assert "bob — 1" in await community.say("/leaderboard #search")
    out = await topics(community)
    assert "#search — serp" in out and "#seo" not in out
    assert "Did you mean #search?" in await community.say(":as carol", "/kudos @bob hi #seo")


async def test_a_merge_moves_kudos_and_follows_so_the_board_shows_the_sum(community):
    await community.say(":as alice", "/tags add seo", "/tags add serp")
    await community.say(":as carol", "/kudos @dana thanks #serp", "/follow #serp")
    await community.say(":as erin", "/follow #serp #seo")
    out = await community.say(":as alice", "/tags merge serp seo")
    assert "Merged #serp into #seo" in out
    board = await community.say("/leaderboard #seo")
    assert "bob — 2" in board and "dana — 1" in board
    assert "No kudos yet" in await community.say("/leaderboard #serp")
    assert "#seo" in (await community.say(":as carol", "/interests")).split("Topics here")[0]
    out = await topics(community)
    assert "#serp" not in out.replace("#seo — serp", "")
    assert "Did you mean #seo?" in await community.say(":as carol", "/kudos @bob x #serp")


async def test_a_tag_outside_the_list_can_be_merged_into_it(community):
    await community.say(":as alice", "/tags add seo")
    assert "#serp (1)" in await topics(community)
    await community.say(":as alice", "/tags merge serp seo")
    assert "bob — 2" in await community.say("/leaderboard #seo")


async def test_removing_the_last_topic_opens_the_list_again(community):
    await community.say(":as alice", "/tags add seo")
    assert "isn't one of" in await community.say(":as carol", "/kudos @bob x #new")
    await community.say(":as alice", "/tags remove seo")
    assert "gave kudos" in await community.say(":as carol", "/kudos @bob x #new")
    assert "bob — 1" in await community.say("/leaderboard #seo")  # history stays


@pytest.mark.parametrize("line, expected", [
    ("/tags add", "Please add a topic name"),
    ("/tags add se@o", "is not a tag I can use"),
    ("/tags add seo " + " ".join(f"k{i}" for i in range(21)), "20 keywords per topic"),
    ("/tags add seo b<a>d", "can't be a keyword"),
    ("/tags rename nope other", "isn't one of this community's topics"),
    ("/tags merge nope seo", "isn't one of this community's topics"),
    ("/tags merge seo seo", "the same topic"),
    ("/tags remove nope", "isn't one of this community's topics"),
])
async def test_bad_input_changes_nothing(community, line, expected):
    await community.say(":as alice", "/tags add seo serp")
    before = await topics(community)
    out = await community.say(":as alice", line)
    assert expected in out
    assert await topics(community) == before


async def test_plus_plus_in_a_message_checks_the_list_too(community):
    await community.say(":as alice", "/tags add seo")
    out = await community.say(":as carol", "@bob++ for the audit #seoo")
    assert "Did you mean #seo?" in out
    assert "bob — 1" in await community.say("/leaderboard #seo")  # the fixture's one, nothing new
    await community.say(":as carol", "@bob++ for the audit #seo")
    assert "bob — 2" in await community.say("/leaderboard #seo")
