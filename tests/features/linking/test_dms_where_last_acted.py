"""Direct messages beyond meetup reminders reach a linked person where they last acted: escalation's ask for help
and the welcome drip."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from bot.events import MemberJoined
from bot.features.topics.escalation import ESCALATE, UnansweredQuestion, escalation_kind, plan_escalation
from bot.identity import MemberTarget, Role
from tests.conftest import make_config
from tests.features.linking.helpers import PLACES, discord, link, say, slack

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHAMPIONS_DUE = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 72 working hours later
OLGA, FRANK = slack("U0", "olga", role=Role.OWNER), slack("U9", "frank")
ANN_S, ANN_D = slack("U1", "ann"), discord("42", "ann_d")


@dataclass
class Recorder:
    sent: list = field(default_factory=list)

    async def send(self, target, reply, *, key):
        self.sent.append(target)


@dataclass
class FakeQuestions:
    questions: dict = field(default_factory=dict)

    async def for_escalation(self, community_id, question_id):
        return self.questions.get(question_id)

    async def accepted_answers(self, community_id, tag_ids, since):
        return {}


@pytest.fixture
async def both(store_url, clock):
    clock.set(MONDAY_10)
    app = await build(make_config(store_url, communities=[CommunityConfig(name="Both", slack=["T1"],
                                                                          discord=["G1"])]), clock=clock)
    app.recorder = Recorder()
    for platform in ("slack", "discord"):
        app.outbound.add(platform, app.recorder)
    yield app
    await app.close()


@pytest.mark.parametrize("last", [ANN_D, ANN_S])
async def test_a_champion_is_asked_for_help_once_where_they_last_acted(both, clock, last):
    await link(both, ANN_S, ANN_D)
    assert not (await say(both, OLGA, "role grant <@U1|ann> champion")).refused
    await say(both, FRANK, "help")
    await say(both, last, "help")
    fake = FakeQuestions()
    both.dispatcher.kinds[ESCALATE] = escalation_kind(lambda uow: fake)
    async with both.core.uow_factory() as uow:
        community = await uow.communities.by_name("Both")
        frank = await uow.members.find(community.id, FRANK.ref)
        fake.questions[1] = UnansweredQuestion(1, frank.id, (), MONDAY_10, False, title="question 1")
        plan_escalation(uow, community, 1, MONDAY_10)
        await uow.commit()
    clock.set(CHAMPIONS_DUE)
    await both.dispatcher.run_due()
    await both.dispatcher.run_due()
    asked = [t.member for t in both.recorder.sent if isinstance(t, MemberTarget)]
    assert asked.count(last.ref) == 1 and len([r for r in asked if r in (ANN_S.ref, ANN_D.ref)]) == 1


@pytest.mark.parametrize("last", [ANN_D, ANN_S])
async def test_the_welcome_drip_reaches_a_newcomer_once_where_they_last_acted(both, clock, last):
    await both.core.handle_event(MemberJoined(ANN_S, PLACES["slack"], "Ev-join"))
    await link(both, ANN_S, ANN_D)
    await say(both, last, "help")
    await both.dispatcher.run_due()
    both.recorder.sent.clear()
    clock.set(MONDAY_10 + timedelta(days=1, minutes=1))
    await both.dispatcher.run_due()
    reached = [t.member for t in both.recorder.sent if isinstance(t, MemberTarget)]
    assert reached == [last.ref]
