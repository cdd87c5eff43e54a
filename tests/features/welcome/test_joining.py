"""Joining: the welcome and checklist, the closed-DM fallback, bots, bursts and returning members."""

from __future__ import annotations

import pytest

from adapters.console.adapter import PLATFORM
from tests.features.welcome.helpers import ClosedDirectMessages, dms_to, message_id, posts_in

pytestmark = pytest.mark.asyncio


async def test_a_newcomer_gets_a_welcome_dm_with_a_checklist_and_a_public_greeting(community):
    out = await community.say(":join dana")
    assert posts_in(out, "general") == ["Please welcome dana to Local community! 👋"]
    [welcome] = dms_to(out, "dana")
    assert welcome.startswith("Welcome to Local community, dana!") and "Ask alice or anyone here" in welcome
    assert "Your first steps (0 of 3 steps done):" in out
    for line in ("⬜ Introduce yourself in the intro channel", "⬜ Pick your interests", "⬜ Read the guidelines",
                 "[1] I introduced myself  [2] Pick interests  [3] I read the guidelines"):
        assert line in out


async def test_dana_picks_interests_with_the_buttons_and_sees_her_progress(community, app):
    joined = await community.say(":join dana")
    out = await community.say(":as dana", f":press {message_id(joined, 'DM to dana')} 2")
    assert "Topics here: #analytics #seo" in out and "You follow: nothing yet" in out
    out = await community.say(f":press {message_id(out, 'Pick the topics')} 2")
    assert "You follow #seo. Onboarding: 1 of 3 steps done." in out
    out = await community.say("/onboarding")
    assert "Your onboarding in Local community: 1 of 3 steps done." in out
    assert "✅ Pick your interests" in out and "⬜ Read the guidelines" in out and "Your interests: #seo" in out
    async with app.core.uow_factory() as uow:  # followed tags are what later features route by
        community_row = await uow.communities.by_binding(PLATFORM, "local")
        dana = await uow.members.by_name(community_row.id, PLATFORM, "dana")
        assert await uow.interests.followed(community_row.id, dana[0].id) == ["seo"]


async def test_posting_in_the_intro_channel_completes_the_intro(community):
    await community.say(":join dana", ":as dana")
    assert "Thanks for introducing yourself" not in await community.say("hello from #general")
    out = await community.say(":in #intro", "Hi, I'm Dana, I do technical SEO")
    assert "Thanks for introducing yourself! Onboarding: 1 of 3 steps done." in out
    assert await community.say("and one more thing") == community.last  # said once, not on every post
    assert "✅ Introduce yourself" in await community.say("/onboarding")


async def test_the_last_step_says_welcome_aboard(community):
    await community.say(":join dana", ":as dana", "/interests pick seo", "/onboarding done intro")
    assert "That was the last step: welcome aboard!" in await community.say("/onboarding done guidelines")
    assert "You have done every step" in await community.say("/onboarding")


async def test_closed_dms_fall_back_to_the_welcome_channel(community, app):
    app.outbound.add(PLATFORM, ClosedDirectMessages(community.adapter, closed={"dana"}))
    out = await community.say("/settings welcome_channel welcome", ":join dana")
    assert dms_to(out, "dana") == []
    welcome_posts = posts_in(out, "welcome")
    assert "Please welcome dana to Local community! 👋" in welcome_posts
    assert any(p.startswith("Welcome to Local community, dana!") for p in welcome_posts)
    assert "Your first steps (0 of 3 steps done):" in out  # the checklist came along


async def test_bots_are_not_welcomed(community):
    assert await community.say(":join copbot") == ""


async def test_a_second_join_event_for_the_same_stay_says_nothing(community):
    await community.say(":join dana")
    assert await community.say(":join dana") == ""


