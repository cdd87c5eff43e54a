"""Members and their community: time zones, roles, erasure, and per-community settings."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from bot.clock import zone_name
from bot.commands import CommandSpec, Kind, Param
from bot.context import Context, Feature, change_zone, erases_nothing, merges_nothing
from bot.domain import Member
from bot.errors import Refusal
from bot.events import MemberJoined, MemberLeft, MessagePosted
from bot.identity import Role
from bot.people import effective_role
from bot.reply import Field, Reply, Section, Visibility
from bot.settings import Settings, channel_set_here

GRANTABLE = ("champion", "manager")


@dataclass(frozen=True)
class SetTimezone:
    zone_name: str | None = None


@dataclass(frozen=True)
class ChangeRole:
    action: str
    member: Member
    role: str


@dataclass(frozen=True)
class EraseMember:
    member: Member


@dataclass(frozen=True)
class ChangeSettings:
    key: str | None = None
    value: str | None = None


async def set_timezone(cmd: SetTimezone, ctx: Context) -> Reply:
    if cmd.zone_name is None:
        if ctx.member.zone:
            return Reply.ephemeral(f"Your time zone is {ctx.member.zone}. Change it with `/timezone Europe/Berlin`.")
        return Reply.ephemeral(f"You haven't set a time zone, so the community's ({ctx.zone}) is used. "
                               "Set yours with `/timezone Europe/Berlin`.")
    name = zone_name(cmd.zone_name)
    await ctx.uow.members.update(ctx.community.id, ctx.member.id, zone=name)
    return Reply.ephemeral(f"Your time zone is now {name}.")


async def change_role(cmd: ChangeRole, ctx: Context) -> Reply:
    target = cmd.member
    if target.is_bot:
        raise Refusal("Bots don't take roles.")
    new = Role.parse(cmd.role) if cmd.action == "grant" else Role.MEMBER
    if cmd.action == "revoke" and target.granted_role != Role.parse(cmd.role):
        raise Refusal(f"{target.name} wasn't granted {cmd.role} here, so there is nothing to revoke.")
    if target.granted_role == Role.OWNER:
        raise Refusal(f"{target.name} owns this community; owners are set in config or by the platform.")
    if cmd.action == "grant" and target.granted_role == new:
        raise Refusal(f"{target.name} is already {cmd.role}: nothing changed.")
    updated = await ctx.uow.members.update(ctx.community.id, target.id, granted_role=new)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, f"role.{cmd.action}",
                         {"member_id": target.id, "role": cmd.role}, ctx.now)
    effective = effective_role(updated, ctx.owners)
    note = "" if effective == new else f" ({target.name} stays {effective.label}: the platform or config says so.)"
    verb = "is now" if cmd.action == "grant" else "is no longer a granted"
    return Reply.public(f"{target.name} {verb} {cmd.role}.{note}")


async def erase_member(cmd: EraseMember, ctx: Context) -> Reply:
    target = cmd.member
    if target.id == ctx.member.id:
        raise Refusal("Ask another manager to erase your own data.")
    if target.erased:
        raise Refusal("That member's data was already erased.")
    if effective_role(target, ctx.owners) > ctx.role:
        raise Refusal(f"{target.name} has a higher role than yours; ask an owner.")
    await ctx.uow.members.erase(ctx.community.id, target.id, at=ctx.now)
    for feature in ctx.features:
        await feature.erase(ctx.uow, ctx.community.id, target.id, ctx.now)
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "member.erase", {"member_id": target.id}, ctx.now)
    return Reply.ephemeral("Erased: their name, platform id, time zone and the reasons they wrote are gone; "
                           "anonymous counts remain.")


async def change_settings(cmd: ChangeSettings, ctx: Context) -> Reply:
    if cmd.key is None:
        return _show_settings(ctx)
    model = type(ctx.settings)  # every feature's section, composed
    if cmd.key != "zone" and cmd.key not in model.model_fields:
        raise Refusal(f"There is no setting '{cmd.key[:40]}'. Settings: zone, "
                      f"{', '.join(model.model_fields)}.")
    if cmd.value is None:
        current = ctx.zone if cmd.key == "zone" else shown(getattr(ctx.settings, cmd.key))
        return Reply.ephemeral(f"{cmd.key} is {current}. Change it with `/settings {cmd.key} VALUE`.")
    if cmd.key == "zone":
        result = zone_name(cmd.value)
        await change_zone(ctx.uow, ctx.community.id, result, ctx.now, ctx.features)
    else:
        cleared = cmd.value.lower() in {"none", "off", "-"} and model.model_fields[cmd.key].annotation is not bool
        value: object = None if cleared else cmd.value  # "off" is a switch's False
        try:
            settings = model(**{**ctx.settings.model_dump(), cmd.key: value})
        except ValidationError as error:
            raise Refusal(f"That doesn't work for {cmd.key}: {human_problem(error)}. "
                          f"{cmd.key} is {model.describe()[cmd.key]}.") from None
        if cmd.key.endswith("_channel"):
            settings = await _channel_of_this_workspace(ctx, settings, cmd.key)
        await ctx.uow.communities.update(ctx.community.id, settings=settings)
        result = shown(getattr(settings, cmd.key))
    ctx.uow.audit.record(ctx.community.id, ctx.member.id, "settings.change", {cmd.key: cmd.value}, ctx.now)
    return Reply.ephemeral(f"{cmd.key} is now {result}.")


async def _channel_of_this_workspace(ctx: Context, settings, key: str):
    """On a community bound to several workspaces, a channel typed here is this workspace's channel."""
    bindings = await ctx.uow.communities.bindings(ctx.community.id)
    if len(bindings) < 2:
        return settings
    here = (ctx.place.platform, ctx.place.workspace_id)
    value = channel_set_here(getattr(ctx.settings, key), getattr(settings, key), here, bindings)
    return type(settings)(**{**settings.model_dump(), key: value})


