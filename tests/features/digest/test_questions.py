"""The digest's question numbers from the real questions feature: a known week (2026-W48 in America/New_York) of
questions asked, answered, solved, deflected, deleted and left unanswered, driven through the console."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.features.digest.actions import plan_actions
from bot.features.digest.feature import build_digest
from bot.features.digest.metrics import series, top_helpers
from bot.features.digest.weeks import parse_week
from tests.features.digest.helpers import active_in, ids, ny
from tests.features.questions.conftest import message_id

PULLED_AT = datetime(2026, 12, 1, 15, tzinfo=UTC)  # Tuesday of W49


async def at(console, clock, moment: datetime, *lines: str) -> str:
    clock.set(moment)
    return await console.say(*lines)


async def ask(console, clock, moment: datetime, who: str, line: str) -> str:
    """The posted question's console id."""
    return message_id(await at(console, clock, moment, f":as {who}", line), "❓ Question #")


@pytest.fixture
async def questions_week(app, console, clock):
    await at(console, clock, datetime(2026, 10, 1, tzinfo=UTC), ":as alice", "/settings zone America/New_York")
    for name in ["bob", "carol", "dave", "erin", "frank", "gus", "hal", "ivy"]:
        await console.say(f":as {name}", "/help")
    # W45: #1 never answered; closed as stale in W47 (14 quiet days), so no week's end after that counts it
    await ask(console, clock, ny(2026, 11, 2, 10), "erin", "/ask Which CMS plugin handles redirects? #tech")
    # W47: #2, solved by bob's answer (bob becomes the #seo helper), the one later questions are deflected to
    q2 = await ask(console, clock, ny(2026, 11, 18, 10), "alice",
                   "/ask How do I get Google to re-crawl my sitemap after a migration? #seo")
    await at(console, clock, ny(2026, 11, 18, 11), ":as bob", f":reply {q2} Resubmit the sitemap in Search Console.")
    await at(console, clock, ny(2026, 11, 18, 12), ":as alice", "/solved 2")
    # W48: #3 answered after 30 minutes by carol (bob's own reply before does not count), solved after 120
    q3 = await ask(console, clock, ny(2026, 11, 23, 9), "bob", "/ask How do I track UTM campaigns? #analytics")
    await at(console, clock, ny(2026, 11, 23, 9, 10), ":as bob", f":reply {q3} Anyone?")
    await at(console, clock, ny(2026, 11, 23, 9, 30), ":as carol", f":reply {q3} Use a naming convention per link.")
    await at(console, clock, ny(2026, 11, 23, 11), ":as bob", "/solved 3")
    # #4 answered after 120 minutes, never solved
    q4 = await ask(console, clock, ny(2026, 11, 24, 10), "carol", "/ask Which crawler for audits? #seo")
    await at(console, clock, ny(2026, 11, 24, 12), ":as dave", f":reply {q4} Screaming Frog works well.")
    # #5 never answered: the 48 h action
    await ask(console, clock, ny(2026, 11, 25, 10), "dave", "/ask Best schema markup for recipes? #seo")
    # #6 deflected by the similar-question offer (hal's only action); #7 left as a draft; #8 posted then deleted
    offer = await at(console, clock, ny(2026, 11, 26, 10), ":as hal", "/ask Google will not crawl my new sitemap")
    await console.say(f":press {message_id(offer, 'Before I post')} 2")
    await at(console, clock, ny(2026, 11, 27, 10), ":as ivy", "/ask Google will not crawl my sitemap at all")
    q8 = await ask(console, clock, ny(2026, 11, 27, 11), "frank", "/ask Is this on topic here? #seo")
    await console.say(f":delete {q8}")
    # #9 solved after 60 minutes by its asker's own answer: solved, never answered, not unanswered
    q9 = await ask(console, clock, ny(2026, 11, 28, 10), "gus", "/ask Should canonical tags point to https? #tech")
    await at(console, clock, ny(2026, 11, 28, 10, 30), ":as gus", f":reply {q9} Yes, always the secure version.")
    await at(console, clock, ny(2026, 11, 28, 11), ":as gus", "/solved 9 1")
    # #10 at 23:30 on Sunday local (04:30 Monday UTC): W48's, answered at W49's first instant after 30 minutes
    q10 = await ask(console, clock, ny(2026, 11, 29, 23, 30), "erin", "/ask Why is my GA4 report empty? #analytics")
    await at(console, clock, ny(2026, 11, 30, 0, 0), ":as frank", f":reply {q10} Check the data stream filter.")
    # W49: #11 at local midnight exactly, unanswered, too recent for the 48 h action
    await ask(console, clock, ny(2026, 11, 30, 0, 0), "gus", "/ask Too new to nag about? #seo")
    clock.set(PULLED_AT)
    return await ids(app)


async def digest_of(app, cid: int, label: str, tag: str | None = None):
    async with app.core.uow_factory() as uow:
        community = await uow.communities.get(cid)
        week = parse_week(label, PULLED_AT, community.zone)
        digest = await build_digest(uow, community, week, PULLED_AT, tag=tag, chart=False)
        actions = await plan_actions(uow, cid, digest.history, PULLED_AT)
    return digest, actions


QUESTION_KEYS = ("questions_asked", "questions_answered", "questions_solved", "questions_unanswered",
                 "first_response_minutes", "solution_minutes", "deflected")


