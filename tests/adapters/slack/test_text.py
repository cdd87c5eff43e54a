"""Slack's wire syntax decoded by the adapter into what the core reads (the core names no Slack syntax)."""

from __future__ import annotations

import pytest

from adapters.slack.text import from_slack


@pytest.mark.parametrize("wire, core", [
    ("hi <!channel> and <!here|here> and <!everyone>", "hi @channel and @here and @everyone"),
    ("ping <!subteam^S0123|@design-team>", "ping @design-team"),
    ("at <!date^1700000000^{date}|14 Nov 2023>", "at 14 Nov 2023"),
    ("thanks <@U0BOB|bob> for <#C01|seo>", "thanks <@U0BOB|bob> for <#C01|seo>"),
    ("&lt;!here&gt; typed as text &amp; <https://x.example|a link>", "<!here> typed as text & https://x.example"),
])
def test_special_syntax_becomes_plain_words_and_tokens_stay(wire, core):
    assert from_slack(wire) == core
