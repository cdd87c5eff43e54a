"""Buddies: someone active who shares an interest, else a champion, never over the weekly cap."""

from __future__ import annotations

from tests.features.welcome.helpers import dms_to


async def _with_bob_following_seo(community):
    await community.say(":as alice", "/settings buddy_enabled true", "/settings buddy_weekly_cap 1",
                        ":as bob", "I have been here for years", "/interests pick seo")


async def test_a_newcomer_is_introduced_to_someone_sharing_an_interest(community):
    await _with_bob_following_seo(community)
    out = await community.say(":join dana", ":as dana", "/interests pick seo")
    assert "Your buddy is bob: I've introduced you to each other." in out
    assert dms_to(out, "dana")[-1].startswith("🤝 Meet your buddy, bob")
    assert dms_to(out, "bob") == ["🤝 dana just joined Local community and is into #seo. You are their buddy this"
                                  " week: a short hello makes a big difference."]
    assert "Your buddy: bob" in await community.say("/onboarding")
    assert "buddy" not in await community.say("/interests pick analytics")  # paired once


async def test_past_the_weekly_cap_a_champion_is_the_buddy(community, clock):
    await _with_bob_following_seo(community)
    await community.say(":join dana", ":as dana", "/interests pick seo")
    out = await community.say(":join erin", ":as erin", "/interests pick seo")
    assert "Your buddy is alice" in out
    clock.advance(days=8)
    out = await community.say(":join finn", ":as finn", "/interests pick seo")
    assert "Your buddy is bob" in out  # a new week


async def test_no_buddies_unless_the_community_wants_them(community):
    out = await community.say(":join dana", ":as dana", "/interests pick seo")
    assert "buddy" not in out
