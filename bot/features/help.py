"""/help: generated from the command declarations, so it is never out of date."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandBook, CommandSpec, Kind, Param
from bot.context import Context, Feature, erases_nothing, merges_nothing
from bot.errors import Refusal
from bot.identity import Role
from bot.reply import Field, Reply, Section, Visibility
from bot.settings import Settings


@dataclass(frozen=True)
class ShowHelp:
    topic: str | None = None


def help_reply(book: CommandBook, role: Role, topic: str | None) -> Reply:
    if topic:
        specs = [s for s in book.specs.values() if s.group == topic.lstrip("/").lower()]
        if not specs:
            raise Refusal(f"There is no /{topic.lstrip('/')[:30]}. Type `/help` for the list.")
        return Reply.ephemeral(f"/{specs[0].group}", sections=tuple(_detail(s) for s in specs))
    fields = tuple(
        Field(spec.usage(), spec.summary + ("" if spec.role <= Role.MEMBER else f" ({spec.role.label}s)"))
        for spec in book.specs.values() if spec.role <= role or spec.role <= Role.MEMBER
    )
    return Reply.ephemeral("Here is what I can do. `/help COMMAND` tells more.", sections=(Section("", fields),))


def _detail(spec: CommandSpec) -> Section:
    fields = [Field("usage", spec.usage())]
    fields += [Field(p.name, p.help + (" (optional)" if p.optional else "")) for p in spec.params]
    fields += [Field("example", e) for e in spec.examples]
    if spec.role > Role.MEMBER:
        fields.append(Field("who", f"{spec.role.label}s and above"))
    return Section(spec.summary, tuple(fields))


def help_feature(book: CommandBook) -> Feature:
    async def show_help(cmd: ShowHelp, ctx: Context) -> Reply:
        return help_reply(book, ctx.role, cmd.topic)

    spec = CommandSpec("help", "What copbot can do", ShowHelp, show_help,
                       params=(Param("topic", Kind.WORD, "a command", optional=True, max_len=40),),
                       visibility=Visibility.EPHEMERAL, examples=("/help", "/help kudos"))
    return Feature(name="help", commands=(spec,), settings=Settings, erase=erases_nothing,
                   merge=merges_nothing, repositories={})
