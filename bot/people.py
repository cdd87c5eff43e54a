"""Turning @mentions into members of the community."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.commands import Mention
from bot.context import Context
from bot.domain import Member
from bot.errors import Refusal
from bot.identity import MemberRef, Person, Role
from bot.text import clean_name


def effective_role(member: Member, owners: frozenset[str]) -> Role:
    """The highest of: owner by config, what the platform says, and what managers granted."""
    configured = Role.OWNER if str(member.ref) in owners else Role.MEMBER
    return max(member.granted_role, member.platform_role, configured)


async def resolve_mention(ctx: Context, mention: Mention, people: Sequence[Person] = (),
                          known: Mapping[MemberRef, Member] | None = None, *, vouched: bool = True) -> Member:
    """The member a mention names. A platform id we haven't seen becomes a member when the platform vouches
    for it (`vouched`, or it told us about them in `people`); a bare @name must match exactly one known member.
    `known`: members already read."""
    members = ctx.uow.members
    if mention.user_id is None:
        matches = await members.by_name(ctx.community.id, ctx.place.platform, mention.name or "")
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise Refusal(f"I don't know anyone called @{clean_name(mention.name or '')} here: "
                          "pick them from the mention list.")
        raise Refusal(f"More than one member is called @{clean_name(mention.name or '')}: "
                      "pick them from the mention list.")
    ref = MemberRef(ctx.place.platform, ctx.place.workspace_id, mention.user_id)
    existing = known[ref] if known and ref in known else await members.find(ctx.community.id, ref)
    told = next((p for p in people if p.ref.user_id == mention.user_id), None)
    if existing is None and told is None and not vouched:
        raise Refusal(f"I don't know anyone called @{clean_name(mention.name or mention.user_id)} here.")
    # What the platform told us about this person wins; a mention's label (typed text) only names a newcomer.
    if told:
        name = clean_name(told.name)
    else:
        name = existing.name if existing else clean_name(mention.name or ref.user_id)
    is_bot = told.is_bot if told else bool(existing and existing.is_bot)
    if existing and (existing.name, existing.is_bot) == (name, is_bot):
        return existing
    # A mention tells us a name and whether it is a bot; roles and zone come from the member's own events.
    facts = Person(ref, name, is_bot=is_bot, platform_role=existing.platform_role if existing else Role.MEMBER,
                   zone=existing.zone if existing else None)
    return await members.upsert(ctx.community.id, facts, now=ctx.now)