async def test_every_question_number_of_a_known_week(app, questions_week):
    cid, m = questions_week
    digest, _ = await digest_of(app, cid, "2026-W48")
    weeks = series(digest.history)
    this, before = weeks[-1], weeks[-2]
    assert {k: this[k] for k in QUESTION_KEYS} == {
        "questions_asked": 5, "questions_answered": 2, "questions_solved": 2, "questions_unanswered": 2,
        "first_response_minutes": 75.0, "solution_minutes": 90.0, "deflected": 1}
    assert digest.history.weeks[-1].questions.unanswered_by_tag == {"analytics": 1, "seo": 1}
    assert {k: before[k] for k in QUESTION_KEYS} == {
        "questions_asked": 1, "questions_answered": 1, "questions_solved": 1, "questions_unanswered": 0,
        "first_response_minutes": 60.0, "solution_minutes": 120.0, "deflected": 0}
    # erin only asked and hal only took the offer (commands, no messages): both count as active, and so does
    # frank, whose question was deleted later (he asked it); ivy's draft, never posted, does not
    active = await active_in(app, cid, date(2026, 11, 23))
    assert active == {m[n] for n in ("bob", "carol", "dave", "erin", "frank", "gus", "hal")}
    assert this["active"] == len(active)
    assert top_helpers(digest.history) == sorted([(m["carol"], 1), (m["dave"], 1)], key=lambda p: p[0])
    assert "not available" not in digest.reply.plain_text()


async def test_a_response_stamped_before_the_asking_counts_as_answered_but_not_in_the_median(app, questions_week):
    cid, _ = questions_week
    async with app.core.uow_factory() as uow:  # #4: asked 10:00, answered 12:00; now "answered" at 09:00
        q4 = await uow.questions.get(cid, 4)
        await uow.questions.update(cid, q4.id, first_answer_at=ny(2026, 11, 24, 9))
        await uow.commit()
    digest, _ = await digest_of(app, cid, "2026-W48")
    this = series(digest.history)[-1]
    assert (this["questions_answered"], this["first_response_minutes"]) == (2, 30.0)  # #3's 30 minutes alone


async def test_an_answer_is_the_askers_own_once_the_two_are_merged(app, questions_week):
    cid, m = questions_week
    async with app.core.uow_factory() as uow:  # bob asked #3 and carol answered it: now one person
        await uow.questions.merge_member(cid, m["bob"], m["carol"])
        await uow.commit()
    digest, _ = await digest_of(app, cid, "2026-W48")
    assert top_helpers(digest.history) == [(m["dave"], 1)]


async def test_the_next_week_starts_at_local_midnight(app, questions_week):
    cid, m = questions_week
    digest, _ = await digest_of(app, cid, "2026-W49")
    this = series(digest.history)[-1]
    assert {k: this[k] for k in QUESTION_KEYS} == {
        "questions_asked": 1, "questions_answered": 1, "questions_solved": 0, "questions_unanswered": 2,
        "first_response_minutes": 30.0, "solution_minutes": None, "deflected": 0}
    assert digest.history.weeks[-1].questions.unanswered_by_tag == {"seo": 2}  # #5 still, and #11


async def test_a_tag_narrows_the_question_numbers(app, questions_week):
    cid, _ = questions_week
    digest, _ = await digest_of(app, cid, "2026-W48", tag="seo")
    this = series(digest.history)[-1]
    assert {k: this[k] for k in QUESTION_KEYS} == {
        "questions_asked": 2, "questions_answered": 1, "questions_solved": 0, "questions_unanswered": 1,
        "first_response_minutes": 120.0, "solution_minutes": None, "deflected": 0}


async def test_a_question_unanswered_for_48_hours_names_a_helper_from_its_tags(app, questions_week):
    cid, m = questions_week
    _, actions = await digest_of(app, cid, "2026-W48")
    [unanswered] = [a for a in actions if a.kind == "unanswered"]  # #1 is stale, #10 answered, #11 too recent
    assert unanswered.people == (m["dave"], m["bob"])  # the asker, then bob: the accepted #seo answer
    assert "#5" in unanswered.text and "bob" in unanswered.text
    assert unanswered.command == "questions unanswered #seo"


async def test_the_asker_is_never_their_own_suggested_helper(app, console, clock, questions_week):
    cid, m = questions_week
    q = await ask(console, clock, PULLED_AT - timedelta(days=3), "bob", "/ask Hreflang for two regions? #seo")
    assert q
    clock.set(PULLED_AT)
    _, actions = await digest_of(app, cid, "2026-W48")
    helpers = {a.people[0]: a.people[1:] for a in actions if a.kind == "unanswered"}
    assert helpers[m["bob"]] == ()  # bob is the only #seo helper, and he asked it
    assert helpers[m["dave"]] == (m["bob"],)


async def test_the_suggested_helper_helped_in_the_last_90_days(app, questions_week):
    cid, m = questions_week
    accepted = ny(2026, 11, 18, 12)  # bob's answer to #2, the only accepted #seo answer
    for days, helper in ((89, (m["bob"],)), (91, ())):
        async with app.core.uow_factory() as uow:
            digest, _ = await digest_of(app, cid, "2026-W48")
            actions = await plan_actions(uow, cid, digest.history, accepted + timedelta(days=days))
        helpers = {a.people[0]: a.people[1:] for a in actions if a.kind == "unanswered"}
        assert helpers[m["dave"]] == helper, days
