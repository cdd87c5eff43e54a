"""Linking: one person on Slack and Discord as one member (/link, /unlink), and one community bound to several
workspaces (/community)."""

from __future__ import annotations

from datetime import datetime

from bot.commands import CommandSpec, Kind, Param
from bot.context import Feature
from bot.features.linking import commands as c
from bot.features.linking.ports import LinkingRepo
from bot.identity import Role
from bot.ports import UnitOfWork
from bot.reply import Visibility
from bot.settings import Settings

PRIVATE = Visibility.EPHEMERAL
CODE = Param("code", Kind.WORD, "a code you were given", optional=True, max_len=20)


async def erase_codes(uow: UnitOfWork, community_id: int, member_id: int, at: datetime) -> None:
    await uow.linking.erase(community_id, member_id)


async def merge_codes(uow: UnitOfWork, community_id: int, from_id: int, into_id: int, at: datetime) -> None:
    await uow.linking.merge(community_id, from_id, into_id, at)


FEATURE = Feature(
    name="linking",
    commands=(
        CommandSpec("link", "Link your identity on another platform (get a code, or use one)", c.Link, c.link,
                    params=(CODE,), visibility=PRIVATE, examples=("/link", "/link ABCD2345")),
        CommandSpec("unlink", "Separate your linked identities again", c.Unlink, c.unlink, visibility=PRIVATE),
        CommandSpec("member show", "A member's role and linked identities", c.ShowMember, c.show_member,
                    params=(Param("member", Kind.MEMBER, "a member"),), role=Role.MANAGER, visibility=PRIVATE),
        CommandSpec("member unlink", "Undo a member's link", c.UnlinkMember, c.unlink_member,
                    params=(Param("member", Kind.MEMBER, "a member"),), role=Role.MANAGER, visibility=PRIVATE),
        CommandSpec("community", "Which workspaces and servers this community is bound to", c.ShowCommunity,
                    c.show_community, role=Role.OWNER, visibility=PRIVATE),
        CommandSpec("community bind", "Bind another workspace or server (get a code, or use one)", c.BindWorkspace,
                    c.bind_workspace, params=(CODE,), role=Role.OWNER, visibility=PRIVATE,
                    examples=("/community bind", "/community bind ABCD2345")),
        CommandSpec("community unbind", "Let a bound workspace go", c.UnbindWorkspace, c.unbind_workspace,
                    params=(Param("workspace", Kind.WORD, "platform:workspace, as /community lists it", max_len=90),),
                    role=Role.OWNER, visibility=PRIVATE, examples=("/community unbind discord:123",)),
    ),
    settings=Settings,
    erase=erase_codes,
    merge=merge_codes,
    repositories={"linking": LinkingRepo},
)
