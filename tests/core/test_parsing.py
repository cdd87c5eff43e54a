"""The one text parser, the tag normaliser and the text cleaner."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import Mention, parse_args
from bot.errors import Refusal
from bot.features.kudos import FEATURE as KUDOS
from bot.features.leaderboard import FEATURE as LEADERBOARD
from bot.tags import normalise_tag, split_trailing_tags
from bot.text import clean_text, defuse_mentions

GIVE = next(s for s in KUDOS.commands if s.name == "kudos")
BOARD = next(s for s in LEADERBOARD.commands if s.name == "leaderboard")


@pytest.mark.parametrize("raw", ["#SEO", " seo ", "<#C123|seo>", "Seo", "#seo."])
def test_every_way_of_writing_a_tag_is_the_same_tag(raw):
    assert normalise_tag(raw) == "seo"


def test_tags_in_other_scripts_and_with_dashes():
    assert normalise_tag("#Café-Culture") == "café-culture"
    assert normalise_tag("#تسويق") == "تسويق"
    assert normalise_tag("link building") == "link-building"


@pytest.mark.parametrize("raw", ["#", "", "#<script>", "#" + "x" * 41])
def test_unusable_tags_are_refused(raw):
    with pytest.raises(Refusal):
        normalise_tag(raw)


@given(st.text(min_size=1, max_size=30))
def test_normalising_is_idempotent(raw):
    try:
        tag = normalise_tag(raw)
    except Refusal:
        return
    assert normalise_tag(tag) == tag == tag.casefold()


def test_kudos_text_with_slack_mentions_and_trailing_tags():
    args = parse_args(GIVE, "<@U1|bob> <@U2> thanks for the #seo audit #tech <#C9|links>")
    assert args["receivers"] == [Mention("U1", "bob"), Mention("U2")]
    assert args["reason"] == "thanks for the #seo audit"
    assert args["tags"] == ["seo", "tech", "links"]


def test_repeated_receivers_count_once():
    assert parse_args(GIVE, "<@U1> <@U1> thanks")["receivers"] == [Mention("U1")]


def test_leaderboard_words_in_any_order_of_presence():
    assert parse_args(BOARD, "week given #seo") == {"period": "week", "given": "given", "tags": ["seo"]}
    assert parse_args(BOARD, "") == {"period": None, "given": None, "tags": []}
    assert parse_args(BOARD, "given")["given"] == "given"


@pytest.mark.parametrize("text", ["@everyone", "@here", "@channel", "<@&123456>", "@EVERYONE"])
def test_mass_and_role_mentions_are_defused(text):
    out = defuse_mentions(f"hi {text} there")
    for live in ("@everyone", "@here", "@channel", "<@&"):
        assert live not in out.lower()


@given(st.text(max_size=200))
def test_cleaned_text_never_contains_a_live_mass_mention_or_control_character(text):
    try:
        out = clean_text(text, what="text", max_len=500)
    except Refusal:
        return
    lowered = out.lower()
    assert "@everyone" not in lowered and "@here" not in lowered and "@channel" not in lowered
    assert all(ch in "\n\t" or ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F for ch in out)


def test_split_trailing_tags_keeps_inline_tags_in_the_sentence():
    assert split_trailing_tags("great #seo talk #events") == ("great #seo talk", ["seo", "events"])
