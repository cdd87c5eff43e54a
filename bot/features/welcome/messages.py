"""The welcome messages themselves, filled in from the community's templates."""

from __future__ import annotations

from bot.domain import Community, Member
from bot.features.welcome.checklist import checklist
from bot.features.welcome.templates import KINDS, Facts, fill, join_names
from bot.identity import ChannelTarget, MemberTarget, Place
from bot.ports import UnitOfWork
from bot.reply import Reply
from bot.settings import channel_here


async def template_text(uow: UnitOfWork, community_id: int, kind: str) -> str:
    return await uow.onboarding.template(community_id, kind) or KINDS[kind].default


async def facts_for(uow: UnitOfWork, community: Community, member_name: str) -> Facts:
    champions = [c.name for c in await uow.onboarding.champions(community.id)]
    return Facts(member_name, community.name, community.settings.guidelines_link, champions)


async def render(uow: UnitOfWork, community: Community, kind: str, member_name: str) -> str:
    return fill(await template_text(uow, community.id, kind), await facts_for(uow, community, member_name))


async def welcome_dm(uow: UnitOfWork, community: Community, member: Member) -> Reply:
    """The welcome with the checklist. Public visibility: the target (a DM) says where it goes."""
    done = await uow.onboarding.steps_done(community.id, member.id)
    steps, buttons = checklist(community.settings, done)
    return Reply.public(await render(uow, community, "dm", member.name), sections=(steps,), buttons=buttons)


async def welcome_back(uow: UnitOfWork, community: Community, member: Member) -> Reply:
    return Reply.public(await render(uow, community, "back", member.name))


async def greeting(uow: UnitOfWork, community: Community, names: list[str]) -> Reply:
    """One public greeting, for one newcomer or for everyone in a join burst."""
    return Reply.public(await render(uow, community, "greeting", join_names(names)))


def welcome_channel(community: Community, place: Place) -> ChannelTarget | None:
    """The community's welcome channel, or the channel the member joined through; None when neither is known
    (a Slack workspace join names no channel: set welcome_channel for greetings and closed-DM fallbacks there)."""
    channel = channel_here(community.settings.welcome_channel, place.platform, place.workspace_id) or place.channel_id
    return ChannelTarget(place.platform, place.workspace_id, channel) if channel else None


def direct_with_fallback(member: Member, fallback: ChannelTarget | None) -> MemberTarget:
    return MemberTarget(member.ref, fallback)
