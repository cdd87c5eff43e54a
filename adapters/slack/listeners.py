"""Wires the Bolt listeners: one generic listener for every command group the core declares, one for every
copbot button, one for command forms, and one per event type."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from adapters.slack.events import SlackEvents
from adapters.slack.forms import FORM_CALLBACK
from adapters.slack.interactions import SlackInteractions
from adapters.slack.render import BUTTON_ACTION_PREFIX
from adapters.slack.shortcuts import SHORTCUT_PREFIX
from bot.core import Core


def command_names(core: Core) -> list[str]:
    """Slack's slash commands: one per command group (`/kudos` serves `kudos`, `kudos undo`, `kudos void`)."""
    return list(core.book.groups())


def register(bolt: AsyncApp, core: Core, interactions: SlackInteractions, events: SlackEvents) -> None:
    pattern = re.compile("^/(?:" + "|".join(re.escape(name) for name in command_names(core)) + ")$")
    bolt.command(pattern)(interactions.on_command)
    bolt.action(re.compile("^" + re.escape(BUTTON_ACTION_PREFIX)))(interactions.on_button)
    bolt.view(FORM_CALLBACK)(interactions.on_form_submitted)
    # Every copbot shortcut, including one an older manifest still shows: it is acknowledged, never a 404.
    bolt.shortcut(re.compile("^" + re.escape(SHORTCUT_PREFIX)))(interactions.on_message_action)

    bolt.event("reaction_added")(events.on_reaction)
    bolt.event("reaction_removed")(events.on_reaction)
    bolt.event("message")(events.on_message)
    bolt.event("team_join")(events.on_team_join)
    bolt.event("member_joined_channel")(events.on_member_joined_channel)
    bolt.event("user_change")(events.on_user_change)
    bolt.event("app_home_opened")(events.on_app_home_opened)
