"""Champions word the welcome; bad input gets a clear answer and changes nothing."""

from __future__ import annotations

import pytest

from bot.features.welcome.templates import Facts, fill
from tests.features.welcome.helpers import dms_to, posts_in


async def test_a_champion_edits_the_greeting_and_newcomers_get_it(community):
    out = await community.say(":as alice", "/welcome edit greeting Say hi to {member}, new in {community}!")
    assert "Saved: the short public greeting in the welcome channel. It now reads:\nSay hi to alice" in out
    assert posts_in(await community.say(":join dana"), "general") == ["Say hi to dana, new in Local community!"]
    await community.say(":as alice", "/welcome edit greeting default")
    assert posts_in(await community.say(":join erin"), "general") == ["Please welcome erin to Local community! 👋"]


async def test_granted_champions_may_edit_and_the_dm_names_them(community):
    await community.say(":as carol", "/help", ":as alice", "/role grant @carol champion")
    out = await community.say(":as carol", "/welcome edit dm Hi {member}! Rules: {guidelines_link}. Ask {champions}.")
    assert "Saved" in out
    await community.say(":as alice", "/settings guidelines_link https://example.org/rules")
    [welcome] = dms_to(await community.say(":join dana"), "dana")
    assert welcome == "Hi dana! Rules: https://example.org/rules. Ask alice and carol."


async def test_preview_shows_every_message_with_the_checklist(community):
    out = await community.say(":as alice", "/welcome preview")
    assert "only alice sees this" in out and "The welcome is on." in out
    assert "Direct message:\nWelcome to Local community, alice!" in out
    assert "⬜ Pick your interests" in out
    assert "Public greeting:\nPlease welcome alice" in out and "Someone back within 30 days:\nWelcome back" in out


async def test_mass_mentions_in_a_template_are_never_live(community):
    await community.say(":as alice", "/welcome edit greeting @everyone meet {member} @here")
    out = await community.say(":join dana")
    assert "@\u200beveryone meet dana @\u200bhere" in out and "@everyone" not in out and "@here" not in out


def test_a_name_that_looks_like_a_placeholder_is_not_filled_in():
    facts = Facts(member="{community}", community="SEO club", guidelines_link=None, champions=[])
    assert fill("Hi {member} of {community}, ask {champions}, read {guidelines_link}", facts) == (
        "Hi {community} of SEO club, ask our champions, read the pinned guidelines")


async def test_the_form_declaration_is_there_for_slack_and_discord(app):
    spec = app.core.book.specs["welcome edit"]
    assert spec.form and [p.name for p in spec.params] == ["kind", "text"]
    assert spec.params[0].choices == ("dm", "greeting", "back")


@pytest.mark.parametrize("speaker, line, expected", [
    ("dana", "/welcome edit greeting Hello {member}", "Only a champion or above can use /welcome edit"),
    ("dana", "/welcome off", "Only a champion or above can use /welcome off"),
    ("alice", "/welcome edit dm Hi {name}!", "I don't know the placeholder {name}. You can use {member}"),
    ("alice", "/welcome edit dm Hi {member.__class__}", "I don't know the placeholder {member.__class__}"),
    ("alice", "/welcome edit dm Hi {member", "A { or } is left open"),
    ("alice", "/welcome edit dm " + "x" * 1001, "under 1000 characters (this one has 1001)"),
    ("alice", "/welcome edit greeting " + "x" * 301, "under 300 characters (this one has 301)"),
    ("alice", "/welcome edit greeting " + "x" * 2000, "Please keep the public greeting under 300 characters (this one has 2000)."),
    ("alice", "/welcome edit dm " + "x" * 10019, "Please keep the message under 3000 characters (this one has 10019)."),
    ("alice", "/welcome edit poem roses", "'poem' isn't one of dm, greeting, back"),
    ("alice", "/welcome edit dm", "Please add the message"),
    ("dana", "/onboarding done coffee", "There is no onboarding step 'coffee' here. Steps: intro, interests, guidelines."),
    ("dana", "/onboarding done interests", "Pick at least one interest first"),
    ("dana", "/interests pick cooking", "#cooking isn't one of this community's topics. Topics here: #analytics #seo."),
    ("dana", "/interests pick #!!", "is not a tag I can use"),
    ("alice", "/settings onboarding_drip_days 0", "doesn't work for onboarding_drip_days"),
    ("alice", "/settings onboarding_steps read the $rules", "doesn't work for onboarding_steps"),
])
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(community, speaker, line, expected):
    out = await community.say(":join dana", f":as {speaker}", line)
    assert expected in out and f"only {speaker} sees this" in out
    assert "Traceback" not in out and "went wrong" not in out
    assert posts_in(await community.say(":join erin"), "general") == ["Please welcome erin to Local community! 👋"]
    assert "0 of 3 steps done" in await community.say(":as dana", "/onboarding")
