"""Answers in threads, solutions by ✅, by the mark-solution action and by /solved, /reopen, and who may."""

from __future__ import annotations

from datetime import timedelta

from bot.events import MessageAction, MessageDeleted
from bot.identity import MemberRef, Person, Place
from tests.features.questions.conftest import answers, kudos, member_id, message_id, questions


async def asked(qa, line="/ask How do I get Google to re-crawl my sitemap? #seo #tech") -> str:
    """bob asks; returns the posted question's console id."""
    return message_id(await qa.say(":as bob", line), "Question #")


async def answered(qa, post: str, who: str, text: str) -> str:
    return message_id(await qa.say(f":as {who}", f":reply {post} {text}"), text[:20])


def action(who: str, message: str, name: str = "mark-solution") -> MessageAction:
    person = Person(MemberRef("console", "local", who), who)
    return MessageAction(person, Place("console", "local", "general", message), None, action=name)


async def test_replies_in_the_thread_are_answers_and_the_first_answer_time_is_someone_elses(qa, clock):
    post = await asked(qa)
    clock.advance(minutes=5)
    await qa.say(":as bob", f":reply {post} Any ideas?")  # the asker's own reply is no answer time
    assert (await questions(qa.app))[0].first_answer_at is None
    clock.advance(minutes=5)
    await qa.say(":as dan", f":reply {post} Resubmit it in Search Console.")
    await qa.say(":as erin", f":reply {post} Check robots.txt.")
    rows = await answers(qa.app)
    assert [(r.number, r.author_id, r.text) for r in rows] == [
        (1, await member_id(qa.app, "bob"), "Any ideas?"),
        (2, await member_id(qa.app, "dan"), "Resubmit it in Search Console."),
        (3, await member_id(qa.app, "erin"), "Check robots.txt.")]
    first = (await questions(qa.app))[0].first_answer_at
    assert first is not None and first == rows[1].created_at


async def test_messages_elsewhere_are_not_answers(qa):
    post = await asked(qa)
    chat = message_id(await qa.say(":as dan", "just chatting"), "just")
    await qa.say(f":reply {chat} a thread elsewhere")
    assert await answers(qa.app) == [] and (await questions(qa.app))[0].message_id == post


async def test_the_asker_marks_an_answer_with_a_check_and_the_answerer_gets_kudos_under_its_tags(qa):
    post = await asked(qa)
    answer = await answered(qa, post, "dan", "Resubmit it in Search Console.")
    out = await qa.say(":as bob", f":react ✅ {answer}")
    assert "(#general) copbot: ✅ Answer 1 by dan solves question #1" in out
    [row] = await answers(qa.app)
    assert row.accepted_by_id == await member_id(qa.app, "bob") and row.kudos_given
    q = (await questions(qa.app))[0]
    assert q.status == "solved" and q.solved_at is not None
    [given] = await kudos(qa.app)
    assert (given.giver_id, given.receiver_id, given.source) == (
        await member_id(qa.app, "bob"), await member_id(qa.app, "dan"), "solution")
    assert "#seo (1), #tech (1)" in await qa.say("/profile @dan")
    async with qa.app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        seo = await uow.tags.find(community.id, "seo")
        helpers = await uow.questions.helpers_for(community.id, [seo], q.created_at - timedelta(days=90))
    assert helpers == [(await member_id(qa.app, "dan"), 1)]  # the accepted answer, not its kudos again


async def test_solution_kudos_do_not_use_the_givers_daily_allowance(qa):
    post = await asked(qa)
    await qa.say(":as alice", "/settings kudos_daily_allowance 1")
    answer = await answered(qa, post, "dan", "Resubmit it.")
    await qa.say(":as bob", f":react ✅ {answer}")
    out = await qa.say(":as bob", "/kudos @erin thanks")  # the day's one kudos is still there
    assert "gave kudos to erin" in out
    assert "You can give 1 kudos a day" in await qa.say("/kudos @frank thanks")
    assert [k.source for k in await kudos(qa.app)] == ["solution", "command"]


async def test_a_member_who_did_not_ask_may_not_mark_but_a_champion_may(qa):
    post = await asked(qa)
    answer = await answered(qa, post, "dan", "Resubmit it.")
    out = await qa.say(":as erin", f":react ✅ {answer}")
    assert "Only the asker, a champion or a manager" in out and "only erin sees this" in out
    assert "Only the asker" in await qa.say("/solved 1 1")
    assert (await answers(qa.app))[0].accepted_at is None and await kudos(qa.app) == []
    await qa.say(":as carol", "/solved 1 1")
    assert (await answers(qa.app))[0].accepted_at is not None and (await questions(qa.app))[0].status == "solved"


