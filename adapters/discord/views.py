"""Buttons that run a core command when pressed, and forms (modals) for commands declared with a form.

A button's ``custom_id`` is ``copbot:`` + the core command line it runs (``copbot:meetup rsvp 12 yes``), so the
button needs no state in memory: :class:`CommandButton` is a ``DynamicItem`` that discord.py matches by its
template, registered once at start (``client.add_dynamic_items``), and keeps working after a restart and on
messages sent by another process.  The presser, not the author of the message, runs the command."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.commands import CommandSpec, Kind
from bot.reply import Button

log = logging.getLogger("copbot.discord")

PREFIX = "copbot:"
CUSTOM_ID_MAX = 100
LABEL_MAX = 80
BUTTONS_MAX = 25  # 5 rows of 5
FORM_FIELDS_MAX = 5
LABEL_MAX_FIELD = 45
PLACEHOLDER_MAX = 100
INPUT_MAX = 4000
STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}


class CommandButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(re.escape(PREFIX) + r"(?P<command>.+)")):
    def __init__(self, command: str, label: str = "…", style: discord.ButtonStyle = discord.ButtonStyle.secondary):
        super().__init__(discord.ui.Button(label=label[:LABEL_MAX], style=style, custom_id=PREFIX + command))
        self.command = command

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CommandButton:
        return cls(match["command"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.client.interactions.press(interaction, self.command)  # type: ignore[attr-defined]


def command_view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:BUTTONS_MAX]:
        if len(PREFIX + button.command) > CUSTOM_ID_MAX:
            log.warning("button %r dropped: its command is longer than a custom id allows", button.label)
            continue
        view.add_item(CommandButton(button.command, button.label,
                                    STYLES.get(button.style, discord.ButtonStyle.secondary)))
    if len(buttons) > BUTTONS_MAX:
        log.warning("%d buttons dropped: Discord shows at most %d", len(buttons) - BUTTONS_MAX, BUTTONS_MAX)
    return view if view.children else None


def _inputs(spec: CommandSpec) -> list[discord.ui.TextInput]:
    """The declared fields, or one per parameter; Discord shows at most five."""
    if form := spec.declared_form:
        fields = [(f.name, f.label, f.placeholder, f.required, f.max_len, f.multiline) for f in form.fields]
    else:
        fields = [(p.name, p.help or p.name, None, not p.optional, p.max_len, p.kind is Kind.TEXT)
                  for p in spec.params]
    if len(fields) > FORM_FIELDS_MAX:
        log.warning("/%s: %d form fields dropped, Discord shows %d", spec.name, len(fields) - FORM_FIELDS_MAX,
                    FORM_FIELDS_MAX)
    return [discord.ui.TextInput(label=label[:LABEL_MAX_FIELD], custom_id=name, required=required,
                                 placeholder=placeholder[:PLACEHOLDER_MAX] if placeholder else None,
                                 max_length=min(max_len, INPUT_MAX),
                                 style=discord.TextStyle.paragraph if long else discord.TextStyle.short)
            for name, label, placeholder, required, max_len, long in fields[:FORM_FIELDS_MAX]]


class FormModal(discord.ui.Modal):
    """The command's form fields, as text inputs; submitting runs the line they make."""

    def __init__(self, spec: CommandSpec) -> None:
        super().__init__(title=spec.summary[:45] or spec.name, custom_id=f"copbot-form:{spec.name}"[:CUSTOM_ID_MAX],
                         timeout=15 * 60)
        self.spec = spec
        self.inputs: dict[str, discord.ui.TextInput] = {}
        for field in _inputs(spec):
            self.inputs[field.custom_id] = field
            self.add_item(field)

    def values(self) -> dict[str, str]:
        return {name: field.value for name, field in self.inputs.items()}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.client.interactions.form_submitted(interaction, self.spec, self.values())  # type: ignore[attr-defined]

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await interaction.client.interactions.failed(interaction, error)  # type: ignore[attr-defined]
