"""A real question, unanswered, is raised to the helpers of its tags (bot/features/topics/escalation.py); an
answered one raises nothing. The ranking and working hours are tested in tests/features/topics."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.features.questions.conftest import START, questions


def dm_receivers(out: str) -> list[str]:
    return sorted(re.findall(r"\(DM to (\w+)\) copbot: A question", out))


async def ask_unanswered(qa) -> None:
    await qa.say(":as alice", "/tags add seo sitemap", "/kudos @bob thanks for the audit #seo", ":as dave", "/help")
    await qa.say(":as dave", "/ask How do I get a new sitemap crawled? #seo")


async def test_an_unanswered_question_reaches_the_tags_helper_once(qa, clock):
    await ask_unanswered(qa)
    clock.set(START + timedelta(days=2, hours=5))  # Monday 12:00 + 24 working hours (Mon-Fri 09-18) = Wed 18:00
    assert dm_receivers(await qa.say(":as alice", "/help")) == []
    clock.set(START + timedelta(days=2, hours=6))  # due, but 18:00 ends bob's working day: he is asked at 09:00
    assert dm_receivers(await qa.say(":as alice", "/help")) == []
    clock.set(START + timedelta(days=3, hours=-3))
    assert dm_receivers(await qa.say(":as alice", "/help")) == ["bob"]  # kudos in #seo; not dave, who asked
    clock.set(START + timedelta(days=4))
    assert dm_receivers(await qa.say(":as alice", "/help")) == []


async def test_an_answer_before_the_time_cancels_it(qa, clock):
    await ask_unanswered(qa)
    [question] = await questions(qa.app)
    await qa.say(":as erin", f":reply {question.message_id} Resubmit it in Search Console")
    clock.set(START + timedelta(days=10))
    assert dm_receivers(await qa.say(":as alice", "/help")) == []