async def test_a_join_burst_combines_the_greetings_and_spaces_the_dms(community, clock):
    out = await community.say(*(f":join p{n}" for n in range(1, 13)))
    greetings = posts_in(out, "general")
    assert greetings == [f"Please welcome p{n} to Local community! 👋" for n in range(1, 11)]
    assert [name for name in (f"p{n}" for n in range(1, 13)) if dms_to(out, name)] == [f"p{n}" for n in range(1, 11)]
    clock.advance(seconds=4)
    out = await community.say("/onboarding")  # any line drains what has come due
    assert dms_to(out, "p11") and dms_to(out, "p12")  # DMs still go out, two seconds apart
    assert posts_in(out, "general") == []
    clock.advance(seconds=26)
    assert posts_in(await community.say(":join p13"), "general") == []  # still the same burst
    clock.advance(seconds=30)
    out = await community.say("/onboarding")
    assert posts_in(out, "general") == ["Please welcome p11, p12 and p13 to Local community! 👋"]


async def test_after_a_quiet_minute_greetings_are_single_again(community, clock):
    await community.say(*(f":join p{n}" for n in range(1, 13)))
    clock.advance(minutes=2)
    out = await community.say(":join zoe")
    assert "Please welcome zoe to Local community! 👋" in posts_in(out, "general")


async def test_a_member_back_within_30_days_is_welcomed_back_not_onboarded_twice(community, clock):
    await community.say(":join dana", ":as dana", "/interests pick seo", ":leave dana")
    clock.advance(days=10)
    out = await community.say(":join dana")
    assert dms_to(out, "dana") == ["Welcome back to Local community, dana! Type /onboarding to see where you left off."]
    assert posts_in(out, "general") == [] and "first steps" not in out
    assert "1 of 3 steps done" in await community.say("/onboarding")


async def test_a_member_back_after_40_days_is_onboarded_again_keeping_the_steps_done(community, clock):
    await community.say(":join dana", ":as dana", "/interests pick seo", ":leave dana")
    clock.advance(days=40)
    out = await community.say(":join dana")
    assert "Please welcome dana to Local community! 👋" in posts_in(out, "general")
    assert "Your first steps (1 of 3 steps done):" in out and "✅ Pick your interests" in out


async def test_the_welcome_can_be_switched_off_and_on(community):
    assert "The welcome is off" in await community.say(":as alice", "/welcome off")
    assert await community.say(":join dana") == ""
    await community.say(":as alice", "/welcome on")
    assert dms_to(await community.say(":join erin"), "erin")


async def test_the_public_greeting_is_optional(community):
    out = await community.say(":as alice", "/settings welcome_greeting false", ":join dana")
    assert posts_in(out, "general") == [] and dms_to(out, "dana")


async def test_the_readme_flow_on_sqlite_and_postgresql(console, clock):
    out = await console.script("""
        :as alice
        /settings intro_channel intro
        /kudos @bob thanks #seo
        :join dana
        :as dana
        /interests pick seo
        :in #intro
        Hi, I'm Dana
        /onboarding
    """)
    assert dms_to(out, "dana") and "Your onboarding in Local community: 2 of 3 steps done." in out
    for n in range(1, 13):
        await console.say(f":join p{n}")
    clock.advance(days=7, seconds=1)
    assert "a friendly nudge" in await console.say("/help")


async def test_a_join_that_names_no_channel_still_welcomes_by_dm_and_greets_nowhere(app):
    from bot.events import MemberJoined
    from bot.identity import MemberRef, Person, Place

    await app.core.handle_event(MemberJoined(Person(MemberRef("slack", "T1", "UNEW"), "nova"),
                                             Place("slack", "T1", "", workspace_name="T"), "Ev-join"))
    async with app.core.uow_factory() as uow:
        queued = await uow.outbox.claim_due(app.core.clock.now(), 60, 50)
    targets = [item.payload.get("target", {}) for item in queued if item.kind == "message"]
    assert targets and all("channel" not in t for t in targets)  # no greeting to channel ""
    assert all("fallback" not in t for t in targets)  # and no fallback to channel ""
