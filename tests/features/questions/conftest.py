"""A community driven through the console: alice owns it, carol is a champion; rows read straight from the store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage.models import KudosRow
from storage.models_questions import AnswerRow, QuestionRow

START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
async def qa(console, clock):
    clock.set(START)
    await console.say(":as alice", "/help", ":as carol", "/help", ":as alice", "/role grant @carol champion")
    return console


async def questions(app) -> list:
    async with app.core.uow_factory() as uow:
        return list((await uow.session.execute(select(QuestionRow.__table__).order_by(QuestionRow.number))).all())


async def answers(app) -> list:
    async with app.core.uow_factory() as uow:
        return list((await uow.session.execute(select(AnswerRow.__table__).order_by(AnswerRow.id))).all())


async def kudos(app) -> list:
    async with app.core.uow_factory() as uow:
        return list((await uow.session.execute(select(KudosRow.__table__).order_by(KudosRow.id))).all())


async def tags_of(app, number: int) -> list[str]:
    async with app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        return list((await uow.questions.get(community.id, number)).tags)


async def member_id(app, name: str) -> int:
    async with app.core.uow_factory() as uow:
        community = (await uow.communities.all())[0]
        return (await uow.members.by_name(community.id, "console", name))[0].id


def message_id(printed: str, marker: str) -> str:
    """The console id ("m7") of the printed message containing `marker`."""
    for line in printed.splitlines():
        if marker in line and line.startswith("[m"):
            return line[1:line.index("]")]
    raise AssertionError(f"no message with {marker!r} in:\n{printed}")
