"""The words /search and the similar-question offer look for, and the tags a text suggests (no store needed)."""

from __future__ import annotations

from bot.features.questions.words import close_enough, significant_words, suggest_tags


def test_significant_words_drop_stop_words_and_symbols():
    assert significant_words('How do I "fix" the robots.txt OR NEAR( & | ! :*?') == ["fix", "robots", "txt", "near"]


def test_tags_are_suggested_in_the_order_the_text_names_them_at_most_three():
    keywords = {"seo": [], "analytics": ["ga4", "utm"], "google-ads": [], "tech": [], "content": []}
    text = "My utm links break Google Ads tracking and hurt SEO; is it tech or content?"
    assert suggest_tags(text, keywords) == [("analytics", "utm"), ("google-ads", "google-ads"), ("seo", "seo")]
    assert suggest_tags(text, keywords) == suggest_tags(text, dict(reversed(list(keywords.items()))))
    assert suggest_tags("Nothing here", keywords) == []


def test_a_suggestion_needs_the_whole_word():
    assert suggest_tags("seasonal trends", {"sea": []}) == []
    assert suggest_tags("our crawlers", {"crawler": []}) == [("crawler", "crawler")]


def test_close_enough_needs_two_shared_words_or_the_only_one():
    solved = "How do I get Google to re-crawl my sitemap?"
    assert close_enough("Google won't crawl the sitemap", solved)
    assert not close_enough("Where is my sitemap file?", solved)
    assert close_enough("sitemaps", solved)


def test_the_ask_form_becomes_the_typed_line():
    from bot.commands import parse_args
    from bot.features.questions.feature import COMMANDS

    ask = COMMANDS[0]
    line = ask.declared_form.line("ask", {"text": "Why no crawl?", "details": "Since May.", "tags": "seo, #Tech"})
    assert parse_args(ask, line.removeprefix("ask ")) == {"text": "Why no crawl? Since May.", "tags": ["seo", "tech"]}
