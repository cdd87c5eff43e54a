"""/ask: bad input, posting, tag suggestions, the similar-question offer and deflections."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.features.questions.conftest import message_id, questions, tags_of

SITEMAP = "/ask How do I get Google to re-crawl my sitemap after a migration? #seo"


async def solved_sitemap_question(qa) -> None:
    out = await qa.say(":as alice", SITEMAP)
    post = message_id(out, "Question #1")
    await qa.say(":as bob", f":reply {post} Resubmit the sitemap in Search Console.", ":as alice", "/solved 1")


async def test_a_question_is_posted_where_asked_and_its_message_recorded(qa):
    out = await qa.say(":as bob", "/ask Which crawler do you use for audits? #SEO #Tech")
    assert "only bob sees this" in out.splitlines()[0]
    posted = message_id(out, "Question #1 from bob")
    [row] = await questions(qa.app)
    assert (row.status, row.channel_id, row.message_id, row.text) == ("open", "general", posted,
                                                                       "Which crawler do you use for audits?")
    assert await tags_of(qa.app, 1) == ["seo", "tech"]


async def test_the_qa_channel_setting_decides_where_it_is_posted(qa):
    await qa.say(":as alice", "/settings questions_channel #help")
    out = await qa.say(":as bob", "/ask Which crawler do you use?")
    assert "(#help) copbot: ❓ Question #1" in out
    assert (await questions(qa.app))[0].channel_id == "help"


@pytest.mark.parametrize("line, expected", [
    ("/ask", "Please add your question"),
    ("/ask #seo", "Please add your question"),
    ("/ask " + "x" * 3001, "under 3000 characters"),
    ("/ask Too many? #a #b #c #d #e #f", "at most 5 tags"),
    ("/ask Bad tag #" + "a" * 41, "is not a tag"),
])
async def test_bad_questions_are_refused_and_nothing_is_stored(qa, line, expected):
    out = await qa.say(":as bob", line)
    assert expected in out and "only bob sees this" in out, out
    assert await questions(qa.app) == []


async def test_three_thousand_characters_and_five_tags_are_accepted(qa):
    await qa.say(":as bob", "/ask " + "y" * 3000 + " #a #b #c #d #e")
    [row] = await questions(qa.app)
    assert row.status == "open" and len(row.text) == 3000 and len(await tags_of(qa.app, 1)) == 5


async def test_without_tags_known_tags_in_its_words_are_suggested_and_kept_with_a_button(qa):
    await qa.say(":as alice", "/ask First #analytics #seo #tech #ads", ":as bob")
    out = await qa.say("/ask Do tech ads hurt seo or analytics?")
    offer = message_id(out, "ready to post")
    assert "#tech" in out and "#ads" in out and "#seo" in out and "#analytics" not in out  # the first three named
    assert (await questions(qa.app))[1].status == "draft"
    out = await qa.say(f":press {offer} 1")
    assert "Question #2 from bob #ads #seo #tech" in out
    assert (await questions(qa.app))[1].status == "open"


async def test_suggested_tags_can_be_dropped_or_changed(qa):
    await qa.say(":as alice", "/ask First #seo", ":as bob")
    offer = message_id(await qa.say("/ask Is seo dead?"), "ready to post")
    await qa.say(f":press {offer} 2")  # post without tags
    assert (await questions(qa.app))[1].status == "open" and await tags_of(qa.app, 2) == []
    offer = message_id(await qa.say("/ask More seo questions"), "ready to post")
    assert "/question post 3 #tag" in await qa.say(f":press {offer} 3")
    await qa.say("/question post 3 #content")
    assert await tags_of(qa.app, 3) == ["content"]


async def test_only_the_asker_posts_a_draft_and_only_once(qa):
    await qa.say(":as alice", "/ask First #seo", ":as bob", "/ask Is seo dead?")
    assert "no question #2 waiting" in await qa.say(":as dan", "/question post 2")
    assert (await questions(qa.app))[1].status == "draft"
    await qa.say(":as bob", "/question post 2")
    assert "already open" in await qa.say("/question post 2")
    assert len([q for q in await questions(qa.app) if q.message_id]) == 2  # posted once


async def test_close_solved_questions_are_offered_before_posting(qa):
    await solved_sitemap_question(qa)
    out = await qa.say(":as dan", "/ask Google will not crawl my new sitemap")
    assert "Resubmit the sitemap in Search Console" in out and "Question #2" not in out
    assert (await questions(qa.app))[1].status == "draft"
    offer = message_id(out, "Before I post")
    out = await qa.say(f":press {offer} 1")  # post my question anyway
    assert "Question #2 from dan" in out and (await questions(qa.app))[1].status == "open"


async def test_this_answers_it_records_a_deflection_and_posts_nothing(qa, clock):
    await solved_sitemap_question(qa)
    out = await qa.say(":as dan", "/ask Google will not crawl my new sitemap")
    out = await qa.say(f":press {message_id(out, 'Before I post')} 2")
    assert "❓" not in out
    row = (await questions(qa.app))[1]
    assert (row.status, row.message_id, row.deflected_to_id) == ("deflected", None, (await questions(qa.app))[0].id)
    async with qa.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        assert await uow.questions.deflections(community.id, clock.now() - timedelta(days=1)) == 1


async def test_a_question_sharing_one_word_with_a_solved_one_is_posted_at_once(qa):
    await solved_sitemap_question(qa)
    out = await qa.say(":as dan", "/ask Where do I put my sitemap file?")  # shares only "sitemap"
    assert "Question #2 from dan" in out and (await questions(qa.app))[1].status == "open"


async def test_open_questions_are_not_offered(qa):
    await qa.say(":as alice", SITEMAP)
    out = await qa.say(":as dan", "/ask Google will not crawl my new sitemap")
    assert "Question #2 from dan" in out
