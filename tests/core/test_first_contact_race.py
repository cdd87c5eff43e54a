"""The first events from a workspace nobody has seen, arriving together (several replicas, or one busy gateway),
create one community: the unit of work that loses the race on its unique name runs again and joins it."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.events import MessagePosted
from bot.identity import MemberRef, Person, Place
from storage.models import CommunityRow, MemberRow


async def test_first_events_from_a_new_workspace_at_once_make_one_community(app):
    place = Place("slack", "T0RACE", "C1", "1.0", workspace_name="Race Club")
    events = [MessagePosted(Person(MemberRef("slack", "T0RACE", f"U{n}"), f"user{n}"), place, f"Ev{n}")
              for n in range(6)]
    await asyncio.gather(*(app.core.handle_event(e) for e in events))
    async with app.core.uow_factory() as uow:
        communities = await uow.session.scalar(select(func.count()).select_from(CommunityRow)
                                               .where(CommunityRow.name.like("Race Club%")))
        members = await uow.session.scalar(select(func.count()).select_from(MemberRow)
                                           .where(MemberRow.user_id.like("U%"), MemberRow.is_bot.is_(False)))
    assert (communities, members) == (1, 6)
