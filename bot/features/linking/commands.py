"""/link, /unlink, /member show and unlink, /community: one person, and one community, on several platforms."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.context import UNDECLARED, Context
from bot.domain import Member
from bot.errors import Refusal
from bot.features.linking.codes import BIND, LIFETIME, LINK, issue, redeem
from bot.people import effective_role
from bot.reply import Field, Reply, Section

MINUTES = int(LIFETIME.total_seconds() // 60)
WRONG_CODE = ("That code doesn't work: it is mistyped, used, expired or from another community. "
              "Ask for a new one if you need to.")


@dataclass(frozen=True)
class Link:
    code: str | None = None


@dataclass(frozen=True)
class Unlink:
    pass


@dataclass(frozen=True)
class ShowMember:
    member: Member


@dataclass(frozen=True)
class UnlinkMember:
    member: Member


@dataclass(frozen=True)
class ShowCommunity:
    pass


@dataclass(frozen=True)
class BindWorkspace:
    code: str | None = None


@dataclass(frozen=True)
class UnbindWorkspace:
    workspace: str


async def link(cmd: Link, ctx: Context) -> Reply:
    if cmd.code is None:
        code = await issue(ctx, LINK)
        return Reply.ephemeral(f"Your linking code is {code}. Within {MINUTES} minutes, type `/link {code}` as "
                               f"yourself on the other platform of {ctx.community.name}. It works once.")
    found = await redeem(ctx, cmd.code, LINK, community_id=ctx.community.id)
    if found is None:
        return Reply.ephemeral(WRONG_CODE)  # not a refusal: the try is recorded
    other = await ctx.uow.members.get(ctx.community.id, found.member_id)  # linked since? the member it is in now
    if other.id == ctx.member.id:
        return Reply.ephemeral("That code is yours, and these identities are already one member: nothing to do.")
    if other.erased or ctx.member.erased:
        raise Refusal("An erased member can't be linked.")
    if not await ctx.uow.linking.use_code(found.id, ctx.now):
        return Reply.ephemeral(WRONG_CODE)
    into = await merge_members(ctx, ctx.member.id, other.id)
    # the person acts here: their direct messages come here (until they act through another identity)
    await ctx.uow.members.acted_through(ctx.community.id, replace(ctx.member, id=into, dm_here=False))
    return Reply.ephemeral(f"Linked: your identities are now one member of {ctx.community.name}, with the kudos, "
                           f"interests and RSVPs of both{'' if into == ctx.member.id else ' (the older one leads)'}.")


async def merge_members(ctx: Context, a: int, b: int) -> int:
    """Merge two members of this community into the older one; returns its id."""
    missing = [f.name for f in ctx.features if f.merge is UNDECLARED]
    if missing:
        raise Refusal(f"Linking isn't available yet: {', '.join(missing)} can't merge two members. "
                      "Tell the operator.")
    into, gone = min(a, b), max(a, b)
    for feature in ctx.features:
        await feature.merge(ctx.uow, ctx.community.id, gone, into, ctx.now)
    await ctx.uow.members.merge(ctx.community.id, gone, into, at=ctx.now)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "member.link", {"member_id": gone, "into_id": into},
                         ctx.now)
    return into


async def _separate(ctx: Context, member: Member) -> list[Member]:
    separated = await ctx.uow.members.unlink(ctx.community.id, member.id)
    for one in separated:
        ctx.uow.audit.record(ctx.community.id, ctx.member.id, "member.unlink",
                             {"member_id": one.id, "into_id": member.id}, ctx.now)
    return separated


async def unlink(cmd: Unlink, ctx: Context) -> Reply:
    separated = await _separate(ctx, ctx.member)
    if not separated:
        raise Refusal("You have no linked identity to separate.")
    return Reply.ephemeral(f"Separated: {_refs(separated)} is a member of its own again, starting without "
                           "history; what you did so far stays with your first identity.")


async def unlink_member(cmd: UnlinkMember, ctx: Context) -> Reply:
    if effective_role(cmd.member, ctx.owners) > ctx.role:
        raise Refusal(f"{cmd.member.name} has a higher role than yours; ask an owner.")
    separated = await _separate(ctx, cmd.member)
    if not separated:
        raise Refusal(f"{cmd.member.name} has no linked identity.")
    return Reply.ephemeral(f"Separated {_refs(separated)} from {cmd.member.name}: a member of its own again, "
                           "without history.")


async def show_member(cmd: ShowMember, ctx: Context) -> Reply:
    holder = await ctx.uow.members.get(ctx.community.id, cmd.member.id)  # itself, not seen through an identity
    others = await ctx.uow.members.identities(ctx.community.id, holder.id)
    fields = (
        Field("Role", effective_role(cmd.member, ctx.owners).label),
        Field("Identities", "; ".join(_identity(m) for m in (holder, *others))),
        Field("Linked", "yes" if others else "no"),
    )
    return Reply.ephemeral(f"Member {holder.name}", sections=(Section("", fields),))


def _identity(member: Member) -> str:
    return f"{member.name} on {member.ref.platform} ({member.ref.workspace_id})"


def _refs(members: list[Member]) -> str:
    return ", ".join(_identity(m) for m in members)


async def show_community(cmd: ShowCommunity, ctx: Context) -> Reply:
    bound = sorted(await ctx.uow.communities.bindings(ctx.community.id))
    fields = tuple(Field(platform, workspace_id) for platform, workspace_id in bound)
    return Reply.ephemeral(f"{ctx.community.name} is bound to {len(bound)} workspace(s). `/community bind` gives a "
                           "code to bind another; `/community unbind platform:workspace` lets one go.",
                           sections=(Section("", fields),))


async def bind_workspace(cmd: BindWorkspace, ctx: Context) -> Reply:
    if cmd.code is None:
        code = await issue(ctx, BIND)
        return Reply.ephemeral(f"Your binding code is {code}. Within {MINUTES} minutes, an owner types "
                               f"`/community bind {code}` in the Slack workspace or Discord server to bind to "
                               f"{ctx.community.name}. It works once.")
    found = await redeem(ctx, cmd.code, BIND, community_id=None)
    if found is None:
        return Reply.ephemeral(WRONG_CODE)
    if found.community_id == ctx.community.id:
        return Reply.ephemeral("This workspace already belongs to that community: nothing to do.")
    if not await ctx.uow.linking.use_code(found.id, ctx.now):
        return Reply.ephemeral(WRONG_CODE)
    place = ctx.place
    before = await ctx.uow.linking.bind_here(found.community_id, place.platform, place.workspace_id)
    detail = {"platform": place.platform, "workspace_id": place.workspace_id}
    ctx.uow.audit.record(found.community_id, None, "community.bind", detail, ctx.now)
    if before is not None:
        ctx.uow.audit.record(before, ctx.member.id, "community.unbind", detail, ctx.now)
    target = await ctx.uow.communities.get(found.community_id)
    return Reply.ephemeral(f"This workspace now belongs to {target.name}. Members start afresh there; "
                           "what was recorded here before stays with the previous community.")


async def unbind_workspace(cmd: UnbindWorkspace, ctx: Context) -> Reply:
    platform, _, workspace_id = cmd.workspace.partition(":")
    if (platform, workspace_id) not in await ctx.uow.communities.bindings(ctx.community.id):
        raise Refusal("That workspace isn't bound to this community: see `/community`.")
    if (platform, workspace_id) == (ctx.place.platform, ctx.place.workspace_id):
        raise Refusal("Unbind this workspace from another one bound to the community.")
    await ctx.uow.linking.unbind(ctx.community.id, platform, workspace_id)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "community.unbind",
                         {"platform": platform, "workspace_id": workspace_id}, ctx.now)
    return Reply.ephemeral(f"Unbound {platform} {workspace_id} from {ctx.community.name}.")