async def test_the_question_itself_cannot_be_marked(qa):
    post = await asked(qa)
    assert "That is question #1 itself" in await qa.say(":as bob", f":react ✅ {post}")
    replies = await qa.app.core.handle_event(action("bob", post))
    assert replies and replies[0].refused
    assert (await questions(qa.app))[0].status == "open"


async def test_the_mark_solution_action_marks_an_answer(qa):
    post = await asked(qa)
    answer = await answered(qa, post, "dan", "Resubmit it.")
    assert await qa.app.core.handle_event(action("erin", answer)) != []  # refused: erin didn't ask
    assert (await answers(qa.app))[0].accepted_at is None
    await qa.app.core.handle_event(action("bob", answer, name="something-else"))
    assert (await answers(qa.app))[0].accepted_at is None
    await qa.app.core.handle_event(action("bob", answer))
    assert (await answers(qa.app))[0].accepted_at is not None
    unknown = await qa.app.core.handle_event(action("bob", "m999"))
    assert unknown[0].refused


async def test_the_console_mark_line_is_the_action(qa):
    post = await asked(qa)
    answer = await answered(qa, post, "dan", "Resubmit it.")
    await qa.say(":as bob", f":mark {answer}")
    assert (await questions(qa.app))[0].status == "solved"


async def test_a_deleted_answer_cannot_be_marked_and_a_deleted_question_leaves_search(qa):
    post = await asked(qa)
    answer = await answered(qa, post, "dan", "Resubmit it.")
    await qa.app.core.handle_event(MessageDeleted(Person(MemberRef("console", "local", "dan"), "dan"),
                                                  Place("console", "local", "general", answer), None))
    row = (await answers(qa.app))[0]
    assert row.deleted_at is not None and row.text == ""
    assert "was deleted" in await qa.say(":as bob", "/solved 1 1")
    assert "has no answer to mark yet" in await qa.say("/solved 1")
    await qa.say(":as bob", f":delete {post}")
    assert (await questions(qa.app))[0].status == "deleted"
    assert "was deleted" in await qa.say("/solved 1 1")
    assert "No question matches" in await qa.say("/search sitemap")


async def test_solved_needs_a_known_question_and_answer(qa):
    post = await asked(qa)
    assert "There is no question #7" in await qa.say(":as bob", "/solved 7")
    assert "has no answer to mark yet" in await qa.say("/solved 1")
    await answered(qa, post, "dan", "Resubmit it.")
    await answered(qa, post, "erin", "Check robots.txt.")
    assert "has answers 1, 2: say which" in await qa.say(":as bob", "/solved 1")
    assert "has no answer 3" in await qa.say("/solved 1 3")
    assert all(a.accepted_at is None for a in await answers(qa.app))
    await qa.say("/solved 1 2", "/solved 1 1")  # more than one answer may be accepted
    assert all(a.accepted_at is not None for a in await answers(qa.app))
    assert "already marked" in await qa.say("/solved 1 1")
    assert len(await kudos(qa.app)) == 2


async def test_reopen_clears_the_solution_and_marking_again_gives_no_second_kudos(qa):
    post = await asked(qa)
    await answered(qa, post, "dan", "Resubmit it.")
    await qa.say(":as bob", "/solved 1")
    assert "Only the asker" in await qa.say(":as erin", "/reopen 1")
    out = await qa.say(":as bob", "/reopen 1")
    assert "(#general) copbot: Question #1 is open again" in out
    q = (await questions(qa.app))[0]
    assert q.status == "open" and (await answers(qa.app))[0].accepted_at is None
    assert "already open" in await qa.say("/reopen 1")
    await qa.say("/solved 1")
    assert len(await kudos(qa.app)) == 1 and (await questions(qa.app))[0].status == "solved"


async def test_no_kudos_to_yourself_for_your_own_answer(qa):
    post = await asked(qa)
    await answered(qa, post, "carol", "Resubmit it.")
    await qa.say(":as carol", "/solved 1 1")
    assert (await questions(qa.app))[0].status == "solved" and await kudos(qa.app) == []
