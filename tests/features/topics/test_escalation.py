"""An unanswered question is raised once to the members best placed to answer it, then to champions.

The questions feature provides the questions (a `QuestionSource`); here a fake stands in for it, and the rest
(planning, the outbox, the store's candidates, the DMs) is the real thing, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.features.topics.escalation import ESCALATE, UnansweredQuestion, escalation_kind, plan_escalation
from storage.models import OutboxRow
from storage.models_topics import EscalationRow

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@dataclass
class FakeQuestions:
    questions: dict[int, UnansweredQuestion] = field(default_factory=dict)
    accepted: dict[int, int] = field(default_factory=dict)

    async def for_escalation(self, community_id, question_id):
        return self.questions.get(question_id)

    async def accepted_answers(self, community_id, tag_ids, since):
        return self.accepted


@pytest.fixture
async def setup(app, console):
    """#seo is a topic; bob has 2 kudos in it, carol 1, dana follows it, erin has 3 but is paused."""
    await console.say(":as alice", "/tags add seo serp", "/tags add ads")
    await console.say(":as alice", "/kudos @bob audit #seo", "/kudos @carol tips #seo", "/kudos @erin a #seo",
                      ":as zed", "/kudos @bob help #seo", "/kudos @erin b #seo", "/kudos @erin c #seo",
                      ":as dana", "/follow #seo", ":as erin", "/helper pause 30", ":as frank", "/help")
    fake = FakeQuestions()
    app.dispatcher.kinds[ESCALATE] = escalation_kind(lambda uow: fake)
    return fake


async def ids(app) -> tuple[int, dict[str, int]]:
    async with app.core.uow_factory() as uow:
        community = await uow.communities.by_name("Local community")
        people = {n: (await uow.members.by_name(community.id, "console", n))[0].id
                  for n in ("alice", "bob", "carol", "dana", "erin", "frank")}
    return community.id, people


async def ask(app, fake, question_id: int, asker: str, tags: list[str], at: datetime) -> None:
    """What the questions feature does when a question is asked: plan its escalation in the same transaction."""
    cid, people = await ids(app)
    async with app.core.uow_factory() as uow:
        community = await uow.communities.get(cid)
        tag_ids = tuple([(await uow.tags.find(cid, t)) for t in tags])
        fake.questions[question_id] = UnansweredQuestion(question_id, people[asker], tag_ids, at, False,
                                                         title=f"question {question_id}")
        plan_escalation(uow, community, question_id, at)
        await uow.commit()


def dm_receivers(out: str) -> list[str]:
    return sorted(re.findall(r"\(DM to (\w+)\) copbot: A question", out))


async def test_planned_in_working_hours_and_raised_once_to_the_best_placed(app, console, clock, setup):
    await ask(app, setup, 1, "frank", ["seo"], MONDAY_10)
    async with app.core.uow_factory() as uow:
        dues = list(await uow.session.scalars(select(OutboxRow.due_at).where(OutboxRow.kind == ESCALATE)
                                              .order_by(OutboxRow.due_at)))
    assert dues == [datetime(2026, 11, 25, 16, 0, tzinfo=UTC),  # 24 working hours
                                        datetime(2026, 12, 3, 10, 0, tzinfo=UTC)]  # 72 working hours
    clock.set(datetime(2026, 11, 25, 15, 59, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == []
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == ["bob", "carol", "dana"]  # not paused erin, not frank
    clock.set(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == []  # once
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == ["alice"]  # the champions


async def test_an_answered_question_raises_nothing(app, console, clock, setup):
    await ask(app, setup, 1, "frank", ["seo"], MONDAY_10)
    setup.questions[1] = UnansweredQuestion(1, 0, (), MONDAY_10, answered=True)
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == []


async def test_the_asker_is_never_asked_and_accepted_answers_count_first(app, console, clock, setup):
    cid, people = await ids(app)
    await console.say(":as alice", "/settings topics_helpers_per_question 1")
    setup.accepted = {people["dana"]: 1}
    await ask(app, setup, 1, "bob", ["seo"], MONDAY_10)
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == ["dana"]


async def test_the_weekly_cap_spares_the_same_experts(app, console, clock, setup):
    await console.say(":as alice", "/settings topics_helper_weekly_cap 1", "/settings topics_helpers_per_question 1")
    await ask(app, setup, 1, "frank", ["seo"], MONDAY_10)
    await ask(app, setup, 2, "frank", ["seo"], MONDAY_10)
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == ["bob", "carol"]  # one question each
    async with app.core.uow_factory() as uow:
        sent = (await uow.session.execute(select(EscalationRow.question_id, EscalationRow.member_id))).all()
    assert len(sent) == 2 and len({member for _, member in sent}) == 2


async def test_nobody_awake_waits_for_working_hours(app, console, clock, setup):
    await console.say(":as alice", "/settings topics_working_hours Mon-Fri 09:00-18:00")
    await ask(app, setup, 1, "frank", ["seo"], MONDAY_10)
    await console.say(":as bob", "/timezone Asia/Tokyo", ":as carol", "/timezone Asia/Tokyo",
                      ":as dana", "/timezone Asia/Tokyo")
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 01:00 in Tokyo
    assert dm_receivers(await console.say("/help")) == []
    clock.set(datetime(2026, 11, 26, 0, 0, tzinfo=UTC))  # 09:00 in Tokyo
    assert dm_receivers(await console.say("/help")) == ["bob", "carol", "dana"]


async def test_a_question_without_tags_goes_to_champions_only(app, console, clock, setup):
    await ask(app, setup, 1, "frank", [], MONDAY_10)
    clock.set(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == []
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    assert dm_receivers(await console.say("/help")) == ["alice"]


@pytest.mark.parametrize("value", ["weekdays", "Mon-Fri 18:00-09:00"])
async def test_bad_working_hours_setting_is_refused(console, value):
    await console.say(":as alice", "/help")
    out = await console.say(":as alice", f"/settings topics_working_hours {value}")
    assert "Mon-Fri 09:00-18:00" in await console.say(":as alice", "/settings")
    assert "topics_working_hours" in out
