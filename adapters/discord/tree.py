"""The application command tree, derived from the core's command declarations (``core.book``).

Mapping (generic, no command is named here):

* A group word with one declaration and no subcommands is a top-level command: ``/profile``, ``/help``.
* A group word with subcommands becomes a Discord group; each ``"group sub"`` declaration is ``/group sub``.
  Discord cannot invoke a command that has subcommands, so the bare declaration of such a group (``kudos`` next to
  ``kudos undo``) becomes a subcommand named by the verb of its command class: ``GiveKudos`` -> ``/kudos give``,
  ``ShowLeaderboard`` -> ``/leaderboard show`` (``run`` if that verb is taken or not a valid name).
* Options, in the declared order (Discord lists required ones first): MEMBER -> a user option; MEMBERS ->
  ``member1`` .. ``memberN`` user options, the first required; TEXT / WORD -> a string with ``max_length``;
  INT -> an integer; CHOICE -> a string with choices; TAGS -> a string autocompleted from ``core.suggest``.
* A declaration with ``form=True`` has only optional options; invoked without any, it opens a form (modal).
  One that declares a ``Form`` has the form's fields as its (optional, string) options instead, and the form
  turns them into the core's line.
* A param or form field that the declaration gives suggestions is autocompleted from ``core.suggest``.

Each message action a feature declares (``MessageActionSpec``) is a message context-menu command named by its label.

The callback rebuilds the core's text line from the options (``CommandSpec.line``) and passes what Discord
resolved about each member (name, bot) as ``people``."""

from __future__ import annotations

import inspect
import re
from typing import Any, Literal, Union

import discord
from discord import app_commands

from adapters.discord import facts
from bot.commands import CommandBook, CommandSpec, Kind, Mention, Param, Typed
from bot.context import MessageActionSpec
from bot.core import Core
from bot.errors import Refusal
from bot.reply import Reply

FALLBACK_SUB = "run"
STALE = "I don't know that command any more: type `/help` to see what I can do."
NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
DESCRIPTION_MAX = 100
CHOICES_MAX = 25
STRING_MAX = 6000
Who = Union[discord.Member, discord.User]  # noqa: UP007 - discord.py reads typing.Union


def _verb(spec: CommandSpec) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", spec.command.__name__).split()[0].lower()


def discord_names(book: CommandBook) -> dict[str, tuple[str, str | None]]:
    """Each declaration's Discord name: ``{"kudos": ("kudos", "give"), "kudos undo": ("kudos", "undo"), ...}``."""
    names: dict[str, tuple[str, str | None]] = {}
    for group, specs in book.groups().items():
        if len(specs) == 1 and specs[0].sub is None:
            names[specs[0].name] = (group, None)
            continue
        taken = {s.sub for s in specs if s.sub}
        for spec in specs:
            sub = spec.sub
            if sub is None:
                sub = _verb(spec)
                sub = sub if NAME.match(sub) and sub not in taken else FALLBACK_SUB
            names[spec.name] = (group, sub)
    return names


def option_names(param: Param, spec: CommandSpec) -> list[str]:
    if param.kind is not Kind.MEMBERS:
        return [param.name]
    several = sum(p.kind is Kind.MEMBERS for p in spec.params) > 1
    prefix = param.name if several else "member"
    return [f"{prefix}{i}" for i in range(1, max(param.max_items, 1) + 1)]


def _annotation(param: Param) -> Any:
    if param.kind in (Kind.MEMBER, Kind.MEMBERS):
        return Who
    if param.kind is Kind.INT:
        return int
    if param.kind is Kind.CHOICE and 0 < len(param.choices) <= CHOICES_MAX:
        return Literal[param.choices]  # type: ignore[valid-type]
    return app_commands.Range[str, 1, min(param.max_len, STRING_MAX)]


def _parameters(spec: CommandSpec) -> tuple[list[inspect.Parameter], dict[str, str]]:
    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=discord.Interaction)]
    descriptions: dict[str, str] = {}
    if form := spec.declared_form:
        for field in form.fields:
            params.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                            annotation=app_commands.Range[str, 1, min(field.max_len, STRING_MAX)]))
            example = f", like {field.placeholder}" if field.placeholder else ""
            descriptions[field.name] = f"{field.label}{example}"[:DESCRIPTION_MAX]
        return params, descriptions
    for param in spec.params:
        for i, name in enumerate(option_names(param, spec)):
            required = not param.optional and i == 0 and not spec.form
            default = inspect.Parameter.empty if required else None
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                            annotation=_annotation(param)))
            descriptions[name] = (param.help if i == 0 else f"{param.help} (more)")[:DESCRIPTION_MAX]
    return params, descriptions


