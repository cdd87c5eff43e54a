"""Welcome and onboarding: the welcome DM (falling back to the welcome channel), a public greeting,
a checklist of first steps, interests, reminders that name only what is left, and buddies."""

from __future__ import annotations

from datetime import datetime

from bot.context import Feature, OutboxKind, erases_nothing
from bot.events import MemberJoined, MessagePosted
from bot.features.welcome import commands, interests, onboarding
from bot.features.welcome.drip import DRIP, plan_drip
from bot.features.welcome.flows import COMBINED_GREETING, on_member_joined, on_message, plan_combined_greeting
from bot.features.welcome.ports import InterestRepo, OnboardingRepo
from bot.features.welcome.settings import WelcomeSettings
from bot.ports import UnitOfWork


async def merge_welcome(uow: UnitOfWork, community_id: int, from_id: int, into_id: int, at: datetime) -> None:
    await uow.onboarding.merge(community_id, from_id, into_id, at)
    await uow.interests.merge(community_id, from_id, into_id, at)


FEATURE = Feature(
    name="welcome",
    commands=(*commands.COMMANDS, *onboarding.COMMANDS, *interests.COMMANDS),
    on_event={MemberJoined: on_member_joined, MessagePosted: on_message},
    outbox_kinds=(OutboxKind(DRIP, plan_drip), OutboxKind(COMBINED_GREETING, plan_combined_greeting)),
    settings=WelcomeSettings,
    erase=erases_nothing,  # onboarding steps and followed tags name no one once the member row is erased
    merge=merge_welcome,
    repositories={"onboarding": OnboardingRepo, "interests": InterestRepo},
)
