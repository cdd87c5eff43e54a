"""Topics: the community's tag taxonomy (champions manage it, keywords suggest tags), members following topics,
helpers pausing, and unanswered questions raised once to the members best placed to answer them."""

from __future__ import annotations

from bot.context import Feature
from bot.features.topics import follow, taxonomy
from bot.features.topics.escalation import escalation_kind
from bot.features.topics.ports import TopicRepo
from bot.features.topics.settings import TopicsSettings
from bot.ports import UnitOfWork


async def erase_helper_data(uow: UnitOfWork, community_id: int, member_id: int, at) -> None:
    """A pause says when someone is away: it goes with them. Escalations sent stay as anonymous counts."""
    await uow.topics.pause(community_id, member_id, None)


async def merge_helper_data(uow: UnitOfWork, community_id: int, from_member_id: int, into_member_id: int,
                            at) -> None:
    await uow.topics.merge_member(community_id, from_member_id, into_member_id)


FEATURE = Feature(
    name="topics",
    commands=(*taxonomy.COMMANDS, *follow.COMMANDS),
    outbox_kinds=(escalation_kind(),),
    settings=TopicsSettings,
    erase=erase_helper_data,
    merge=merge_helper_data,
    repositories={"topics": TopicRepo},
)
