"""The asker's one reminder, stale questions, /questions, /search and erasure."""

from __future__ import annotations

from tests.features.questions.conftest import answers, questions
from tests.features.questions.test_solutions import answered, asked


def dms_to(printed: str, who: str) -> list[str]:
    return [line for line in printed.splitlines() if f"(DM to {who})" in line]


async def test_the_asker_is_asked_once_a_day_after_the_first_answer_with_a_button_per_answer(qa, clock):
    post = await asked(qa)
    await answered(qa, post, "dan", "Resubmit it.")
    clock.advance(hours=2)
    await answered(qa, post, "erin", "Check robots.txt.")
    clock.advance(hours=21, minutes=59)  # 23:59 after the first answer
    assert dms_to(await qa.say(":as bob", "/help"), "bob") == []
    clock.advance(minutes=1)
    out = await qa.say("/help")
    [dm] = dms_to(out, "bob")
    assert "Did an answer solve your question #1" in dm
    assert "[1] Answer 1 by dan  [2] Answer 2 by erin" in out
    await qa.say(f":press {dm[1:dm.index(']')]} 2")
    assert [a.accepted_at is not None for a in await answers(qa.app)] == [False, True]
    clock.advance(days=3)
    assert dms_to(await qa.say("/help"), "bob") == []  # once


async def test_no_reminder_when_solved_meanwhile(qa, clock):
    post = await asked(qa)
    await answered(qa, post, "dan", "Resubmit it.")
    await qa.say(":as bob", "/solved 1")
    clock.advance(hours=25)
    assert dms_to(await qa.say("/help"), "bob") == []


async def test_the_reminder_waits_for_the_setting(qa, clock):
    await qa.say(":as alice", "/settings questions_nudge_hours 2")
    post = await asked(qa)
    await answered(qa, post, "dan", "Resubmit it.")
    clock.advance(hours=1, minutes=59)
    assert dms_to(await qa.say("/help"), "bob") == []
    clock.advance(minutes=1)
    assert len(dms_to(await qa.say("/help"), "bob")) == 1


async def test_a_quiet_question_is_closed_as_stale_with_a_note_and_an_answer_reopens_it(qa, clock):
    await qa.say(":as alice", "/settings questions_stale_days 3")
    quiet = await asked(qa)
    clock.advance(days=2)
    busy = await asked(qa, "/ask Which crawler for audits?")
    clock.advance(days=1, hours=20)  # the daily pass after the quiet one's third day
    out = await qa.say("/help")
    assert "Question #1 had no activity for 3 days, so I closed it as stale" in out
    assert [q.status for q in await questions(qa.app)] == ["stale", "open"]
    assert busy
    await answered(qa, quiet, "dan", "Late, but: resubmit it.")
    assert (await questions(qa.app))[0].status == "open"


async def test_activity_puts_off_the_stale_closing(qa, clock):
    await qa.say(":as alice", "/settings questions_stale_days 3")
    post = await asked(qa)
    clock.advance(days=2)
    await answered(qa, post, "dan", "Resubmit it.")
    clock.advance(days=1, hours=1)  # three days after asking, one after the answer
    await qa.say("/help")
    assert (await questions(qa.app))[0].status == "open"
    clock.advance(days=2)  # three days after the answer
    out = await qa.say("/help")
    assert (await questions(qa.app))[0].status == "stale" and "closed it as stale" in out


async def test_questions_lists_by_status_asker_and_tag(qa):
    post = await asked(qa)  # bob, #seo #tech
    await qa.say(":as dan", "/ask Which dashboard for ads? #ads")
    await answered(qa, post, "erin", "Resubmit it.")
    await qa.say(":as bob", "/solved 1")
    assert "#1 (message" in await qa.say("/questions solved")
    out = await qa.say("/questions")
    assert "#2 (message" in out and "#1 (message" not in out
    assert "#2 (message" in await qa.say("/questions unanswered")
    out = await qa.say(":as dan", "/questions mine")
    assert "#2 (message" in out and "#1 (message" not in out
    assert "No solved questions tagged #ads" in await qa.say("/questions solved #ads")
    assert "there is no tag #nope" in await qa.say("/questions open #nope")
    assert "I didn't understand 'closed'" in await qa.say("/questions closed")


async def test_search_finds_words_in_accepted_answers_and_filters_by_tag(qa):
    post = await asked(qa)
    await answered(qa, post, "dan", "Use the URL inspection tool.")
    await answered(qa, post, "erin", "Try prayer.")
    await qa.say(":as bob", "/solved 1 1", "/ask Which dashboard for ads? #ads")
    out = await qa.say("/search inspection tool")
    assert "#1 (message" in out and "«inspection»" in out and "answer 1 by dan" in out
    assert "No question matches" in await qa.say("/search prayer")  # not accepted: not indexed
    assert "#1 (message" in await qa.say("/search crawl #seo")
    assert "No question matches" in await qa.say("/search crawl #ads")
    assert "Please add words" in await qa.say("/search")
    assert "Search for a few words" in await qa.say("/search how to")
    out = await qa.say("/search crawling dashboard")  # no question has both: those with either
    assert "some of" in out and "#1 (message" in out and "#2 (message" in out


async def test_hostile_search_text_is_only_words(qa):
    await asked(qa)
    for line in ('/search "sitemap" OR NEAR(', "/search sitemap & !crawl | ' :*", "/search ); DROP TABLE questions"):
        out = await qa.say(line)
        assert "went wrong" not in out, out
    assert "#1 (message" in await qa.say('/search "sitemap" OR NEAR(')


async def test_mass_mentions_in_questions_and_answers_stay_inert(qa):
    post = await asked(qa, "/ask @everyone <!channel> help?")
    await answered(qa, post, "dan", "@here try this")
    q, a = (await questions(qa.app))[0], (await answers(qa.app))[0]
    assert "@everyone" not in q.text and "@here" not in a.text  # <!channel>: tests/adapters/slack/test_questions.py


async def test_marking_fills_an_answer_without_text_but_never_an_erased_members(qa):
    """The mark-solution action hands the message's text over (Discord without the message-content intent
    stores answers without it); an erased member's answer stays blank."""
    post = await asked(qa)
    reply = await answered(qa, post, "dan", "Use the URL inspection tool.")
    await qa.say(":as alice", "/member erase @dan")
    await qa.say(":as bob", f":mark {reply}")
    [a] = await answers(qa.app)
    assert a.accepted_at is not None and a.text == ""
    assert "No question matches" in await qa.say("/search inspection")


async def test_erasing_a_member_blanks_their_questions_and_answers_and_search_forgets_them(qa):
    post = await asked(qa)
    await answered(qa, post, "dan", "Use the URL inspection tool.")
    await qa.say(":as bob", "/solved 1 1")
    await qa.say(":as alice", "/member erase @dan")
    assert (await answers(qa.app))[0].text == ""
    assert "No question matches" in await qa.say("/search inspection")
    assert "#1 (message" in await qa.say("/search sitemap")  # bob's question stays
    await qa.say(":as alice", "/member erase @bob")
    q = (await questions(qa.app))[0]
    assert q.text == "" and q.search_text == ""
    assert "No question matches" in await qa.say("/search sitemap")


async def test_very_common_words_are_ranked_among_the_newest_matches(qa, monkeypatch):
    import storage.repositories.questions as repository

    monkeypatch.setattr(repository, "RANKED", 2)
    for n in range(3):
        await asked(qa, f"/ask Sitemap question number {n}")
    out = await qa.say("/search sitemap")
    assert "#3 (message" in out and "#2 (message" in out and "#1 (message" not in out