def line_and_people(spec: CommandSpec, values: dict[str, Any], guild_id: int | str) -> tuple[str, tuple]:
    """The core's text line from option values, and facts about the members they name."""
    if spec.declared_form:
        return spec.line(values), ()
    typed: dict[str, Typed] = {}
    people = []
    for param in spec.params:
        found = [v for v in (values.get(name) for name in option_names(param, spec)) if v is not None]
        users = [v for v in found if isinstance(v, discord.abc.User)]
        people.extend(facts.person(u, guild_id) for u in users)
        typed[param.name] = [Mention(str(u.id)) for u in users] if users else found
    return spec.line(typed), tuple(people)


def _tag_completer(core: Core, spec: CommandSpec, name: str):
    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        head, _, last = current.replace(",", " ").rpartition(" ")
        found = await core.suggest(facts.interaction_place(interaction), spec.name, name, last.lstrip("#"))
        return [app_commands.Choice(name=v[:100], value=v[:100])
                for v in (f"{head} #{s.value}".strip() for s in found)][:CHOICES_MAX]

    return complete


def _completer(core: Core, spec: CommandSpec, name: str, integer: bool):
    async def complete(interaction: discord.Interaction, current: str | int) -> list[app_commands.Choice]:
        found = await core.suggest(facts.interaction_place(interaction), spec.name, name, str(current or ""))
        if integer:
            return [app_commands.Choice(name=s.label[:100], value=int(s.value))
                    for s in found if s.value.isdigit()][:CHOICES_MAX]
        return [app_commands.Choice(name=s.label[:100], value=s.value[:100]) for s in found][:CHOICES_MAX]

    return complete


def _completers(core: Core, spec: CommandSpec) -> dict[str, Any]:
    """An autocomplete callback per option the declaration offers suggestions for."""
    if form := spec.declared_form:
        return {f.name: _completer(core, spec, f.name, False) for f in form.fields if f.suggest}
    found: dict[str, Any] = {}
    for param in spec.params:
        if param.kind is Kind.TAGS:
            found[param.name] = _tag_completer(core, spec, param.name)
        elif param.suggest and param.kind in (Kind.TEXT, Kind.WORD, Kind.INT):
            found[param.name] = _completer(core, spec, param.name, param.kind is Kind.INT)
    return found


def command_for(spec: CommandSpec, name: str, core: Core, parent: app_commands.Group | None = None
                ) -> app_commands.Command:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        handler = interaction.client.interactions  # type: ignore[attr-defined]
        if spec.opens_form and all(v is None for v in values.values()):
            await handler.open_form(interaction, spec)
            return
        try:
            line, people = line_and_people(spec, values, interaction.guild_id or "")
        except Refusal as refusal:
            await handler.respond(interaction, Reply.refusal(refusal.message))
            return
        await handler.command(interaction, spec, line, people)

    params, descriptions = _parameters(spec)
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback = app_commands.describe(**descriptions)(callback)
    if completers := _completers(core, spec):
        callback = app_commands.autocomplete(**completers)(callback)
    return app_commands.Command(name=name, description=spec.summary[:DESCRIPTION_MAX] or name, callback=callback,
                                parent=parent)


def build_commands(core: Core) -> list[app_commands.Command | app_commands.Group]:
    names = discord_names(core.book)
    top: dict[str, app_commands.Command | app_commands.Group] = {}
    for spec_name, (group, sub) in names.items():
        spec = core.book.specs[spec_name]
        if sub is None:
            top[group] = command_for(spec, group, core)
            continue
        parent = top.get(group)
        if parent is None:
            bare = core.book.specs.get(group)
            summary = bare.summary if bare else f"/{group} commands"
            parent = top[group] = app_commands.Group(name=group, description=summary[:DESCRIPTION_MAX])
        assert isinstance(parent, app_commands.Group)
        parent.add_command(command_for(spec, sub, core, parent))
    return list(top.values())


CONTEXT_MENU_NAME_MAX = 32


def context_menu_for(action: MessageActionSpec) -> app_commands.ContextMenu:
    """A message context-menu command ("Apps" on a message) that runs the declared action on that message."""

    async def callback(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.client.interactions.message_action(interaction, action.name, message)  # type: ignore[attr-defined]

    return app_commands.ContextMenu(name=action.label[:CONTEXT_MENU_NAME_MAX], callback=callback,
                                    type=discord.AppCommandType.message)


class CopTree(app_commands.CommandTree):
    """Failures in a command become an ephemeral apology (as the first response, or a follow-up)."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        handler = interaction.client.interactions  # type: ignore[attr-defined]
        if isinstance(error, app_commands.CommandNotFound):  # a command from an older sync
            await handler.respond(interaction, Reply.ephemeral(STALE))
        else:
            await handler.failed(interaction, error)


def build_tree(client: discord.Client, core: Core, guild_ids: list[str]) -> CopTree:
    contexts = None if guild_ids else app_commands.AppCommandContext(guild=True)
    tree = CopTree(client, allowed_contexts=contexts) if contexts else CopTree(client)
    guilds = [discord.Object(int(g)) for g in guild_ids]
    for command in [*build_commands(core), *(context_menu_for(a) for a in core.message_actions())]:
        if guilds:
            tree.add_command(command, guilds=guilds)
        else:
            tree.add_command(command)
    return tree