def shown(value: object) -> str:
    """A setting's value as a person reads it: no None, True or Python lists."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


_PROBLEMS = {"bool_parsing": "use on or off", "int_parsing": "use a whole number",
             "greater_than_equal": "use at least {ge}", "less_than_equal": "use at most {le}",
             "too_long": "use at most {max_length}", "too_short": "use at least {min_length}",
             "string_too_long": "use at most {max_length} characters"}


def human_problem(error: ValidationError) -> str:
    """pydantic's first error in words a member reads ("use a whole number"), not "Input should be…"."""
    problem = error.errors()[0]
    template = _PROBLEMS.get(problem["type"])
    if template:
        return template.format(**problem.get("ctx", {}))
    return str(problem["msg"]).removeprefix("Value error, ")


def _show_settings(ctx: Context) -> Reply:
    described = ctx.settings.describe()
    fields = [Field("zone", f"{ctx.zone} (the community's time zone)")]
    for key, value in ctx.settings.model_dump().items():
        fields.append(Field(key, f"{shown(value)} ({described[key]})"))
    return Reply.ephemeral(f"Settings of {ctx.community.name}. Change one with `/settings KEY VALUE`.",
                           sections=(Section("", tuple(fields)),))


# Platform events ------------------------------------------------------------------------------


async def on_join(event: MemberJoined, ctx: Context) -> None:
    if ctx.member.left_at is not None or ctx.member.joined_at is None:
        await ctx.uow.members.update(ctx.community.id, ctx.member.id, joined_at=ctx.now, left_at=None)


async def on_leave(event: MemberLeft, ctx: Context) -> None:
    await ctx.uow.members.update(ctx.community.id, ctx.member.id, left_at=ctx.now)


async def on_message(event: MessagePosted, ctx: Context) -> None:
    if ctx.member.first_message_at is None:
        await ctx.uow.members.update(ctx.community.id, ctx.member.id, first_message_at=ctx.now)


FEATURE = Feature(
    name="members",
    commands=(
        CommandSpec("timezone", "Set your time zone", SetTimezone, set_timezone,
                    params=(Param("zone_name", Kind.WORD, "a time zone like Europe/Berlin", optional=True, max_len=64),),
                    visibility=Visibility.EPHEMERAL, examples=("/timezone Europe/Berlin", "/timezone")),
        CommandSpec("role", "Grant or revoke champion and manager roles", ChangeRole, change_role,
                    params=(Param("action", Kind.CHOICE, "grant or revoke", choices=("grant", "revoke")),
                            Param("member", Kind.MEMBER, "a member"),
                            Param("role", Kind.CHOICE, "a role", choices=GRANTABLE)),
                    role=Role.MANAGER, examples=("/role grant @dana champion",)),
        CommandSpec("member erase", "Erase a member's personal data on request", EraseMember,
                    erase_member, params=(Param("member", Kind.MEMBER, "a member"),),
                    role=Role.MANAGER, visibility=Visibility.EPHEMERAL),
        CommandSpec("settings", "Show or change this community's settings", ChangeSettings,
                    change_settings,
                    params=(Param("key", Kind.WORD, "a setting", optional=True, max_len=40),
                            Param("value", Kind.TEXT, "a value", optional=True, max_len=200)),
                    role=Role.MANAGER, visibility=Visibility.EPHEMERAL,
                    examples=("/settings", "/settings kudos_daily_allowance 3", "/settings zone Europe/Berlin")),
    ),
    on_event={MemberJoined: on_join, MemberLeft: on_leave, MessagePosted: on_message},
    settings=Settings,
    erase=erases_nothing,  # the member row itself is the core's (uow.members.erase, above)
    merge=merges_nothing,  # the member rows are the core's (uow.members.merge)
    repositories={},
)
